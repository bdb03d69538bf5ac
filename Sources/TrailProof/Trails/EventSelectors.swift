/// What a trail logs, in either of `put-event-selectors`' forms, checked as AWS checks them and
/// matched against CloudTrail records.
///
/// Structural problems (unknown members, wrong types, empty lists) are reported in botocore's
/// words, as aws-cli reports them before sending; the rules the service applies (values,
/// operators per field, limits) in CloudTrail's exception and message style.
///
///     let selectors = try EventSelectors(advanced: try StrictJSONParser.parse(Array(#"[{"FieldSelectors":[{"Field":"eventCategory","Equals":["Management"]}]}]"#.utf8)))
///     selectors.matches(record)  // true for a management event
public enum EventSelectors: Sendable, Equatable {
    case basic([BasicSelector])
    case advanced([AdvancedSelector])

    /// One `EventSelectors` element.
    public struct BasicSelector: Sendable, Equatable {
        public enum ReadWriteType: String, Sendable { case readOnly = "ReadOnly", writeOnly = "WriteOnly", all = "All" }
        public var readWriteType: ReadWriteType
        public var includeManagementEvents: Bool
        public var dataResources: [(type: String, values: [String])]
        public var excludeManagementEventSources: [String]

        public static func == (a: BasicSelector, b: BasicSelector) -> Bool {
            a.readWriteType == b.readWriteType && a.includeManagementEvents == b.includeManagementEvents
                && a.excludeManagementEventSources == b.excludeManagementEventSources
                && a.dataResources.count == b.dataResources.count
                && zip(a.dataResources, b.dataResources).allSatisfy { $0.type == $1.type && $0.values == $1.values }
        }
    }

    /// One `AdvancedEventSelectors` element: every field selector must match.
    public struct AdvancedSelector: Sendable, Equatable {
        public var name: String?
        public var fieldSelectors: [FieldSelector]
    }

    /// One condition on a record field. Values of `Equals`, `StartsWith` and `EndsWith` are
    /// alternatives (one must match); values of the `Not…` operators must all fail to match.
    public struct FieldSelector: Sendable, Equatable {
        public var field: String
        public var operators: [(Operator, [String])]

        public static func == (a: FieldSelector, b: FieldSelector) -> Bool {
            a.field == b.field && a.operators.count == b.operators.count && zip(a.operators, b.operators).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        }
    }

    public enum Operator: String, Sendable, CaseIterable {
        case equals = "Equals", startsWith = "StartsWith", endsWith = "EndsWith"
        case notEquals = "NotEquals", notStartsWith = "NotStartsWith", notEndsWith = "NotEndsWith"

        var isNegative: Bool { self == .notEquals || self == .notStartsWith || self == .notEndsWith }

        func holds(_ value: String, _ pattern: String) -> Bool {
            switch self {
            case .equals, .notEquals: return value == pattern
            case .startsWith, .notStartsWith: return value.hasPrefix(pattern)
            case .endsWith, .notEndsWith: return value.hasSuffix(pattern)
            }
        }
    }

    /// The fields an advanced selector may test, as CloudTrail documents them for trails.
    public static let fields = [
        "eventCategory", "eventSource", "eventName", "eventType", "readOnly", "resources.type", "resources.ARN", "userIdentity.arn",
        "sessionCredentialFromConsole",
    ]
    /// The management event sources a trail may leave out.
    static let excludableSources = ["kms.amazonaws.com", "rdsdata.amazonaws.com"]
    /// The resource types basic selectors can name.
    static let basicResourceTypes = ["AWS::S3::Object", "AWS::Lambda::Function", "AWS::DynamoDB::Table"]

    // MARK: Reading and checking

    /// Reads and checks `--event-selectors` JSON.
    public init(basic value: JSONValue) throws {
        var problems = StructureProblems()
        let items = problems.list(value, "EventSelectors")
        var selectors: [BasicSelector] = []
        for (index, item) in items.enumerated() {
            let path = "EventSelectors[\(index)]"
            guard
                let members = problems.object(
                    item, path, allowed: ["ReadWriteType", "IncludeManagementEvents", "DataResources", "ExcludeManagementEventSources"])
            else { continue }
            let readWrite = members["ReadWriteType"].flatMap { problems.string($0, path + ".ReadWriteType") }
            let include = members["IncludeManagementEvents"].flatMap { problems.bool($0, path + ".IncludeManagementEvents") }
            var resources: [(type: String, values: [String])] = []
            if let list = members["DataResources"] {
                for (resourceIndex, resource) in problems.list(list, path + ".DataResources").enumerated() {
                    let resourcePath = "\(path).DataResources[\(resourceIndex)]"
                    guard let fields = problems.object(resource, resourcePath, allowed: ["Type", "Values"]) else { continue }
                    let type = fields["Type"].flatMap { problems.string($0, resourcePath + ".Type") }
                    let values = fields["Values"].map { problems.strings($0, resourcePath + ".Values") } ?? []
                    resources.append((type ?? "", values))
                }
            }
            let excluded = members["ExcludeManagementEventSources"].map { problems.strings($0, path + ".ExcludeManagementEventSources") } ?? []
            selectors.append(
                BasicSelector(
                    readWriteType: .all, includeManagementEvents: include ?? true, dataResources: resources,
                    excludeManagementEventSources: excluded))
            if let readWrite {
                guard let type = BasicSelector.ReadWriteType(rawValue: readWrite) else {
                    problems.service(
                        "InvalidEventSelectorsException: 1 validation error detected: Value '\(readWrite)' at 'eventSelectors.\(index + 1).member.readWriteType' failed to satisfy constraint: Member must satisfy enum value set: [ReadOnly, WriteOnly, All]"
                    )
                    continue
                }
                selectors[selectors.count - 1].readWriteType = type
            }
        }
        try problems.throwStructural()
        try problems.throwService()
        try Self.checkService(basic: selectors)
        self = .basic(selectors)
    }

    /// Reads and checks `--advanced-event-selectors` JSON.
    public init(advanced value: JSONValue) throws {
        var problems = StructureProblems()
        var selectors: [AdvancedSelector] = []
        for (index, item) in problems.list(value, "AdvancedEventSelectors").enumerated() {
            let path = "AdvancedEventSelectors[\(index)]"
            guard let members = problems.object(item, path, allowed: ["Name", "FieldSelectors"]) else { continue }
            let name = members["Name"].flatMap { problems.string($0, path + ".Name", maxLength: 1000) }
            guard let list = members["FieldSelectors"] else {
                problems.structural("Missing required parameter in \(path): \"FieldSelectors\"")
                continue
            }
            let fieldItems = problems.list(list, path + ".FieldSelectors", minLength: 1)
            var fieldSelectors: [FieldSelector] = []
            for (fieldIndex, fieldItem) in fieldItems.enumerated() {
                let fieldPath = "\(path).FieldSelectors[\(fieldIndex)]"
                guard let fields = problems.object(fieldItem, fieldPath, allowed: ["Field"] + Operator.allCases.map(\.rawValue)) else { continue }
                guard let fieldValue = fields["Field"] else {
                    problems.structural("Missing required parameter in \(fieldPath): \"Field\"")
                    continue
                }
                let field = problems.string(fieldValue, fieldPath + ".Field", minLength: 1, maxLength: 1000) ?? ""
                var operators: [(Operator, [String])] = []
                for op in Operator.allCases {
                    guard let values = fields[op.rawValue] else { continue }
                    let strings = problems.strings(values, "\(fieldPath).\(op.rawValue)", minLength: 1, elementMin: 1, elementMax: 2048)
                    operators.append((op, strings))
                }
                fieldSelectors.append(FieldSelector(field: field, operators: operators))
            }
            selectors.append(AdvancedSelector(name: name, fieldSelectors: fieldSelectors))
        }
        try problems.throwStructural()
        try Self.checkService(advanced: selectors)
        self = .advanced(selectors)
    }

    private static func invalid(_ message: String) -> TrailProofError {
        TrailProofError(.invalidArgument, "InvalidEventSelectorsException: \(message)")
    }

    private static func checkService(basic selectors: [BasicSelector]) throws {
        guard (1...5).contains(selectors.count) else {
            throw invalid("A trail can have 1 to 5 event selectors; \(selectors.count) were given.")
        }
        var resourceCount = 0
        for selector in selectors {
            for source in selector.excludeManagementEventSources where !excludableSources.contains(source) {
                throw invalid(
                    "Value \(source) for ExcludeManagementEventSources is invalid. Valid values are kms.amazonaws.com and rdsdata.amazonaws.com.")
            }
            for resource in selector.dataResources {
                guard basicResourceTypes.contains(resource.type) else {
                    throw invalid(
                        "Value \(resource.type) for DataResources.Type is invalid. Use advanced event selectors for resource types other than \(basicResourceTypes.joined(separator: ", "))."
                    )
                }
                for value in resource.values where !isValidBasicResourceValue(value, type: resource.type) {
                    throw invalid("Value \(value) for DataResources.Values is invalid.")
                }
                resourceCount += resource.values.count
            }
        }
        guard resourceCount <= 250 else { throw invalid("A trail is limited to 250 data resources; \(resourceCount) were given.") }
    }

    /// `arn:aws:s3` (every bucket), `arn:aws:s3:::BUCKET/` or a longer object prefix;
    /// `arn:aws:lambda` or a function ARN; `arn:aws:dynamodb` or a table ARN.
    static func isValidBasicResourceValue(_ value: String, type: String) -> Bool {
        switch type {
        case "AWS::S3::Object":
            if value == "arn:aws:s3" { return true }
            guard value.hasPrefix("arn:aws:s3:::") else { return false }
            let rest = value.dropFirst("arn:aws:s3:::".count)
            guard let slash = rest.firstIndex(of: "/") else { return false }
            let bucket = rest[..<slash]
            return (try? ObjectLocation.validateBucket(String(bucket))) != nil && !rest.contains("*")
        case "AWS::Lambda::Function":
            if value == "arn:aws:lambda" { return true }
            let parts = value.split(separator: ":", omittingEmptySubsequences: false)
            return parts.count >= 7 && value.hasPrefix("arn:aws:lambda:") && parts[5] == "function" && !parts[6].isEmpty && !value.contains("*")
        case "AWS::DynamoDB::Table":
            if value == "arn:aws:dynamodb" { return true }
            let parts = value.split(separator: ":", omittingEmptySubsequences: false)
            return parts.count == 6 && value.hasPrefix("arn:aws:dynamodb:") && parts[5].hasPrefix("table/") && parts[5].count > 6
                && !value.contains("*")
        default: return false
        }
    }

    private static func checkService(advanced selectors: [AdvancedSelector]) throws {
        guard !selectors.isEmpty else { throw invalid("At least one advanced event selector is required.") }
        var valueCount = 0
        for (index, selector) in selectors.enumerated() {
            let label = selector.name.map { "selector \"\($0)\"" } ?? "selector \(index + 1)"
            var seen = Set<String>()
            for field in selector.fieldSelectors {
                guard fields.contains(field.field) else {
                    throw invalid("Invalid field \(field.field) in \(label). Valid fields are \(fields.joined(separator: ", ")).")
                }
                guard seen.insert(field.field).inserted else { throw invalid("Field \(field.field) is used more than once in \(label).") }
                guard !field.operators.isEmpty else {
                    throw invalid(
                        "Field \(field.field) in \(label) must use at least one operator: \(Operator.allCases.map(\.rawValue).joined(separator: ", "))."
                    )
                }
                valueCount += field.operators.reduce(0) { $0 + $1.1.count }
                let operators = Set(field.operators.map { $0.0 })
                func onlyEquals(_ allowed: Set<Operator> = [.equals]) throws {
                    guard operators.isSubset(of: allowed) else {
                        throw invalid(
                            "Field \(field.field) in \(label) supports only the \(allowed.map(\.rawValue).sorted().joined(separator: " and ")) operator\(allowed.count > 1 ? "s" : "")."
                        )
                    }
                }
                let values = field.operators.flatMap { $0.1 }
                func only(_ allowedValues: [String]) throws {
                    for value in values where !allowedValues.contains(value) {
                        throw invalid(
                            "Invalid value \(value) for field \(field.field) in \(label). Valid values are \(allowedValues.joined(separator: ", ")).")
                    }
                }
                switch field.field {
                case "eventCategory":
                    try onlyEquals()
                    try only(["Management", "Data"])
                case "readOnly":
                    try onlyEquals()
                    try only(["true", "false"])
                case "resources.type":
                    try onlyEquals()
                    guard values.count == 1 else { throw invalid("Field resources.type in \(label) takes exactly one value.") }
                case "sessionCredentialFromConsole":
                    try onlyEquals([.equals, .notEquals])
                    try only(["true", "false"])
                case "eventType":
                    try onlyEquals([.equals, .notEquals])
                default: break
                }
            }
            guard let category = selector.fieldSelectors.first(where: { $0.field == "eventCategory" }) else {
                throw invalid("Each advanced event selector must have an eventCategory field; \(label) has none.")
            }
            let categories = category.operators.flatMap { $0.1 }
            if categories.contains("Management") {
                guard categories.count == 1 else { throw invalid("\(label) cannot select management and data events together.") }
                for field in selector.fieldSelectors where !["eventCategory", "readOnly", "eventSource"].contains(field.field) {
                    throw invalid(
                        "Field \(field.field) is not supported for management events (\(label)); use eventCategory, readOnly or eventSource.")
                }
                if let source = selector.fieldSelectors.first(where: { $0.field == "eventSource" }) {
                    guard source.operators.allSatisfy({ $0.0 == .notEquals }) else {
                        throw invalid("For management events, eventSource supports only the NotEquals operator (\(label)).")
                    }
                    for value in source.operators.flatMap({ $0.1 }) where !excludableSources.contains(value) {
                        throw invalid(
                            "Invalid value \(value) for field eventSource in \(label). Valid values are \(excludableSources.joined(separator: ", "))."
                        )
                    }
                }
            } else {
                guard selector.fieldSelectors.contains(where: { $0.field == "resources.type" }) else {
                    throw invalid("Data event selectors must have a resources.type field; \(label) has none.")
                }
            }
        }
        guard valueCount <= 500 else { throw invalid("Advanced event selectors may have at most 500 values in all; \(valueCount) were given.") }
    }

    // MARK: Matching

    /// Whether a trail with these selectors logs `record` (a CloudTrail event object).
    public func matches(_ record: JSONValue) -> Bool {
        let category = Self.category(of: record)
        switch self {
        case .basic(let selectors):
            return selectors.contains { $0.matches(record, category: category) }
        case .advanced(let selectors):
            return selectors.contains { selector in selector.fieldSelectors.allSatisfy { $0.matches(record, category: category) } }
        }
    }

    /// `Management` unless the record says otherwise (older records carry only `managementEvent`).
    static func category(of record: JSONValue) -> String {
        if let category = record["eventCategory"]?.stringValue { return category }
        if case .bool(false) = record["managementEvent"] { return "Data" }
        return "Management"
    }

    /// Whether AWS's default (no selectors: every management event, no data events) logs `record`.
    public static func defaultMatches(_ record: JSONValue) -> Bool { category(of: record) == "Management" }

    /// What a trail without selectors logs: every management event, read and write, no data events.
    public static let awsDefault = EventSelectors.basic([
        BasicSelector(readWriteType: .all, includeManagementEvents: true, dataResources: [], excludeManagementEventSources: [])
    ])

    /// put-event-selectors' and get-event-selectors' answer: `{"TrailARN": ..., "EventSelectors": [...]}`
    /// (or `AdvancedEventSelectors`).
    public func awsShape(trailARN: String) -> JSONValue { .object([("TrailARN", .string(trailARN)), member]) }

    /// The member the stored trail definition keeps.
    var member: (key: String, value: JSONValue) {
        switch self {
        case .basic(let selectors):
            return (
                "EventSelectors",
                .array(
                    selectors.map { selector in
                        .object([
                            ("ReadWriteType", .string(selector.readWriteType.rawValue)),
                            ("IncludeManagementEvents", .bool(selector.includeManagementEvents)),
                            (
                                "DataResources",
                                .array(
                                    selector.dataResources.map {
                                        .object([("Type", .string($0.type)), ("Values", .array($0.values.map { .string($0) }))])
                                    })
                            ),
                            ("ExcludeManagementEventSources", .array(selector.excludeManagementEventSources.map { .string($0) })),
                        ])
                    })
            )
        case .advanced(let selectors):
            return (
                "AdvancedEventSelectors",
                .array(
                    selectors.map { selector in
                        var members: [(key: String, value: JSONValue)] = []
                        if let name = selector.name { members.append(("Name", .string(name))) }
                        members.append(
                            (
                                "FieldSelectors",
                                .array(
                                    selector.fieldSelectors.map { field in
                                        .object(
                                            [("Field", .string(field.field))]
                                                + field.operators.map { ($0.0.rawValue, .array($0.1.map { .string($0) })) })
                                    })
                            ))
                        return .object(members)
                    })
            )
        }
    }
}

extension EventSelectors.BasicSelector {
    func matches(_ record: JSONValue, category: String) -> Bool {
        let readOnly: Bool? = {
            if case .bool(let flag) = record["readOnly"] { return flag }
            return nil
        }()
        switch readWriteType {
        case .all: break
        case .readOnly: guard readOnly == true else { return false }
        case .writeOnly: guard readOnly == false else { return false }
        }
        if category == "Management" {
            guard includeManagementEvents else { return false }
            if let source = record["eventSource"]?.stringValue, excludeManagementEventSources.contains(source) { return false }
            return true
        }
        guard category == "Data" else { return false }
        let resources = record["resources"]?.arrayValue ?? []
        return dataResources.contains { resource in
            resources.contains { item in
                guard item["type"]?.stringValue == resource.type, let arn = item["ARN"]?.stringValue else { return false }
                return resource.values.contains { value in
                    // A service-wide value (arn:aws:s3) takes every resource of the type; an S3
                    // value is a bucket or object prefix; other values name one resource.
                    value.split(separator: ":").count <= 3 || (resource.type == "AWS::S3::Object" ? arn.hasPrefix(value) : arn == value)
                }
            }
        }
    }
}

extension EventSelectors.FieldSelector {
    /// The record's values for the field: several for `resources.*` (one per resource).
    func values(in record: JSONValue, category: String) -> [String] {
        switch field {
        case "eventCategory": return [category]
        case "readOnly":
            if case .bool(let flag) = record["readOnly"] { return [flag ? "true" : "false"] }
            return []
        case "resources.type", "resources.ARN":
            let member = field == "resources.type" ? "type" : "ARN"
            return (record["resources"]?.arrayValue ?? []).compactMap { $0[member]?.stringValue }
        case "userIdentity.arn": return record["userIdentity"]?["arn"]?.stringValue.map { [$0] } ?? []
        case "sessionCredentialFromConsole":
            switch record["sessionCredentialFromConsole"] {
            case .string(let text): return [text]
            case .bool(let flag): return [flag ? "true" : "false"]
            default: return []
            }
        default: return record[field]?.stringValue.map { [$0] } ?? []
        }
    }

    /// True when one of the record's values meets every operator (a record without the field
    /// meets only negative operators).
    func matches(_ record: JSONValue, category: String) -> Bool {
        func meets(_ value: String?) -> Bool {
            operators.allSatisfy { op, patterns in
                guard let value else { return op.isNegative }
                return op.isNegative ? !patterns.contains { op.holds(value, $0) } : patterns.contains { op.holds(value, $0) }
            }
        }
        let found = values(in: record, category: category)
        return found.isEmpty ? meets(nil) : found.contains { meets($0) }
    }
}

/// Collects botocore-style problems (all of them, as botocore reports them) and the first
/// service-side one.
private struct StructureProblems {
    var lines: [String] = []
    var serviceMessage: String?

    mutating func structural(_ line: String) { lines.append(line) }
    mutating func service(_ message: String) { if serviceMessage == nil { serviceMessage = message } }

    func throwStructural() throws {
        guard !lines.isEmpty else { return }
        throw TrailProofError(.invalidArgument, "Parameter validation failed:\n" + lines.joined(separator: "\n"))
    }

    func throwService() throws {
        if let serviceMessage { throw TrailProofError(.invalidArgument, serviceMessage) }
    }

    /// The value as botocore's message shows it (Python's `str()` of the parsed value) and its Python type.
    private func describe(_ value: JSONValue) -> (String, String) {
        switch value {
        case .null: return ("None", "<class 'NoneType'>")
        case .bool(let flag): return (flag ? "True" : "False", "<class 'bool'>")
        case .number(let text): return (text, text.contains(".") || text.contains("e") || text.contains("E") ? "<class 'float'>" : "<class 'int'>")
        case .string(let text): return (text, "<class 'str'>")
        case .array: return (Self.pythonRepr(value), "<class 'list'>")
        case .object: return (Self.pythonRepr(value), "<class 'dict'>")
        }
    }

    /// Python's `repr()` of a parsed JSON value (strings quoted as Python quotes them).
    static func pythonRepr(_ value: JSONValue) -> String {
        switch value {
        case .null, .bool, .number: return StructureProblems().describe(value).0
        case .string(let text):
            let quote = text.contains("'") && !text.contains("\"") ? "\"" : "'"
            var escaped = ""
            for character in text.unicodeScalars {
                switch character {
                case "\\": escaped += "\\\\"
                case "\n": escaped += "\\n"
                case "\t": escaped += "\\t"
                case "\r": escaped += "\\r"
                case _ where String(character) == quote: escaped += "\\" + quote
                case _ where character.value < 0x20 || character.value == 0x7f:
                    escaped += "\\x" + String(character.value, radix: 16).leftPadded(to: 2)
                default: escaped.unicodeScalars.append(character)
                }
            }
            return quote + escaped + quote
        case .array(let items): return "[" + items.map(pythonRepr).joined(separator: ", ") + "]"
        case .object(let members):
            return "{" + members.map { pythonRepr(.string($0.key)) + ": " + pythonRepr($0.value) }.joined(separator: ", ") + "}"
        }
    }

    private mutating func wrongType(_ value: JSONValue, _ path: String, _ valid: String) {
        let (text, type) = describe(value)
        lines.append("Invalid type for parameter \(path), value: \(text), type: \(type), valid types: \(valid)")
    }

    mutating func list(_ value: JSONValue, _ path: String, minLength: Int? = nil) -> [JSONValue] {
        guard case .array(let items) = value else {
            wrongType(value, path, "<class 'list'>, <class 'tuple'>")
            return []
        }
        if let minLength, items.count < minLength {
            lines.append("Invalid length for parameter \(path), value: \(items.count), valid min length: \(minLength)")
        }
        return items
    }

    mutating func object(_ value: JSONValue, _ path: String, allowed: [String]) -> [String: JSONValue]? {
        guard case .object(let members) = value else {
            wrongType(value, path, "<class 'dict'>")
            return nil
        }
        var result: [String: JSONValue] = [:]
        for member in members {
            guard allowed.contains(member.key) else {
                lines.append("Unknown parameter in \(path): \"\(member.key)\", must be one of: \(allowed.joined(separator: ", "))")
                continue
            }
            result[member.key] = member.value
        }
        return result
    }

    mutating func string(_ value: JSONValue, _ path: String, minLength: Int? = nil, maxLength: Int? = nil) -> String? {
        guard case .string(let text) = value else {
            wrongType(value, path, "<class 'str'>")
            return nil
        }
        let count = text.count
        if let minLength, count < minLength {
            lines.append("Invalid length for parameter \(path), value: \(count), valid min length: \(minLength)")
        } else if let maxLength, count > maxLength {
            lines.append("Invalid length for parameter \(path), value: \(count), valid max length: \(maxLength)")
        }
        return text
    }

    mutating func bool(_ value: JSONValue, _ path: String) -> Bool? {
        guard case .bool(let flag) = value else {
            wrongType(value, path, "<class 'bool'>")
            return nil
        }
        return flag
    }

    mutating func strings(_ value: JSONValue, _ path: String, minLength: Int? = nil, elementMin: Int? = nil, elementMax: Int? = nil) -> [String] {
        list(value, path, minLength: minLength).enumerated().compactMap { index, item in
            string(item, "\(path)[\(index)]", minLength: elementMin, maxLength: elementMax)
        }
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}

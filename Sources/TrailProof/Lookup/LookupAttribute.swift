/// One `--lookup-attributes` condition of `lookup-events`, with AWS's keys; AWS allows one.
public struct LookupAttribute: Sendable, Equatable {
    public enum Key: String, Sendable, CaseIterable {
        case eventId = "EventId", eventName = "EventName", readOnly = "ReadOnly", username = "Username"
        case resourceType = "ResourceType", resourceName = "ResourceName", eventSource = "EventSource", accessKeyId = "AccessKeyId"
    }

    public let key: Key
    public let value: String

    /// A condition, checked as AWS checks it (key from the enumeration, value 1 to 2,000 characters).
    public init(key: String, value: String) throws {
        guard let parsed = Key(rawValue: key) else {
            throw TrailProofError(
                .invalidArgument,
                "InvalidLookupAttributesException: 1 validation error detected: Value '\(key)' at 'lookupAttributes.1.member.attributeKey' failed to satisfy constraint: Member must satisfy enum value set: [\(Key.allCases.map(\.rawValue).joined(separator: ", "))]"
            )
        }
        guard (1...2000).contains(value.count) else {
            throw TrailProofError(
                .invalidArgument,
                "InvalidLookupAttributesException: 1 validation error detected: Value at 'lookupAttributes.1.member.attributeValue' failed to satisfy constraint: Member must have length between 1 and 2000"
            )
        }
        self.key = parsed
        self.value = value
    }

    /// `--lookup-attributes` as aws-cli takes it: shorthand `AttributeKey=K,AttributeValue=V` (each
    /// argument one attribute) or a JSON list; nil for none. More than one is refused, as AWS does.
    public static func parse(_ arguments: [String]) throws -> LookupAttribute? {
        var attributes: [LookupAttribute] = []
        for argument in arguments {
            if argument.hasPrefix("[") || argument.hasPrefix("{") {
                let value: JSONValue
                do { value = try StrictJSONParser.parse(Array(argument.utf8)) } catch {
                    throw TrailProofError(.invalidArgument, "--lookup-attributes: not JSON: \(error)")
                }
                for item in value.arrayValue ?? [value] {
                    guard let key = item["AttributeKey"]?.stringValue, let text = item["AttributeValue"]?.stringValue else {
                        throw TrailProofError(.invalidArgument, "--lookup-attributes: each item needs AttributeKey and AttributeValue strings")
                    }
                    attributes.append(try LookupAttribute(key: key, value: text))
                }
                continue
            }
            var key: String?
            var text: String?
            // AttributeKey=K,AttributeValue=V: the value runs to the end (it may hold commas).
            for part in argument.split(separator: ",", maxSplits: 1) {
                let pair = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                guard pair.count == 2 else {
                    throw TrailProofError(.invalidArgument, "--lookup-attributes: expected AttributeKey=KEY,AttributeValue=VALUE, got \(argument)")
                }
                switch pair[0] {
                case "AttributeKey": key = String(pair[1])
                case "AttributeValue": text = String(pair[1])
                default: throw TrailProofError(.invalidArgument, "--lookup-attributes: unknown member \(pair[0]) (AttributeKey, AttributeValue)")
                }
            }
            guard let key, let text else {
                throw TrailProofError(.invalidArgument, "--lookup-attributes: expected AttributeKey=KEY,AttributeValue=VALUE, got \(argument)")
            }
            attributes.append(try LookupAttribute(key: key, value: text))
        }
        guard attributes.count <= 1 else {
            throw TrailProofError(
                .invalidArgument, "InvalidLookupAttributesException: Only one lookup attribute may be specified; \(attributes.count) were given.")
        }
        return attributes.first
    }

    /// Whether `record` has the attribute.
    public func matches(_ record: JSONValue) -> Bool {
        switch key {
        case .eventId: return record["eventID"]?.stringValue == value
        case .eventName: return record["eventName"]?.stringValue == value
        case .eventSource: return record["eventSource"]?.stringValue == value
        case .readOnly:
            guard case .bool(let flag) = record["readOnly"] else { return false }
            return (flag ? "true" : "false") == value
        case .username: return Self.username(of: record) == value
        case .accessKeyId: return record["userIdentity"]?["accessKeyId"]?.stringValue == value
        case .resourceType: return Self.resources(of: record).contains { $0.type == value }
        case .resourceName: return Self.resources(of: record).contains { $0.name == value }
        }
    }

    /// The user name lookup-events shows: `userIdentity.userName`; for a role or federated
    /// session the session name (the ARN's last part); `root` for the root user.
    public static func username(of record: JSONValue) -> String? {
        let identity = record["userIdentity"]
        if let name = identity?["userName"]?.stringValue { return name }
        switch identity?["type"]?.stringValue {
        case "Root": return "root"
        case "AssumedRole", "FederatedUser":
            return identity?["arn"]?.stringValue.flatMap { $0.split(separator: "/").last.map(String.init) }
        default: return identity?["invokedBy"]?.stringValue
        }
    }

    /// The record's resources as lookup-events lists them: `resources[]` type and ARN.
    public static func resources(of record: JSONValue) -> [(type: String?, name: String?)] {
        (record["resources"]?.arrayValue ?? []).map { ($0["type"]?.stringValue, $0["ARN"]?.stringValue) }
    }

    /// A text every matching record holds verbatim (when it has no escapes): the value, for the
    /// keys whose value is a JSON string of the record.
    var requiredText: String? {
        switch key {
        case .readOnly, .username: return nil
        default:
            return EventQuery.isVerbatimInJSON(value) ? value : nil
        }
    }
}

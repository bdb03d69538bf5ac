/// A CloudWatch Logs JSON filter pattern, as `filter-log-events` and metric filters take it,
/// evaluated against CloudTrail records:
///
///     { $.eventName = "ConsoleLogin" && $.responseElements.ConsoleLogin = "Failure" }
///     { ($.errorCode = "AccessDenied") || ($.userIdentity.type = Root && $.sourceIPAddress != 10.*) }
///     { $.resources[0].ARN = "arn:aws:s3:::data-bucket/*" }   { $.requestParameters.maxResults > 100 }
///     { $.errorCode NOT EXISTS }   { $.additionalEventData IS NULL }   { $.readOnly IS FALSE }
///
/// Grammar (whitespace allowed between tokens):
///
///     pattern    = "{" expression "}"
///     expression = conjunction { "||" conjunction }
///     conjunction = term { "&&" term }
///     term       = "(" expression ")" | comparison
///     comparison = selector ( operator value | "IS" ( "NULL" | "TRUE" | "FALSE" ) | "NOT" "EXISTS" )
///     selector   = "$" { "." name | "[" digits "]" }      name = letters, digits, "_", "-", "@", ":"
///     operator   = "=" | "!=" | "<" | ">" | "<=" | ">="
///     value      = quoted string ("\"" and "\\" escaped) | number | bare word (letters, digits, "*", "_", "-", ".", ":", "/", "@")
///
/// `=` and `!=` compare strings (a `*` in the value matches any run of characters) or, with a
/// number, numbers; `<`, `>`, `<=`, `>=` compare numbers only. A comparison is false when the
/// selector leads nowhere or to a value of another kind (`!=` too); `NOT EXISTS` is true exactly
/// then. `IS NULL` holds for a JSON null, `IS TRUE`/`IS FALSE` for the booleans. `&&` binds
/// tighter than `||`. Errors are CloudWatch's: `If a filter pattern starts with '{' it must end
/// with '}'`, else `Invalid filter pattern` (with where and why after it).
public struct FilterPattern: Sendable, CustomStringConvertible {
    public let text: String
    let expression: Expression

    indirect enum Expression: Sendable {
        case and(Expression, Expression)
        case or(Expression, Expression)
        case comparison(Selector, Comparison)
    }

    enum Step: Sendable, Equatable {
        case member(String)
        case index(Int)
    }

    typealias Selector = [Step]

    enum Comparison: Sendable {
        case string(negated: Bool, pattern: String)
        case number(Operator, Double)
        case isNull, isTrue, isFalse, notExists
    }

    enum Operator: String, Sendable {
        case equal = "=", notEqual = "!=", less = "<", greater = ">", lessOrEqual = "<=", greaterOrEqual = ">="
    }

    public var description: String { text }

    /// Parses a pattern, refusing what CloudWatch refuses.
    public init(_ text: String) throws {
        self.text = text
        var parser = Parser(Array(text.utf8))
        expression = try parser.parsePattern()
    }

    /// Whether `record` matches.
    public func matches(_ record: JSONValue) -> Bool { Self.evaluate(expression, record) }

    private static func evaluate(_ expression: Expression, _ record: JSONValue) -> Bool {
        switch expression {
        case .and(let left, let right): return evaluate(left, record) && evaluate(right, record)
        case .or(let left, let right): return evaluate(left, record) || evaluate(right, record)
        case .comparison(let selector, let comparison):
            let value = resolve(selector, in: record)
            switch comparison {
            case .notExists: return value == nil
            case .isNull: return value == .null
            case .isTrue: return value == .bool(true)
            case .isFalse: return value == .bool(false)
            case .string(let negated, let pattern):
                guard case .string(let text) = value else { return false }
                return wildcardMatch(Array(text.utf8), Array(pattern.utf8)) != negated
            case .number(let op, let number):
                guard case .number(let text) = value, let field = Double(text) else { return false }
                switch op {
                case .equal: return field == number
                case .notEqual: return field != number
                case .less: return field < number
                case .greater: return field > number
                case .lessOrEqual: return field <= number
                case .greaterOrEqual: return field >= number
                }
            }
        }
    }

    private static func resolve(_ selector: Selector, in record: JSONValue) -> JSONValue? {
        var current = record
        for step in selector {
            switch step {
            case .member(let name):
                guard let next = current[name] else { return nil }
                current = next
            case .index(let index):
                guard let items = current.arrayValue, index < items.count else { return nil }
                current = items[index]
            }
        }
        return current
    }

    /// `*` matches any run of bytes (greedy with backtracking to the last star).
    static func wildcardMatch(_ text: [UInt8], _ pattern: [UInt8]) -> Bool {
        var t = 0
        var p = 0
        var star = -1
        var mark = 0
        while t < text.count {
            if p < pattern.count, pattern[p] != UInt8(ascii: "*"), pattern[p] == text[t] {
                t += 1
                p += 1
            } else if p < pattern.count, pattern[p] == UInt8(ascii: "*") {
                star = p
                mark = t
                p += 1
            } else if star >= 0 {
                p = star + 1
                mark += 1
                t = mark
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == UInt8(ascii: "*") { p += 1 }
        return p == pattern.count
    }

    /// Texts that every matching record contains verbatim, if its bytes hold no escape: the
    /// fixed parts of the `=` comparisons every match must satisfy. A search skips parsing a
    /// record that lacks one of them.
    public var requiredTexts: [String] { Self.required(expression) }

    private static func required(_ expression: Expression) -> [String] {
        switch expression {
        case .and(let left, let right): return required(left) + required(right)
        case .or: return []
        case .comparison(_, .string(negated: false, let pattern)):
            // The longest fixed piece between wildcards; JSON-escapable characters are left out.
            let piece = pattern.split(separator: "*").max { $0.utf8.count < $1.utf8.count }.map(String.init) ?? ""
            guard !piece.isEmpty, EventQuery.isVerbatimInJSON(piece) else { return [] }
            return [piece]
        default: return []
        }
    }

    // MARK: Parsing

    private struct Parser {
        let bytes: [UInt8]
        var position = 0

        init(_ bytes: [UInt8]) { self.bytes = bytes }

        func invalid(_ why: String) -> TrailProofError {
            TrailProofError(.invalidArgument, "InvalidParameterException: Invalid filter pattern (at byte \(position): \(why))")
        }

        mutating func skipSpace() {
            while position < bytes.count, bytes[position] == 0x20 || bytes[position] == 0x09 || bytes[position] == 0x0A || bytes[position] == 0x0D {
                position += 1
            }
        }

        mutating func take(_ literal: String) -> Bool {
            skipSpace()
            let text = Array(literal.utf8)
            guard position + text.count <= bytes.count, Array(bytes[position..<(position + text.count)]) == text else { return false }
            position += text.count
            return true
        }

        /// A keyword such as `IS`, not followed by a name character.
        mutating func takeWord(_ word: String) -> Bool {
            let start = position
            guard take(word) else { return false }
            if position < bytes.count, Self.isWordByte(bytes[position]) {
                position = start
                return false
            }
            return true
        }

        static func isWordByte(_ byte: UInt8) -> Bool {
            (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte) || byte == UInt8(ascii: "_")
        }

        mutating func parsePattern() throws -> Expression {
            skipSpace()
            guard take("{") else {
                throw TrailProofError(
                    .invalidArgument,
                    "InvalidParameterException: Invalid filter pattern (TrailProof takes JSON filter patterns: { $.field = value ... })")
            }
            let end = bytes.lastIndex { !(($0 == 0x20) || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D) }
            guard let end, end > 0, bytes[end] == UInt8(ascii: "}") else {
                throw TrailProofError(.invalidArgument, "InvalidParameterException: If a filter pattern starts with '{' it must end with '}'")
            }
            let expression = try parseExpression(depth: 0)
            guard take("}") else { throw invalid("expected && , || or }") }
            skipSpace()
            guard position == bytes.count else { throw invalid("text after the closing }") }
            return expression
        }

        mutating func parseExpression(depth: Int) throws -> Expression {
            guard depth < 32 else { throw invalid("parentheses nested too deeply") }
            var left = try parseConjunction(depth: depth)
            while take("||") { left = .or(left, try parseConjunction(depth: depth)) }
            return left
        }

        mutating func parseConjunction(depth: Int) throws -> Expression {
            var left = try parseTerm(depth: depth)
            while take("&&") { left = .and(left, try parseTerm(depth: depth)) }
            return left
        }

        mutating func parseTerm(depth: Int) throws -> Expression {
            if take("(") {
                let inner = try parseExpression(depth: depth + 1)
                guard take(")") else { throw invalid("expected )") }
                return inner
            }
            return try parseComparison()
        }

        mutating func parseComparison() throws -> Expression {
            skipSpace()
            guard take("$") else { throw invalid("expected a selector starting with $") }
            var selector: Selector = []
            while true {
                if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
                    position += 1
                    let start = position
                    while position < bytes.count,
                        Self.isWordByte(bytes[position]) || [UInt8(ascii: "-"), UInt8(ascii: "@"), UInt8(ascii: ":")].contains(bytes[position])
                    {
                        position += 1
                    }
                    guard position > start else { throw invalid("expected a name after .") }
                    selector.append(.member(String(decoding: bytes[start..<position], as: UTF8.self)))
                } else if position < bytes.count, bytes[position] == UInt8(ascii: "[") {
                    position += 1
                    let start = position
                    while position < bytes.count, (48...57).contains(bytes[position]) { position += 1 }
                    guard position > start, position - start <= 9, position < bytes.count, bytes[position] == UInt8(ascii: "]") else {
                        throw invalid("expected an array index like [0]")
                    }
                    selector.append(.index(Int(String(decoding: bytes[start..<position], as: UTF8.self))!))
                    position += 1
                } else {
                    break
                }
            }
            guard !selector.isEmpty else { throw invalid("expected .name or [index] after $") }
            if takeWord("IS") {
                if takeWord("NULL") { return .comparison(selector, .isNull) }
                if takeWord("TRUE") { return .comparison(selector, .isTrue) }
                if takeWord("FALSE") { return .comparison(selector, .isFalse) }
                throw invalid("expected NULL, TRUE or FALSE after IS")
            }
            if takeWord("NOT") {
                guard takeWord("EXISTS") else { throw invalid("expected EXISTS after NOT") }
                return .comparison(selector, .notExists)
            }
            let op: Operator
            if take("!=") {
                op = .notEqual
            } else if take("<=") {
                op = .lessOrEqual
            } else if take(">=") {
                op = .greaterOrEqual
            } else if take("=") {
                op = .equal
            } else if take("<") {
                op = .less
            } else if take(">") {
                op = .greater
            } else {
                throw invalid("expected =, !=, <, >, <=, >=, IS or NOT EXISTS")
            }
            skipSpace()
            guard position < bytes.count else { throw invalid("expected a value") }
            if bytes[position] == UInt8(ascii: "\"") {
                let text = try parseQuoted()
                guard op == .equal || op == .notEqual else { throw invalid("\(op.rawValue) compares numbers, not strings") }
                return .comparison(selector, .string(negated: op == .notEqual, pattern: text))
            }
            let start = position
            while position < bytes.count,
                Self.isWordByte(bytes[position])
                    || [
                        UInt8(ascii: "*"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: ":"), UInt8(ascii: "/"), UInt8(ascii: "@"),
                        UInt8(ascii: "+"),
                    ]
                    .contains(bytes[position])
            {
                position += 1
            }
            guard position > start else { throw invalid("expected a value") }
            let word = String(decoding: bytes[start..<position], as: UTF8.self)
            if let number = Double(word),
                word.utf8.allSatisfy({
                    (48...57).contains($0)
                        || [UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "+"), UInt8(ascii: "e"), UInt8(ascii: "E")].contains($0)
                })
            {
                return .comparison(selector, .number(op, number))
            }
            guard op == .equal || op == .notEqual else { throw invalid("\(op.rawValue) compares numbers, not \(word)") }
            return .comparison(selector, .string(negated: op == .notEqual, pattern: word))
        }

        mutating func parseQuoted() throws -> String {
            position += 1
            var text: [UInt8] = []
            while position < bytes.count {
                let byte = bytes[position]
                if byte == UInt8(ascii: "\"") {
                    position += 1
                    return String(decoding: text, as: UTF8.self)
                }
                if byte == UInt8(ascii: "\\") {
                    guard position + 1 < bytes.count else { break }
                    text.append(bytes[position + 1])
                    position += 2
                    continue
                }
                text.append(byte)
                position += 1
            }
            throw invalid("a quoted value is not closed")
        }
    }
}

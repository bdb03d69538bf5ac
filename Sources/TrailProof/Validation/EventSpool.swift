/// The events of one chain kept in a scratch file until their turn in the report, when several
/// chains run at once: a chain that finishes before those sorted ahead of it no longer holds all
/// its events in memory.
///
/// One JSON line per event (the JSON writer escapes every control character, so a line never
/// breaks), in a ``ReportSpool``: unlinked as soon as it is made, so nothing is left behind.
///
/// `@unchecked Sendable`: a spool is written by the one task that validates its chain, then
/// handed whole to the task that reports it; it is never used by two tasks at once.
final class EventSpool: @unchecked Sendable {
    private let spool: ReportSpool
    private(set) var count = 0

    init() throws {
        spool = try ReportSpool()
    }

    func append(_ event: ValidationEvent) throws {
        try spool.append(String(decoding: Self.encode(event).serialized(), as: UTF8.self) + "\n")
        count += 1
    }

    /// Hands every event to `body`, in the order they were appended.
    func replay(_ body: (ValidationEvent) throws -> Void) throws {
        var line: [UInt8] = []
        try spool.copy(0..<spool.size) { piece in
            for byte in piece.utf8 {
                if byte == UInt8(ascii: "\n") {
                    try body(try Self.decode(line))
                    line.removeAll(keepingCapacity: true)
                } else {
                    line.append(byte)
                }
            }
        }
    }

    static func encode(_ event: ValidationEvent) -> JSONValue {
        func verdict(_ verdict: Verdict) -> [(key: String, value: JSONValue)] {
            let state: String
            switch verdict {
            case .valid: return [("s", .string("valid"))]
            case .invalid: state = "invalid"
            case .unverified: state = "unverified"
            case .unreadable: state = "unreadable"
            }
            let finding = verdict.finding!
            return [("s", .string(state)), ("c", .string(finding.code.rawValue)), ("m", .string(finding.message))]
                + (finding.detail.map { [("d", .string($0))] } ?? [])
        }
        switch event {
        case .digest(let location, let backfill, let result):
            return .object(
                [("t", .string("d")), ("b", .string(location.bucket)), ("k", .string(location.key)), ("f", .bool(backfill))] + verdict(result))
        case .log(let location, let result):
            return .object([("t", .string("l")), ("b", .string(location.bucket)), ("k", .string(location.key))] + verdict(result))
        case .gap(let from, let to, let backfill):
            return .object([
                ("t", .string("g")), ("from", .number(String(from.secondsSinceEpoch))), ("to", .number(String(to.secondsSinceEpoch))),
                ("f", .bool(backfill)),
            ])
        }
    }

    static func decode(_ line: [UInt8]) throws -> ValidationEvent {
        func damaged() -> TrailProofError { TrailProofError(.storageFailure, "a chain's scratch file of events is damaged") }
        guard let value = try? StrictJSONParser.parse(line), let kind = value["t"]?.stringValue else { throw damaged() }
        func verdict() throws -> Verdict {
            guard let state = value["s"]?.stringValue else { throw damaged() }
            if state == "valid" { return .valid }
            guard let code = value["c"]?.stringValue.flatMap(Finding.Code.init(rawValue:)), let message = value["m"]?.stringValue else {
                throw damaged()
            }
            let finding = Finding(code, message, detail: value["d"]?.stringValue)
            switch state {
            case "invalid": return .invalid(finding)
            case "unverified": return .unverified(finding)
            case "unreadable": return .unreadable(finding)
            default: throw damaged()
            }
        }
        func location() throws -> ObjectLocation {
            guard let bucket = value["b"]?.stringValue, let key = value["k"]?.stringValue else { throw damaged() }
            return ObjectLocation(bucket: bucket, key: key)
        }
        switch kind {
        case "d":
            guard case .bool(let backfill) = value["f"] else { throw damaged() }
            return .digest(location: try location(), isBackfill: backfill, verdict: try verdict())
        case "l":
            return .log(location: try location(), verdict: try verdict())
        case "g":
            guard case .number(let from) = value["from"], case .number(let to) = value["to"], let start = Int64(from), let end = Int64(to),
                case .bool(let backfill) = value["f"]
            else { throw damaged() }
            return .gap(from: Timestamp(secondsSinceEpoch: start), to: Timestamp(secondsSinceEpoch: end), isBackfill: backfill)
        default:
            throw damaged()
        }
    }
}

import Glibc

/// What `lookup-events` looks for: an event time range, at most one lookup attribute and a
/// filter pattern; checked on each record of a verified log file.
public struct EventQuery: Sendable {
    public var startTime: Timestamp
    public var endTime: Timestamp
    public var attribute: LookupAttribute?
    public var pattern: FilterPattern?

    public init(startTime: Timestamp, endTime: Timestamp, attribute: LookupAttribute? = nil, pattern: FilterPattern? = nil) {
        self.startTime = startTime
        self.endTime = endTime
        self.attribute = attribute
        self.pattern = pattern
    }

    /// Texts a matching record must contain (see ``FilterPattern/requiredTexts``).
    var requiredTexts: [[UInt8]] {
        ((pattern?.requiredTexts ?? []) + (attribute?.requiredText.map { [$0] } ?? [])).map { Array($0.utf8) }
    }

    /// Whether `text` stands in a JSON string as it is, whatever the writer's escaping: ASCII
    /// without control characters, quotes or backslashes (only such texts can be looked for in
    /// a record's bytes).
    static func isVerbatimInJSON(_ text: String) -> Bool {
        !text.utf8.contains { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") || $0 >= 0x80 }
    }

    /// Whether a record's bytes may match: a record without escapes that lacks a required text
    /// cannot, and is not parsed.
    static func mayMatch(_ raw: UnsafeBufferPointer<UInt8>, required: [[UInt8]]) -> Bool {
        guard !required.isEmpty, let base = raw.baseAddress else { return true }
        if memchr(base, Int32(UInt8(ascii: "\\")), raw.count) != nil { return true }
        return required.allSatisfy { contains(raw, $0) }
    }

    /// Whether `haystack` contains `needle` (memchr for its first byte, then memcmp).
    static func contains(_ haystack: UnsafeBufferPointer<UInt8>, _ needle: [UInt8]) -> Bool {
        guard let first = needle.first, let base = haystack.baseAddress else { return true }
        var offset = 0
        return needle.withUnsafeBytes { text in
            while offset + needle.count <= haystack.count {
                guard let hit = memchr(base + offset, Int32(first), haystack.count - offset - needle.count + 1) else { return false }
                let at = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
                if memcmp(base + at, text.baseAddress!, needle.count) == 0 { return true }
                offset = at + 1
            }
            return false
        }
    }

    /// The record's event time, if it matches.
    func match(_ record: JSONValue) -> Timestamp? {
        guard let text = record["eventTime"]?.stringValue, let time = Timestamp(iso8601: text), time >= startTime, time <= endTime else {
            return nil
        }
        if let attribute, !attribute.matches(record) { return nil }
        if let pattern, !pattern.matches(record) { return nil }
        return time
    }
}

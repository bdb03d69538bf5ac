/// Reads a CloudTrail log document, `{"Records": [ …events… ]}`, as a stream: bytes are fed
/// in chunks as they are inflated, and each record is handed over as soon as it is complete.
///
/// Memory does not grow with the document: only one record (or one other top-level value) is
/// held at a time, and each is at most ``maximumValueSize`` bytes. Every record and every other
/// top-level value is parsed by ``StrictJSONParser``; the scanner itself checks the document's
/// skeleton (one object, a `Records` array, commas, no duplicate top-level names, nothing after).
///
///     let scanner = LogRecordScanner()
///     try scanner.feed(Array(#"{"Records":[{"eventTime":"2026-01-01T00:00:00Z"}]}"#.utf8)) { record in
///         print(record["eventTime"]?.stringValue ?? "-")
///     }
///     try scanner.finish()
public final class LogRecordScanner {
    /// Why a document is not a CloudTrail log document.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public let reason: String
        public var description: String { reason }
    }

    /// The most one record or one other top-level value may take (CloudTrail's events are
    /// far below it; a larger one is refused instead of being held in memory).
    public static let maximumValueSize = 4 << 20

    private enum State {
        case start, memberOrEnd, member, key, colon, valueStart, value, recordOrEnd, recordStart, record, afterRecord, afterValue, done
    }

    private var state = State.start
    /// The bytes of the key, record or value being read.
    private var buffer: [UInt8] = []
    private var collector = ValueCollector()
    private var currentKey = ""
    private var seenKeys = Set<String>()
    /// How many records were handed over.
    public private(set) var recordCount = 0
    /// Whether a `Records` array was read.
    public private(set) var hasRecords = false

    public init() {}

    /// Reads one chunk, calling `record` for each record completed in it.
    public func feed(_ chunk: UnsafeRawBufferPointer, record: (JSONValue) throws -> Void) throws {
        try feed(chunk, accept: nil) { value, _ in try record(value) }
    }

    /// Reads one chunk; each completed record's bytes go to `accept` first (when given), and only
    /// the records it accepts are parsed and handed to `record` with their bytes as written. A
    /// record that is not accepted is never parsed: a search skips most records this way.
    public func feed(
        _ chunk: UnsafeRawBufferPointer, accept: ((UnsafeBufferPointer<UInt8>) -> Bool)?,
        record: (JSONValue, UnsafeBufferPointer<UInt8>) throws -> Void
    ) throws {
        let bytes = chunk.bindMemory(to: UInt8.self)
        var index = 0
        while index < bytes.count {
            switch state {
            case .key, .value, .record:
                let step = try collector.collect(bytes, from: index)
                guard buffer.count + step.valueBytes <= Self.maximumValueSize else {
                    throw Failure(reason: "a record or value is larger than \(Self.maximumValueSize) bytes")
                }
                buffer.append(contentsOf: bytes[index..<(index + step.valueBytes)])
                index += step.consumed
                if step.complete { try endValue(accept: accept, record: record) }
            default:
                if try structural(bytes[index]) { index += 1 }
            }
        }
    }

    /// ``feed(_:record:)`` for an array.
    public func feed(_ chunk: [UInt8], record: (JSONValue) throws -> Void) throws {
        try chunk.withUnsafeBytes { try feed($0, record: record) }
    }

    /// Checks that the document ended where a document may end.
    public func finish() throws {
        guard state == .done else { throw Failure(reason: "invalid JSON (the document ends before it is complete)") }
        guard hasRecords else { throw Failure(reason: "no \"Records\" array") }
    }

    /// Reads one byte of the document's skeleton; false when the byte begins a value and is
    /// left for the value to read.
    private func structural(_ byte: UInt8) throws -> Bool {
        if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { return true }
        switch (state, byte) {
        case (.start, UInt8(ascii: "{")): state = .memberOrEnd
        case (.start, _): throw Failure(reason: "the document is not a JSON object")
        case (.memberOrEnd, UInt8(ascii: "}")): state = .done
        case (.memberOrEnd, UInt8(ascii: "\"")), (.member, UInt8(ascii: "\"")):
            begin(.key)
            return false
        case (.colon, UInt8(ascii: ":")): state = .valueStart
        case (.valueStart, UInt8(ascii: "[")) where currentKey == "Records":
            hasRecords = true
            state = .recordOrEnd
        case (.valueStart, _) where currentKey == "Records":
            throw Failure(reason: "\"Records\" is not an array")
        case (.valueStart, _):
            begin(.value)
            return false
        case (.recordOrEnd, UInt8(ascii: "]")): state = .afterValue
        case (.recordOrEnd, _), (.recordStart, _):
            begin(.record)
            return false
        case (.afterRecord, UInt8(ascii: ",")): state = .recordStart
        case (.afterRecord, UInt8(ascii: "]")): state = .afterValue
        case (.afterValue, UInt8(ascii: ",")): state = .member
        case (.afterValue, UInt8(ascii: "}")): state = .done
        case (.done, _): throw Failure(reason: "invalid JSON (data after the JSON document)")
        default: throw Failure(reason: "invalid JSON (unexpected character \(Self.describe(byte)) in the document's structure)")
        }
        return true
    }

    private func begin(_ next: State) {
        collector = ValueCollector()
        buffer.removeAll(keepingCapacity: true)
        state = next
    }

    private func endValue(accept: ((UnsafeBufferPointer<UInt8>) -> Bool)?, record: (JSONValue, UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        if state == .record {
            recordCount += 1
            if buffer.withUnsafeBufferPointer({ accept?($0) ?? true }) {
                let value = try parse(buffer)
                try buffer.withUnsafeBufferPointer { try record(value, $0) }
            }
            buffer.removeAll(keepingCapacity: true)
            state = .afterRecord
            if let delimiter = collector.delimiter { _ = try structural(delimiter) }
            return
        }
        let value = try parse(buffer)
        buffer.removeAll(keepingCapacity: true)
        switch state {
        case .key:
            guard case .string(let key) = value else { throw Failure(reason: "a member name is not a string") }
            guard seenKeys.insert(key).inserted else { throw Failure(reason: "duplicate member \"\(key)\"") }
            currentKey = key
            state = .colon
            return
        default:
            state = .afterValue
        }
        // A number or literal ends at the delimiter after it, which belongs to the structure.
        if let delimiter = collector.delimiter { _ = try structural(delimiter) }
    }

    private func parse(_ bytes: [UInt8]) throws -> JSONValue {
        do {
            return try StrictJSONParser.parse(bytes)
        } catch {
            throw Failure(reason: "invalid JSON (\(error.description))")
        }
    }

    private static func describe(_ byte: UInt8) -> String {
        (0x21...0x7E).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : "0x" + String(byte, radix: 16)
    }

    /// Finds where one JSON value ends: strings by their closing quote (escapes skipped),
    /// objects and arrays by their depth, numbers and literals by the delimiter after them.
    private struct ValueCollector {
        private var depth = 0
        private var inString = false
        private var escaped = false
        private var started = false
        private var isScalar = false
        /// The byte that ended a number or literal (consumed with it, but not part of it).
        private(set) var delimiter: UInt8?

        /// Reads from `start`: how many bytes were consumed, how many of them belong to the
        /// value, and whether the value is complete.
        mutating func collect(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) throws -> (
            consumed: Int, valueBytes: Int, complete: Bool
        ) {
            var index = start
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                if !started {
                    started = true
                    switch byte {
                    case UInt8(ascii: "\""): inString = true
                    case UInt8(ascii: "{"), UInt8(ascii: "["): depth = 1
                    default: isScalar = true
                    }
                } else if inString {
                    if escaped {
                        escaped = false
                    } else if byte == UInt8(ascii: "\\") {
                        escaped = true
                    } else if byte == UInt8(ascii: "\"") {
                        inString = false
                        if depth == 0 { return (index - start, index - start, true) }
                    }
                } else if isScalar {
                    switch byte {
                    case UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x09, 0x0A, 0x0D:
                        delimiter = byte
                        return (index - start, index - start - 1, true)
                    default: break
                    }
                } else {
                    switch byte {
                    case UInt8(ascii: "\""): inString = true
                    case UInt8(ascii: "{"), UInt8(ascii: "["):
                        depth += 1
                        guard depth <= StrictJSONParser.maximumDepth else {
                            throw Failure(reason: "nesting deeper than \(StrictJSONParser.maximumDepth)")
                        }
                    case UInt8(ascii: "}"), UInt8(ascii: "]"):
                        depth -= 1
                        if depth == 0 { return (index - start, index - start, true) }
                    default: break
                    }
                }
            }
            return (index - start, index - start, false)
        }
    }
}

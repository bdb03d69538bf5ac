/// Checks on a CloudTrail log document: `{"Records": [ …events… ]}`.
public enum LogDocument {
    /// The newest and oldest `eventTime` of the records met so far, fed one record at a time
    /// (by ``LogRecordScanner``), so a document of any size is checked in constant memory.
    public struct EventTimes: Sendable {
        /// Names the document in errors.
        public let source: String
        private var newest: (time: Timestamp, text: String)?
        private var oldest: (time: Timestamp, text: String)?
        private var count = 0

        public init(source: String) { self.source = source }

        /// Takes one record: it must be an object with an `eventTime` of the form `YYYY-MM-DDTHH:MM:SSZ`.
        public mutating func add(_ record: JSONValue) throws {
            defer { count += 1 }
            guard case .object = record else { throw refusal("record \(count) is not a JSON object") }
            guard let text = record["eventTime"]?.stringValue else { throw refusal("record \(count) has no \"eventTime\" string") }
            guard let time = Timestamp(strictDigestForm: text) else {
                throw refusal("record \(count) eventTime \"\(text)\" is not YYYY-MM-DDTHH:MM:SSZ")
            }
            if newest == nil || time > newest!.time { newest = (time, text) }
            if oldest == nil || time < oldest!.time { oldest = (time, text) }
        }

        /// The range, once every record was added; a document without records is refused.
        public func range() throws -> (newest: String, oldest: String) {
            guard let newest, let oldest else { throw refusal("\"Records\" is empty; CloudTrail never delivers an empty log") }
            return (newest.text, oldest.text)
        }

        /// The error for a document that is not a log document.
        public func refusal(_ why: String) -> TrailProofError {
            TrailProofError(.invalidInput, "\(source) is not a CloudTrail log document: \(why)")
        }
    }

    /// The newest and oldest `eventTime` of a log document, after checking that it is a JSON
    /// object with a non-empty `Records` array of events that each have an `eventTime`.
    /// `source` names the document in errors.
    public static func eventTimeRange(of bytes: [UInt8], source: String) throws -> (newest: String, oldest: String) {
        var times = EventTimes(source: source)
        let scanner = LogRecordScanner()
        do {
            try scanner.feed(bytes) { try times.add($0) }
            try scanner.finish()
        } catch let failure as LogRecordScanner.Failure {
            throw times.refusal(failure.reason)
        }
        return try times.range()
    }
}

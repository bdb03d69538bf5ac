/// Checks on a CloudTrail log document: `{"Records": [ …events… ]}`.
public enum LogDocument {
    /// The newest and oldest `eventTime` of a log document, after checking that it is a JSON
    /// object with a non-empty `Records` array of events that each have an `eventTime`.
    /// `source` names the document in errors.
    public static func eventTimeRange(of bytes: [UInt8], source: String) throws -> (newest: String, oldest: String) {
        func refuse(_ why: String) -> TrailProofError {
            TrailProofError(.invalidInput, "\(source) is not a CloudTrail log document: \(why)")
        }
        let document: JSONValue
        do { document = try StrictJSONParser.parse(bytes) } catch { throw refuse("invalid JSON (\(error))") }
        guard case .object = document else { throw refuse("the document is not a JSON object") }
        guard let records = document["Records"]?.arrayValue else { throw refuse("no \"Records\" array") }
        guard !records.isEmpty else { throw refuse("\"Records\" is empty; CloudTrail never delivers an empty log") }
        var newest: (Timestamp, String)?
        var oldest: (Timestamp, String)?
        for (index, record) in records.enumerated() {
            guard let text = record["eventTime"]?.stringValue else { throw refuse("record \(index) has no \"eventTime\" string") }
            guard let time = Timestamp(strictDigestForm: text) else {
                throw refuse("record \(index) eventTime \"\(text)\" is not YYYY-MM-DDTHH:MM:SSZ")
            }
            if newest == nil || time > newest!.0 { newest = (time, text) }
            if oldest == nil || time < oldest!.0 { oldest = (time, text) }
        }
        return (newest!.1, oldest!.1)
    }
}

extension EventCollector.FoundEvent {
    /// The event in `lookup-events`' `Events[]` shape, as aws-cli prints it: `EventTime` as
    /// `2026-06-01T00:10:00+00:00`, `ReadOnly` as a string, `CloudTrailEvent` the record's JSON
    /// text as the log file holds it; absent values are left out.
    public func awsShape() -> JSONValue {
        var members: [(key: String, value: JSONValue)] = []
        func add(_ key: String, _ value: String?) { if let value { members.append((key, .string(value))) } }
        add("EventId", record["eventID"]?.stringValue)
        add("EventName", record["eventName"]?.stringValue)
        if case .bool(let flag) = record["readOnly"] { add("ReadOnly", flag ? "true" : "false") }
        add("AccessKeyId", record["userIdentity"]?["accessKeyId"]?.stringValue)
        add("EventTime", String(eventTime.iso8601.dropLast()) + "+00:00")
        add("EventSource", record["eventSource"]?.stringValue)
        add("Username", LookupAttribute.username(of: record))
        members.append(
            (
                "Resources",
                .array(
                    LookupAttribute.resources(of: record).map { resource in
                        var fields: [(key: String, value: JSONValue)] = []
                        if let type = resource.type { fields.append(("ResourceType", .string(type))) }
                        if let name = resource.name { fields.append(("ResourceName", .string(name))) }
                        return .object(fields)
                    })
            ))
        add("CloudTrailEvent", String(decoding: text, as: UTF8.self))
        return .object(members)
    }

    /// One JSON Lines record: `{"LogFile":…,"DigestFile":…,"Verified":…,"Event":<the record as written>}`.
    public func jsonLine() -> [UInt8] {
        var line = JSONValue.object([
            ("LogFile", .string(logFile.uri)), ("DigestFile", digestFile.map { .string($0.uri) } ?? .null), ("Verified", .bool(verified)),
        ]).serialized()
        line.removeLast()  // the closing brace: the record's own text follows as it is
        line += Array(#","Event":"#.utf8) + text + [UInt8(ascii: "}"), UInt8(ascii: "\n")]
        return line
    }
}

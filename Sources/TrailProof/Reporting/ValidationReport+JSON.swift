extension ValidationReport {
    /// The report as one JSON document, described by `validate-logs-report.schema.json`.
    public func json() throws -> [UInt8] {
        var text = ""
        try writeJSON { text += $0 }
        return Array(text.utf8)
    }

    /// Writes the JSON document to `sink` in pieces: each chain's records are copied from the
    /// scratch files, never held whole.
    public func writeJSON(to sink: (String) throws -> Void) throws {
        func serialized(_ value: JSONValue) -> String { String(decoding: value.serialized(), as: UTF8.self) }
        let request = JSONValue.object([
            ("trailArn", .string(trail.text)), ("startTime", Self.time(startTime)), ("endTime", Self.time(endTime)), ("s3Bucket", .string(bucket)),
            ("s3Prefix", Self.string(prefix)), ("organizationId", Self.string(organizationID)), ("checks", .string(checks.rawValue)),
        ])
        try sink("{\n\"tool\": \"trailproof\",\n\"reportVersion\": 1,\n\"request\": \(serialized(request)),\n\"chains\": [")
        for (index, chain) in orderedChains.enumerated() {
            try sink(index == 0 ? "\n" : ",\n")
            try sink(
                "{\"accountId\": \(serialized(.string(chain.id.accountID))), \"region\": \(serialized(.string(chain.id.region))),\n\"digests\": [")
            try digestSpool.copy(chain.digests, to: sink)
            try sink("],\n\"logs\": [")
            try logSpool.copy(chain.logs, to: sink)
            try sink("],\n\"gaps\": [")
            try gapSpool.copy(chain.gaps, to: sink)
            let summary = chain.summary ?? ValidationSummary(requestedStart: startTime, requestedEnd: endTime)
            try sink("],\n\"summary\": \(serialized(Self.summaryJSON(summary)))}")
        }
        try sink("],\n\"summary\": \(serialized(Self.summaryJSON(self.summary)))\n}\n")
    }

    static func time(_ value: Timestamp?) -> JSONValue { value.map { .string($0.iso8601) } ?? .null }
    static func string(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }

    static func summaryJSON(_ summary: ValidationSummary) -> JSONValue {
        func totals(_ valid: Int, _ invalid: Int, _ unverified: Int, _ unreadable: Int) -> JSONValue {
            .object([
                ("valid", .number(String(valid))), ("invalid", .number(String(invalid))), ("unverified", .number(String(unverified))),
                ("unreadable", .number(String(unreadable))),
            ])
        }
        return .object([
            ("result", .string(summary.outcome.rawValue)),
            (
                "found",
                summary.foundStart == nil ? .null : .object([("startTime", time(summary.foundStart)), ("endTime", time(summary.foundEnd))])
            ),
            ("digests", totals(summary.validDigests, summary.invalidDigests, summary.unverifiedDigests, summary.unreadableDigests)),
            ("backfillDigests", totals(summary.validBackfillDigests, summary.invalidBackfillDigests, 0, 0)),
            ("logs", totals(summary.validLogs, summary.invalidLogs, summary.unverifiedLogs, summary.unreadableLogs)),
        ])
    }

    /// An event's record in the report: `digest`, `log` or `gap`, and its JSON text.
    static func objectJSON(_ event: ValidationEvent) -> (kind: String, json: String) {
        func object(_ location: ObjectLocation, _ verdict: Verdict, backfill: Bool?) -> JSONValue {
            var members: [(key: String, value: JSONValue)] = [
                ("uri", .string(location.uri)), ("bucket", .string(location.bucket)), ("key", .string(location.key)),
            ]
            if let backfill { members.append(("backfill", .bool(backfill))) }
            let word: String
            switch verdict {
            case .valid: word = "valid"
            case .invalid: word = "invalid"
            case .unverified: word = "unverified"
            case .unreadable: word = "unreadable"
            }
            members += [
                ("verdict", .string(word)), ("reason", string(verdict.finding?.code.rawValue)), ("message", string(verdict.finding?.message)),
                ("detail", string(verdict.finding?.detail)),
            ]
            return .object(members)
        }
        let (kind, value): (String, JSONValue)
        switch event {
        case .digest(let location, let backfill, let verdict): (kind, value) = ("digest", object(location, verdict, backfill: backfill))
        case .log(let location, let verdict): (kind, value) = ("log", object(location, verdict, backfill: nil))
        case .gap(let from, let to, let backfill):
            (kind, value) = ("gap", .object([("from", time(from)), ("to", time(to)), ("backfill", .bool(backfill))]))
        }
        return (kind, String(decoding: value.serialized(), as: UTF8.self))
    }
}

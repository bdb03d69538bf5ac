extension ValidationReport {
    /// The report as one JSON document, described by `validate-logs-report.schema.json`.
    public func json() -> [UInt8] {
        func time(_ value: Timestamp?) -> JSONValue { value.map { .string($0.iso8601) } ?? .null }
        func string(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
        func totals(_ valid: Int, _ invalid: Int, _ unverified: Int, _ unreadable: Int) -> JSONValue {
            .object([
                ("valid", .number(String(valid))), ("invalid", .number(String(invalid))), ("unverified", .number(String(unverified))),
                ("unreadable", .number(String(unreadable))),
            ])
        }
        func summaryJSON(_ summary: ValidationSummary) -> JSONValue {
            .object([
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
        let chainsJSON: [JSONValue] = chains.map { chain in
            var digests: [JSONValue] = []
            var logs: [JSONValue] = []
            var gaps: [JSONValue] = []
            for event in chain.events {
                switch event {
                case .digest(let location, let backfill, let verdict): digests.append(object(location, verdict, backfill: backfill))
                case .log(let location, let verdict): logs.append(object(location, verdict, backfill: nil))
                case .gap(let from, let to, let backfill):
                    gaps.append(.object([("from", time(from)), ("to", time(to)), ("backfill", .bool(backfill))]))
                }
            }
            return .object([
                ("accountId", .string(chain.accountID)), ("region", .string(chain.region)), ("digests", .array(digests)), ("logs", .array(logs)),
                ("gaps", .array(gaps)), ("summary", summaryJSON(chain.summary)),
            ])
        }
        let document = JSONValue.object([
            ("tool", .string("trailproof")),
            ("reportVersion", .number("1")),
            (
                "request",
                .object([
                    ("trailArn", .string(trail.text)), ("startTime", time(startTime)), ("endTime", time(endTime)), ("s3Bucket", .string(bucket)),
                    ("s3Prefix", string(prefix)), ("organizationId", string(organizationID)), ("checks", .string(checks.rawValue)),
                ])
            ),
            ("chains", .array(chainsJSON)),
            ("summary", summaryJSON(summary)),
        ])
        return document.prettySerialized()
    }
}

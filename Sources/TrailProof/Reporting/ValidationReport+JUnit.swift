extension ValidationReport {
    /// The report as JUnit XML for CI systems: one test suite per chain, one test case per
    /// digest and per log file; INVALID, UNVERIFIED and UNREADABLE objects are failures.
    public func junit() throws -> [UInt8] {
        var text = ""
        try writeJUnit { text += $0 }
        return Array(text.utf8)
    }

    /// Writes the JUnit XML to `sink` in pieces; each chain's test cases are copied from the
    /// scratch file, never held whole.
    public func writeJUnit(to sink: (String) throws -> Void) throws {
        let chains = orderedChains
        let cases = chains.map(\.testCount).reduce(0, +)
        let failures = chains.map(\.failureCount).reduce(0, +)
        try sink(#"<?xml version="1.0" encoding="UTF-8"?>"# + "\n")
        try sink(
            "<testsuites name=\"\(Self.escape("trailproof validate-logs \(trail.text)"))\" tests=\"\(cases)\" failures=\"\(failures)\" errors=\"0\">\n"
        )
        for chain in chains {
            var header =
                "  <testsuite name=\"\(Self.escape("\(trail.trailName) \(chain.id.accountID) \(chain.id.region)"))\" tests=\"\(chain.testCount)\""
            header += " failures=\"\(chain.failureCount)\" errors=\"0\" skipped=\"0\" timestamp=\"\(startTime.iso8601.dropLast())\" time=\"0\">\n"
            header += "    <properties>\n"
            for (name, value) in [
                ("trailArn", trail.text), ("startTime", startTime.iso8601), ("endTime", endTime.iso8601), ("checks", checks.rawValue),
            ] {
                header += "      <property name=\"\(name)\" value=\"\(Self.escape(value))\"/>\n"
            }
            header += "    </properties>\n"
            try sink(header)
            try testCaseSpool.copy(chain.testCases, to: sink)
            try sink("  </testsuite>\n")
        }
        try sink("</testsuites>\n")
    }

    /// A digest's or log file's test case, and whether it is a failure.
    static func testCase(_ event: ValidationEvent) -> (xml: String, failed: Bool) {
        let (kind, location, verdict): (String, ObjectLocation, Verdict)
        switch event {
        case .digest(let object, let backfill, let result): (kind, location, verdict) = (backfill ? "backfill-digest" : "digest", object, result)
        case .log(let object, let result): (kind, location, verdict) = ("log", object, result)
        case .gap: return ("", false)
        }
        var xml = "    <testcase classname=\"trailproof.\(kind)\" name=\"\(escape(location.uri))\" time=\"0\""
        guard let finding = verdict.finding else { return (xml + "/>\n", false) }
        let word: String
        switch verdict {
        case .unverified: word = "UNVERIFIED"
        case .unreadable: word = "UNREADABLE"
        default: word = "INVALID"
        }
        xml += ">\n      <failure message=\"\(escape("\(word): \(finding.message)"))\" type=\"\(finding.code.rawValue)\">"
        xml += escape(finding.detail ?? finding.message) + "</failure>\n    </testcase>\n"
        return (xml, true)
    }

    /// XML-escaped text (also right for HTML); control characters XML cannot carry become `?`.
    static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out += "&#\(scalar.value);"
            default:
                // XML 1.0 cannot carry other control characters at all.
                out += scalar.value < 0x20 ? "?" : String(scalar)
            }
        }
        return out
    }
}

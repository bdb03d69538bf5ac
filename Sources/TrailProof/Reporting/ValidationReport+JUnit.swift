extension ValidationReport {
    /// The report as JUnit XML for CI systems: one test suite per chain, one test case per
    /// digest and per log file; INVALID and UNVERIFIED objects are failures.
    public func junit() -> [UInt8] {
        var xml = #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n"
        let cases = chains.map { $0.events.filter(Self.isObject).count }.reduce(0, +)
        let failures = chains.map { $0.events.filter { Self.isObject($0) && Self.verdict(of: $0)?.isValid == false }.count }.reduce(0, +)
        xml += "<testsuites name=\"\(escape("trailproof validate-logs \(trail.text)"))\" tests=\"\(cases)\" failures=\"\(failures)\" errors=\"0\">\n"
        for chain in chains {
            let objects = chain.events.filter(Self.isObject)
            let chainFailures = objects.filter { Self.verdict(of: $0)?.isValid == false }.count
            xml += "  <testsuite name=\"\(escape("\(trail.trailName) \(chain.accountID) \(chain.region)"))\" tests=\"\(objects.count)\""
            xml += " failures=\"\(chainFailures)\" errors=\"0\" skipped=\"0\" timestamp=\"\(startTime.iso8601.dropLast())\" time=\"0\">\n"
            xml += "    <properties>\n"
            for (name, value) in [
                ("trailArn", trail.text), ("startTime", startTime.iso8601), ("endTime", endTime.iso8601), ("checks", checks.rawValue),
            ] {
                xml += "      <property name=\"\(name)\" value=\"\(escape(value))\"/>\n"
            }
            xml += "    </properties>\n"
            for event in objects {
                let (kind, location, verdict): (String, ObjectLocation, Verdict)
                switch event {
                case .digest(let object, let backfill, let result):
                    (kind, location, verdict) = (backfill ? "backfill-digest" : "digest", object, result)
                case .log(let object, let result): (kind, location, verdict) = ("log", object, result)
                case .gap: continue
                }
                xml += "    <testcase classname=\"trailproof.\(kind)\" name=\"\(escape(location.uri))\" time=\"0\""
                if let finding = verdict.finding {
                    let word: String
                    switch verdict {
                    case .unverified: word = "UNVERIFIED"
                    case .unreadable: word = "UNREADABLE"
                    default: word = "INVALID"
                    }
                    xml += ">\n      <failure message=\"\(escape("\(word): \(finding.message)"))\" type=\"\(finding.code.rawValue)\">"
                    xml += escape(finding.detail ?? finding.message) + "</failure>\n    </testcase>\n"
                } else {
                    xml += "/>\n"
                }
            }
            xml += "  </testsuite>\n"
        }
        xml += "</testsuites>\n"
        return Array(xml.utf8)
    }

    private static func isObject(_ event: ValidationEvent) -> Bool {
        if case .gap = event { return false }
        return true
    }

    private static func verdict(of event: ValidationEvent) -> Verdict? {
        switch event {
        case .digest(_, _, let verdict), .log(_, let verdict): return verdict
        case .gap: return nil
        }
    }

    private func escape(_ text: String) -> String {
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

/// Writes a validation run in the text format of `aws cloudtrail validate-logs`, line for
/// line: the start line, valid objects on standard output with `verbose`, every INVALID line
/// and gap on standard error followed by a blank line, then the summary.
public struct TextReport: Sendable {
    /// Where the text goes: one sink for standard output and one for standard error.
    public struct Output: Sendable {
        public var standardOutput: @Sendable (String) -> Void
        public var standardError: @Sendable (String) -> Void
        public init(standardOutput: @escaping @Sendable (String) -> Void, standardError: @escaping @Sendable (String) -> Void) {
            self.standardOutput = standardOutput
            self.standardError = standardError
        }
    }

    public let output: Output
    public let verbose: Bool
    private var lastStatusWasDoubleSpaced = true

    public init(output: Output, verbose: Bool) {
        self.output = output
        self.verbose = verbose
    }

    /// `Validating log files for trail ARN between START and END` and a blank line.
    public func writeStart(trail: TrailARN, start: Timestamp, end: Timestamp) {
        output.standardOutput("Validating log files for trail \(trail) between \(start) and \(end)\n\n")
    }

    /// One event.
    public mutating func write(_ event: ValidationEvent) {
        switch event {
        case .digest(let location, let isBackfill, let verdict):
            let label = (isBackfill ? "(backfill) " : "") + "Digest file"
            writeStatus("\(label)\t\(TerminalText.escape(location.uri))\t\(Self.text(verdict))", isError: !verdict.isValid)
        case .log(let location, let verdict):
            writeStatus("Log file\t\(TerminalText.escape(location.uri))\t\(Self.text(verdict))", isError: !verdict.isValid)
        case .gap(let from, let to, let isBackfill):
            let label = isBackfill ? "(backfill) " : ""
            writeStatus("\(label)No log files were delivered by CloudTrail between \(from) and \(to)", isError: true)
        }
    }

    private static func text(_ verdict: Verdict) -> String {
        switch verdict {
        case .valid: return "valid"
        case .invalid(let finding): return "INVALID: \(TerminalText.escape(finding.message))"
        case .unverified(let finding): return "UNVERIFIED: \(TerminalText.escape(finding.message))"
        case .unreadable(let finding): return "UNREADABLE: \(TerminalText.escape(finding.message))"
        }
    }

    private mutating func writeStatus(_ message: @autoclosure () -> String, isError: Bool) {
        if isError {
            output.standardError(lastStatusWasDoubleSpaced ? "\(message())\n\n" : "\n\(message())\n\n")
            lastStatusWasDoubleSpaced = true
        } else if verbose {
            lastStatusWasDoubleSpaced = false
            output.standardOutput("\(message())\n")
        }
    }

    /// The `Results requested …` block.
    public func writeSummary(_ summary: ValidationSummary) {
        var text = lastStatusWasDoubleSpaced ? "" : "\n"
        text += "Results requested for \(summary.requestedStart) to \(summary.requestedEnd)\n"
        if summary.totalDigests == 0 {
            output.standardOutput(text + "No digests found\n")
            return
        }
        if let start = summary.foundStart, let end = summary.foundEnd {
            text += "Results found for \(start) to \(end):\n"
        } else {
            text += "No valid digests found in range\n"
        }
        text += Self.ratio(summary.validDigests, summary.invalidDigests, summary.unverifiedDigests, summary.unreadableDigests, "digest")
        text += Self.ratio(summary.validBackfillDigests, summary.invalidBackfillDigests, 0, 0, "backfill digest")
        text += Self.ratio(summary.validLogs, summary.invalidLogs, summary.unverifiedLogs, summary.unreadableLogs, "log")
        output.standardOutput(text + "\n")
    }

    private static func ratio(_ valid: Int, _ invalid: Int, _ unverified: Int, _ unreadable: Int, _ name: String) -> String {
        let total = valid + invalid + unverified + unreadable
        guard total > 0 else { return "" }
        var text = "\n\(valid)/\(total) \(name) files valid"
        if invalid > 0 { text += ", \(invalid)/\(total) \(name) files INVALID" }
        if unverified > 0 { text += ", \(unverified)/\(total) \(name) files UNVERIFIED" }
        if unreadable > 0 { text += ", \(unreadable)/\(total) \(name) files UNREADABLE" }
        return text
    }
}

extension ValidationReport {
    /// Writes the evidence page to `sink` in pieces: one self-contained HTML document (no
    /// scripts, fonts, images or styles from elsewhere; readable offline and printable) with the
    /// request, the tool and when it ran, the public keys, the totals, a timeline per chain (an
    /// hour per cell, the digest key on hover) and every finding. Every text from the bucket is
    /// made visible (``TerminalText``) and HTML-escaped.
    public func writeHTML(to sink: (String) throws -> Void) throws {
        let total = summary
        let (verdictClass, verdictText) = Self.verdictBanner(total.outcome)
        try sink(
            """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>TrailProof evidence: \(Self.html(trail.trailName)) \(Self.html(startTime.iso8601)) to \(Self.html(endTime.iso8601))</title>
            <style>\(Self.style)</style>
            </head>
            <body>
            <header>
            <h1>Log file integrity evidence</h1>
            <p class="banner \(verdictClass)" id="outcome">\(verdictText)</p>
            </header>

            """)
        var request = [
            ("Trail", trail.text), ("Range", "\(startTime.iso8601) to \(endTime.iso8601)"), ("Bucket", bucket),
            ("Prefix", prefix ?? "(none)"),
        ]
        if let organizationID { request.append(("Organization", organizationID)) }
        request += [
            ("Chains", orderedChains.map { "\($0.id.accountID) \($0.id.region)" }.joined(separator: ", ")),
            ("Checks", checks == .full ? "full (aws-cli's and what it misses)" : "aws-cli's"),
        ]
        try sink(Self.section("request", "Request", Self.definitionTable(request)))
        try sink(
            Self.section(
                "run", "Run",
                Self.definitionTable([
                    ("Tool", "trailproof \(BuildInfo.version)"), ("Commit", BuildInfo.commit ?? "not recorded"),
                    ("Run at", runTime.iso8601),
                ])))
        var keys = "<table class=\"list\"><thead><tr><th>Fingerprint</th><th>Region</th><th>Valid from</th><th>Valid to</th></tr></thead><tbody>\n"
        for key in publicKeys.sorted(by: { ($0.validityStart, $0.fingerprint) < ($1.validityStart, $1.fingerprint) }) {
            keys +=
                "<tr><td class=\"mono\">\(Self.html(key.fingerprint))</td><td>\(Self.html(trail.homeRegion))</td><td>\(key.validityStart.iso8601)</td><td>\(key.validityEnd.iso8601)</td></tr>\n"
        }
        if publicKeys.isEmpty { keys += "<tr><td colspan=\"4\">none given</td></tr>\n" }
        try sink(Self.section("keys", "Public keys", keys + "</tbody></table>"))
        try sink(Self.section("totals", "Totals", Self.totalsTable(total, chains: orderedChains)))

        try sink("<section id=\"timeline\">\n<h2>Timeline</h2>\n\(Self.legend)\n")
        for chain in orderedChains { try sink(Self.timelineTable(chain)) }
        try sink("</section>\n")

        let findings = orderedChains.map(\.findingCount).reduce(0, +)
        try sink("<section id=\"findings\">\n<h2>Findings (\(findings))</h2>\n")
        if findings == 0 { try sink("<p>Every object checked is valid.</p>\n") }
        for chain in orderedChains where chain.findingCount > 0 {
            try sink("<h3>\(Self.html(chain.id.accountID)) \(Self.html(chain.id.region))</h3>\n")
            try sink(
                "<table class=\"list findings\"><thead><tr><th>Verdict</th><th>Object</th><th>Reason</th><th>Detail</th></tr></thead><tbody>\n")
            try findingSpool.copy(chain.findings, to: sink)
            try sink("</tbody></table>\n")
        }
        try sink("</section>\n<footer>Written by trailproof \(BuildInfo.version) at \(Timestamp.now().iso8601).</footer>\n</body>\n</html>\n")
    }

    /// A finding's table row, or nil for a valid object.
    static func findingRow(_ event: ValidationEvent) -> String? {
        let (kind, location, verdict): (String, ObjectLocation, Verdict)
        switch event {
        case .digest(let object, let backfill, let result): (kind, location, verdict) = (backfill ? "Backfill digest" : "Digest", object, result)
        case .log(let object, let result): (kind, location, verdict) = ("Log file", object, result)
        case .gap: return nil
        }
        guard let finding = verdict.finding else { return nil }
        let state = ChainTimeline.State(verdict)
        return
            "<tr class=\"s-\(state.cssName)\"><td class=\"verdict\">\(state.name)</td><td><span class=\"kind\">\(kind)</span> <span class=\"mono object\">\(html(location.uri))</span></td><td><span class=\"mono\">\(finding.code.rawValue)</span>: \(html(finding.message))</td><td>\(html(finding.detail ?? ""))</td></tr>\n"
    }

    private static func verdictBanner(_ outcome: ValidationSummary.Outcome) -> (String, String) {
        switch outcome {
        case .valid: return ("s-valid", "VALID: every digest and log file checked is intact and the chain is whole")
        case .invalid: return ("s-invalid", "INVALID: evidence of tampering (see the findings)")
        case .notEstablished:
            return ("s-unverified", "NOT ESTABLISHED: nothing INVALID, but some objects are UNVERIFIED or UNREADABLE")
        case .nothingFound: return ("s-none", "NOTHING FOUND: no digest of this trail was found in the range")
        }
    }

    private static func section(_ id: String, _ title: String, _ body: String) -> String {
        "<section id=\"\(id)\">\n<h2>\(title)</h2>\n\(body)\n</section>\n"
    }

    private static func definitionTable(_ rows: [(String, String)]) -> String {
        "<table class=\"facts\"><tbody>\n"
            + rows.map { "<tr><th>\(html($0.0))</th><td>\(html($0.1))</td></tr>\n" }.joined() + "</tbody></table>"
    }

    private static func totalsTable(_ total: ValidationSummary, chains: [Chain]) -> String {
        var rows =
            "<table class=\"list totals\"><thead><tr><th></th><th>valid</th><th>INVALID</th><th>UNVERIFIED</th><th>UNREADABLE</th></tr></thead><tbody>\n"
        func row(_ name: String, _ counts: [Int]) {
            rows += "<tr><th>\(html(name))</th>" + counts.map { "<td>\($0)</td>" }.joined() + "</tr>\n"
        }
        func add(_ name: String, _ summary: ValidationSummary) {
            row("\(name) digest files", [summary.validDigests, summary.invalidDigests, summary.unverifiedDigests, summary.unreadableDigests])
            row("\(name) log files", [summary.validLogs, summary.invalidLogs, summary.unverifiedLogs, summary.unreadableLogs])
        }
        add("All", total)
        if chains.count > 1 {
            for chain in chains { if let summary = chain.summary { add("\(chain.id.accountID) \(chain.id.region):", summary) } }
        }
        return rows + "</tbody></table>"
    }

    private static let legend: String = {
        let states: [ChainTimeline.State] = [.valid, .invalid, .none, .unverified, .unreadable, .gap]
        return "<p class=\"legend\">"
            + states.map { "<span class=\"cell s-\($0.cssName)\"></span> \($0.name)" }.joined(separator: " &nbsp; ")
            + " &nbsp; (one cell per UTC hour; hover for the digest)</p>"
    }()

    /// One row per UTC day, one cell per hour.
    private static func timelineTable(_ chain: Chain) -> String {
        let timeline = chain.timeline
        var text = "<h3>\(html(chain.id.accountID)) \(html(chain.id.region))</h3>\n<table class=\"timeline\"><thead><tr><th>UTC day</th>"
        for hour in 0..<24 { text += "<th>\(hour < 10 ? "0" : "")\(hour)</th>" }
        text += "</tr></thead><tbody>\n"
        let firstOffset = timeline.hour(0).components.hour
        var index = -firstOffset
        while index < timeline.hourCount {
            let day = timeline.hour(max(index, 0)).iso8601.prefix(10)
            text += "<tr><th>\(day)</th>"
            for cell in index..<(index + 24) {
                guard cell >= 0, cell < timeline.hourCount else {
                    text += "<td class=\"out\"></td>"
                    continue
                }
                let state = timeline.state(cell)
                let hour = timeline.hour(cell).iso8601.prefix(16)
                let key = timeline.digestKey(cell).map { ": \($0)" } ?? (state == .none ? ": no digest reported" : "")
                text += "<td class=\"cell s-\(state.cssName)\" title=\"\(hour)Z \(state.name)\(html(key))\"></td>"
            }
            text += "</tr>\n"
            index += 24
        }
        text += "</tbody></table>\n"
        if timeline.isCut { text += "<p>The range is longer than five years: the timeline shows its first five.</p>\n" }
        return text
    }

    /// Text from the bucket made visible (control, bidi and invisible characters escaped) and
    /// HTML-escaped.
    static func html(_ text: String) -> String { escape(TerminalText.escape(text)) }

    private static let style = """
        body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2em;color:#1b1b1b;max-width:1200px}
        h1{font-size:1.6em;margin:0 0 .3em}h2{font-size:1.25em;border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:1.6em}
        h3{font-size:1.05em;margin:1em 0 .4em}
        .banner{font-size:1.15em;font-weight:600;padding:.6em .9em;border-radius:4px;color:#fff}
        .banner.s-valid{background:#1e7b34}.banner.s-invalid{background:#b3261e}.banner.s-unverified{background:#a86400}.banner.s-none{background:#5f6368}
        table{border-collapse:collapse}th,td{text-align:left;padding:.25em .6em;vertical-align:top}
        .facts th{color:#555;font-weight:500;padding-left:0}
        .list{width:100%}.list thead th{border-bottom:2px solid #999}.list td,.list tbody th{border-bottom:1px solid #e3e3e3}
        .totals td,.totals thead th{text-align:right}
        .mono{font-family:ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:.9em;word-break:break-all}
        .findings .verdict{font-weight:700;white-space:nowrap}.findings tr.s-invalid .verdict{color:#b3261e}
        .findings tr.s-unverified .verdict{color:#a86400}.findings tr.s-unreadable .verdict{color:#6a1b9a}.kind{color:#555}
        .timeline{font-size:.75em}.timeline th{font-weight:500;color:#555;padding:0 .3em}.timeline td{padding:0}
        .cell{display:inline-block;width:1.4em;height:1.1em;border:1px solid #fff}td.cell{display:table-cell}
        .s-valid.cell{background:#34a853}.s-invalid.cell{background:#d93025}.s-none.cell{background:#c4c7c5}
        .s-unverified.cell{background:#f29900}.s-unreadable.cell{background:#8e24aa}.s-gap.cell{background:repeating-linear-gradient(45deg,#9ecbff,#9ecbff 3px,#fff 3px,#fff 6px)}
        td.out{background:transparent}
        .legend .cell{vertical-align:middle}
        footer{margin-top:2em;color:#777;font-size:.85em}
        @media print{body{margin:0;max-width:none}.banner{-webkit-print-color-adjust:exact;print-color-adjust:exact}
        .cell{-webkit-print-color-adjust:exact;print-color-adjust:exact}h2{break-after:avoid}tr{break-inside:avoid}}
        """
}

extension ChainTimeline.State {
    /// The CSS class suffix of the state.
    var cssName: String {
        switch self {
        case .none: return "none"
        case .valid: return "valid"
        case .gap: return "gap"
        case .unverified: return "unverified"
        case .unreadable: return "unreadable"
        case .invalid: return "invalid"
        }
    }
}

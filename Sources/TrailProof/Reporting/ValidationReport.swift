/// Everything one `validate-logs` run established, for machine-readable output: the request,
/// each account and region chain with its events and totals, and the combined totals.
///
/// Events are recorded as the run goes, chain after chain, into scratch files already in their
/// JSON and JUnit forms (``ReportSpool``): memory does not grow with the number of objects, and
/// the JSON document and the JUnit XML are then written in pieces.
///
///     let report = try ValidationReport(trail: arn, startTime: start, endTime: end, bucket: "b", prefix: nil,
///                                        organizationID: nil, checks: .full)
///     let result = try await session.run { chain, event in try? report.record(event, chain: chain) }
///     for chain in result.chains { report.finish(chain: chain.chain, summary: chain.summary) }
///     try report.write(to: "report.json")
public final class ValidationReport {
    /// One account and region chain: where its records are in the scratch files, and its totals.
    struct Chain {
        let id: ChainID
        var summary: ValidationSummary?
        var digests = 0..<0
        var logs = 0..<0
        var gaps = 0..<0
        var testCases = 0..<0
        var findings = 0..<0
        var digestCount = 0
        var logCount = 0
        var gapCount = 0
        var testCount = 0
        var failureCount = 0
        var findingCount = 0
        /// Its hours, for the evidence page.
        var timeline: ChainTimeline
    }

    public let trail: TrailARN
    public let startTime: Timestamp
    public let endTime: Timestamp
    public let bucket: String
    public let prefix: String?
    public let organizationID: String?
    public let checks: ValidationRequest.CheckLevel
    /// When the run began.
    public let runTime: Timestamp
    /// The public keys the run could use (those valid during the range), for the evidence page.
    public var publicKeys: [PublicKeyEntry] = []
    /// The chains in the order their events were recorded.
    private(set) var chains: [Chain] = []

    let digestSpool: ReportSpool
    let logSpool: ReportSpool
    let gapSpool: ReportSpool
    let testCaseSpool: ReportSpool
    let findingSpool: ReportSpool

    public init(
        trail: TrailARN, startTime: Timestamp, endTime: Timestamp, bucket: String, prefix: String?, organizationID: String?,
        checks: ValidationRequest.CheckLevel
    ) throws {
        self.trail = trail
        self.startTime = startTime
        self.endTime = endTime
        self.bucket = bucket
        self.prefix = prefix
        self.organizationID = organizationID
        self.checks = checks
        runTime = Timestamp.now()
        findingSpool = try ReportSpool()
        digestSpool = try ReportSpool()
        logSpool = try ReportSpool()
        gapSpool = try ReportSpool()
        testCaseSpool = try ReportSpool()
    }

    /// Records one event of `chain`. The events of one chain come together, in report order.
    public func record(_ event: ValidationEvent, chain id: ChainID) throws {
        if chains.last?.id != id {
            guard !chains.contains(where: { $0.id == id }) else {
                throw TrailProofError(.invalidArgument, "the report's events of chain \(id) came apart: record each chain's events together")
            }
            chains.append(Chain(id: id, timeline: ChainTimeline(start: startTime, end: endTime)))
        }
        var chain = chains.removeLast()
        defer { chains.append(chain) }
        chain.timeline.record(event)
        if let row = Self.findingRow(event) {
            if chain.findingCount == 0 { chain.findings = findingSpool.size..<findingSpool.size }
            try findingSpool.append(row)
            chain.findingCount += 1
            chain.findings = chain.findings.lowerBound..<findingSpool.size
        }
        func append(_ text: String, to spool: ReportSpool, range: inout Range<Int>, count: inout Int) throws {
            if count == 0 { range = spool.size..<spool.size }
            try spool.append((count == 0 ? "\n" : ",\n") + text)
            count += 1
            range = range.lowerBound..<spool.size
        }
        switch event {
        case .digest, .log:
            let (kind, json) = Self.objectJSON(event)
            if kind == "digest" {
                try append(json, to: digestSpool, range: &chain.digests, count: &chain.digestCount)
            } else {
                try append(json, to: logSpool, range: &chain.logs, count: &chain.logCount)
            }
            let (testCase, failed) = Self.testCase(event)
            if chain.testCount == 0 { chain.testCases = testCaseSpool.size..<testCaseSpool.size }
            try testCaseSpool.append(testCase)
            chain.testCount += 1
            if failed { chain.failureCount += 1 }
            chain.testCases = chain.testCases.lowerBound..<testCaseSpool.size
        case .gap:
            try append(Self.objectJSON(event).json, to: gapSpool, range: &chain.gaps, count: &chain.gapCount)
        }
    }

    /// Records a chain's totals once its events are recorded (a chain with no event is added).
    public func finish(chain id: ChainID, summary: ValidationSummary) {
        if let index = chains.firstIndex(where: { $0.id == id }) {
            chains[index].summary = summary
        } else {
            chains.append(Chain(id: id, summary: summary, timeline: ChainTimeline(start: startTime, end: endTime)))
        }
    }

    /// Writes the report to `path` atomically: JUnit XML if the name ends in `.xml`, the HTML
    /// evidence page if it ends in `.html` or `.htm`, else JSON.
    public func write(to path: String) throws {
        try AtomicFile.write(to: path) { sink in
            let text: (String) throws -> Void = { try sink(Array($0.utf8)) }
            let lowered = path.lowercased()
            if lowered.hasSuffix(".xml") {
                try writeJUnit(to: text)
            } else if lowered.hasSuffix(".html") || lowered.hasSuffix(".htm") {
                try writeHTML(to: text)
            } else {
                try writeJSON(to: text)
            }
        }
    }

    /// The totals over all chains.
    public var summary: ValidationSummary {
        var total = ValidationSummary(requestedStart: startTime, requestedEnd: endTime)
        for chain in chains { if let summary = chain.summary { total.add(summary) } }
        return total
    }

    /// The chains in report order (account, then region), whatever order they were recorded in.
    var orderedChains: [Chain] { chains.sorted { $0.id < $1.id } }
}

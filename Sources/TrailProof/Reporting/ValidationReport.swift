/// Everything one `validate-logs` run established, for machine-readable output: the request,
/// each account and region chain with its events and totals, and the combined totals.
public struct ValidationReport: Sendable {
    /// One account and region chain.
    public struct Chain: Sendable {
        public var accountID: String
        public var region: String
        public var events: [ValidationEvent]
        public var summary: ValidationSummary

        public init(accountID: String, region: String, events: [ValidationEvent], summary: ValidationSummary) {
            self.accountID = accountID
            self.region = region
            self.events = events
            self.summary = summary
        }
    }

    public var trail: TrailARN
    public var startTime: Timestamp
    public var endTime: Timestamp
    public var bucket: String
    public var prefix: String?
    public var organizationID: String?
    public var checks: ValidationRequest.CheckLevel
    public var chains: [Chain] = []

    public init(
        trail: TrailARN, startTime: Timestamp, endTime: Timestamp, bucket: String, prefix: String?, organizationID: String?,
        checks: ValidationRequest.CheckLevel
    ) {
        self.trail = trail
        self.startTime = startTime
        self.endTime = endTime
        self.bucket = bucket
        self.prefix = prefix
        self.organizationID = organizationID
        self.checks = checks
    }

    /// Writes the report to `path` atomically: JUnit XML if the name ends in `.xml`, else JSON.
    public func write(to path: String) throws {
        try AtomicFile.write(path.hasSuffix(".xml") ? junit() : json(), to: path)
    }

    /// The totals over all chains.
    public var summary: ValidationSummary {
        var total = ValidationSummary(requestedStart: startTime, requestedEnd: endTime)
        for chain in chains { total.add(chain.summary) }
        return total
    }
}

/// `lookup-events` over a trail's archive: validates the log files of the range (full checks)
/// and returns the events that match the query, only from files whose hash equals a valid
/// digest's entry (with `includeUnverified`, the others' too, marked).
///
///     let query = EventQuery(startTime: start, endTime: end, pattern: try FilterPattern(#"{ $.eventName = "ConsoleLogin" }"#))
///     let lookup = EventLookup(store: store, publicKeys: keys, request: request, query: query)
///     let result = try await lookup.run()
///     for event in result.events { print(event.eventTime, event.logFile.uri) }
public struct EventLookup: Sendable {
    public let store: any ObjectStore
    public let publicKeys: PublicKeyList
    /// The trail and the range of log files to read (see ``logRange(for:)``).
    public let request: ValidationRequest
    public let query: EventQuery
    public let includeUnverified: Bool
    public let progress: ValidationProgress?

    public init(
        store: any ObjectStore, publicKeys: PublicKeyList, request: ValidationRequest, query: EventQuery, includeUnverified: Bool = false,
        progress: ValidationProgress? = nil
    ) {
        self.store = store
        self.publicKeys = publicKeys
        var request = request
        request.checks = .full
        self.request = request
        self.query = query
        self.includeUnverified = includeUnverified
        self.progress = progress
    }

    /// How long after an event its log file may be delivered: log files of the range's events
    /// are read up to this long past its end.
    public static let deliveryLag: Int64 = 3600

    /// The delivery times whose log files can hold events of `start … end`.
    public static func logRange(start: Timestamp, end: Timestamp, now: Timestamp = .now()) -> (start: Timestamp, end: Timestamp) {
        (start, min(end.adding(seconds: deliveryLag), max(end, now)))
    }

    public struct Result: Sendable {
        /// Matching events, newest first.
        public var events: [EventCollector.FoundEvent]
        /// Log files whose events were not taken as verified (INVALID, UNVERIFIED, UNREADABLE).
        public var skippedFiles: [EventCollector.SkippedFile]
        /// How many log files were verified and searched.
        public var verifiedFiles: Int
        /// Verified files that are not CloudTrail log documents, with why.
        public var unreadableFiles: [(ObjectLocation, String)]
        /// The validation's totals.
        public var summary: ValidationSummary
    }

    /// Runs the search; `onEvent` gets the validation's events as they are established (the
    /// command prints the ones that are not valid, as validate-logs does).
    public func run(onEvent: (ValidationEvent) -> Void = { _ in }) async throws -> Result {
        let collector = EventCollector(query: query, includeUnverified: includeUnverified)
        let validator = TrailValidator(store: store, publicKeys: publicKeys, request: request, progress: progress, collector: collector)
        var unread: [(ObjectLocation, Verdict)] = []
        let summary = try await validator.validate { event in
            if case .log(let location, let verdict) = event, !verdict.isValid { unread.append((location, verdict)) }
            onEvent(event)
        }
        // Logs the run judged without reading (no valid digest lists them) are skipped too.
        for (location, verdict) in unread where !collector.wasScanned(location) {
            if includeUnverified {
                await collector.scanUnverified(location, verdict: verdict, store: store)
            } else {
                collector.collect(logFile: location, digestFile: nil, verdict: verdict, scan: collector.makeScan())
            }
        }
        return Result(
            events: collector.events, skippedFiles: collector.skippedFiles, verifiedFiles: collector.verifiedFiles,
            unreadableFiles: collector.unreadableFiles, summary: summary)
    }
}

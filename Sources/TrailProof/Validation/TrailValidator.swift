/// Validates one trail's digest chain and log files over a time range.
///
/// Produces the verdicts of `aws cloudtrail validate-logs` in its order: digests from newest to
/// oldest, each valid digest followed by its logs, then backfill digests. With the full checks
/// (the default) it adds what aws-cli cannot see: broken links, every missing hour, a truncated
/// tail, log files no digest lists, a rolled-back chain. Log files are read and hashed
/// `request.jobs` at a time (or as many as the store prefers); events still arrive in order.
///
///     let validator = TrailValidator(store: try LocalStore(root: "/data/trail"), publicKeys: keys, request: request)
///     let summary = try await validator.validate { event in print(event) }
///     print(summary.isValid ? "valid" : "INVALID")
public struct TrailValidator: Sendable {
    public let store: any ObjectStore
    public let publicKeys: PublicKeyList
    public let request: ValidationRequest
    /// Counters of what has been read, for a progress line; nil when nobody watches.
    public let progress: ValidationProgress?
    /// Reads the records of each log file for a search (lookup-events) as it is hashed.
    public let collector: EventCollector?

    /// What a run established.
    public struct Result: Sendable {
        /// The totals.
        public var summary: ValidationSummary
        /// The newest valid digest of the chain, to record with ``ValidationState`` so that the
        /// next run must reach it; nil when no standard digest was valid.
        public var newestAnchor: ChainAnchor?
    }

    public init(
        store: any ObjectStore, publicKeys: PublicKeyList, request: ValidationRequest, progress: ValidationProgress? = nil,
        collector: EventCollector? = nil
    ) {
        self.store = store
        self.publicKeys = publicKeys
        self.request = request
        self.progress = progress
        self.collector = collector
    }

    /// Runs the validation, calling `onEvent` for each event in report order, and returns the
    /// totals. Throws only for what stops a run (no public keys in range, a listing failed);
    /// a bad object is an event, never a thrown error.
    public func validate(onEvent: (ValidationEvent) -> Void = { _ in }) async throws -> ValidationSummary {
        try await run(onEvent: onEvent).summary
    }

    /// ``validate(onEvent:)``, also returning the anchor to record for the next run.
    public func run(onEvent: (ValidationEvent) -> Void = { _ in }) async throws -> Result {
        let coverage = CoverageCheck(store: store, request: request)
        var summary = ValidationSummary(requestedStart: request.startTime, requestedEnd: request.endTime)
        func emit(_ event: ValidationEvent) {
            summary.record(event)
            onEvent(event)
        }
        let listing = try await DigestListing.list(store: store, bucket: request.location.bucket, location: request.location)
        // The log folders are listed while the digests are walked (started after the digest listing,
        // which the walk waits for), newest day first, and each day is compared with the digests'
        // lists once the walk is below it (see CoverageTracker).
        let tracker = request.checks == .full && request.sealedPrefix == nil ? coverage.trackCoverage() : nil
        var trackerError: (any Error)?
        let walker = DigestWalker(store: store, request: request, publicKeys: publicKeys, listing: listing)
        // The log files valid digests list, for the coverage check (full checks only).
        // With a sealed prefix, every listed object is compared at the end.
        var referenced = request.sealedPrefix.map { CoverageCheck.References(bucket: request.location.bucket, prefix: $0) }
        var validWindows = TimeWindows()
        var newest: ValidDigest?
        let newestDigestEnd = request.checks == .full ? listing.newestStandardEnd(location: request.location, trail: request.trail) : nil
        // Windows that a reported digest accounts for: logs there are not also reported as a lost digest.
        var explained = TimeWindows()
        if let truncation = coverage.tailTruncation(newest: newestDigestEnd), let newestDigestEnd {
            emit(truncation)
            explained.insert(start: newestDigestEnd, end: Timestamp(secondsSinceEpoch: Int64.max / 2))
        }
        let jobs = request.concurrency(on: store)
        let batchSize = max(1, store.preferredBatchSize)
        let verifier = LogVerifier(store: store, progress: progress)
        for backfill in [false, true] {
            // The walk runs ahead on its own task, at most `lead` steps (memory holds a window of
            // digests, not the range); each valid digest's logs are verified (`jobs` at a time)
            // while it goes on, and every event is emitted in report order as soon as all before
            // it are known.
            let (steps, continuation) = AsyncStream<DigestWalker.Step>.makeStream()
            let window = StepWindow(size: Self.lead)
            let walking = Task {
                defer { continuation.finish() }
                return try await walker.walk(backfill: backfill) { step in
                    await window.acquire()
                    continuation.yield(step)
                }
            }
            defer { walking.cancel() }
            await withTaskGroup(of: (Int, [ValidationEvent]).self) { group in
                var resolved: [Int: ValidationEvent] = [:]
                var count = 0
                var nextToEmit = 0
                var inFlight = 0
                func flush() {
                    while let event = resolved.removeValue(forKey: nextToEmit) {
                        emit(event)
                        nextToEmit += 1
                    }
                }
                // Events that arrive in order (most of them) are emitted at once; only those that
                // arrive ahead of an earlier one wait in `resolved`.
                func settle(_ first: Int, _ events: [ValidationEvent]) {
                    guard first == nextToEmit else {
                        for (offset, event) in events.enumerated() { resolved[first + offset] = event }
                        return
                    }
                    for event in events { emit(event) }
                    nextToEmit += events.count
                    flush()
                }
                func add(_ event: ValidationEvent) {
                    // The newest index: nothing waits behind it.
                    if count == nextToEmit {
                        emit(event)
                        nextToEmit += 1
                    } else {
                        resolved[count] = event
                    }
                    count += 1
                }
                for await step in steps {
                    window.release()
                    switch step {
                    case .event(let event):
                        if case .digest(let object, _, let verdict) = event, !verdict.isValid,
                            let end = TrailLocation.digestEndTime(ofAnyTrailKey: object.key)
                        {
                            explained.insert(start: end.adding(seconds: -3600), end: end)
                        }
                        add(event)
                    case .valid(let valid):
                        summary.track(digestStart: valid.digest.startTime, digestEnd: valid.digest.endTime)
                        if request.checks == .full {
                            referenced?.insert(valid.digest.logFiles)
                            if let tracker, trackerError == nil {
                                tracker.reference(valid.digest.logFiles)
                                do { try await tracker.advance(to: valid.digest.startTime) } catch { trackerError = error }
                            }
                        }
                        validWindows.insert(start: valid.digest.startTime, end: valid.digest.endTime)
                        if !backfill, newest.map({ valid.digest.endTime > $0.digest.endTime }) ?? true { newest = valid }
                        add(.digest(location: valid.location, isBackfill: valid.isBackfill, verdict: .valid))
                        // Log files go to the workers in batches: for a local store, a task per
                        // small file costs more than reading it.
                        let logFiles = valid.digest.logFiles
                        for first in stride(from: 0, to: logFiles.count, by: batchSize) {
                            if inFlight >= jobs, let (done, events) = await group.next() {
                                settle(done, events)
                                inFlight -= 1
                            }
                            let batch = logFiles[first..<min(first + batchSize, logFiles.count)]
                            let index = count
                            count += batch.count
                            let collector = self.collector
                            group.addTask {
                                let results = await verifier.verify(batch, scanningFor: collector)
                                // By index, as the verifier reads them: no copy of each entry.
                                return (
                                    index,
                                    zip(batch.indices, results).map { position, result in
                                        let verdict = placed(result.verdict, key: batch[position].location.key, listedBy: valid)
                                        if let collector, let scan = result.scan {
                                            collector.collect(
                                                logFile: batch[position].location, digestFile: valid.location, verdict: verdict, scan: scan)
                                        }
                                        return .log(location: batch[position].location, verdict: verdict)
                                    }
                                )
                            }
                            inFlight += 1
                        }
                    }
                }
                for await (done, events) in group { settle(done, events) }
            }
            let walk = try await walking.value
            if !backfill, request.checks == .full, let anchor = request.anchor, case .notMet = walk.anchor {
                emit(anchorNotReached(anchor, newest: newest))
            }
        }
        if request.checks == .full, let prefix = request.sealedPrefix, let referenced {
            try await coverage.unsealedObjects(under: prefix, referenced: referenced, newestValidEnd: newest?.digest.endTime, emit: emit)
        }
        if let trackerError { throw trackerError }
        if let tracker {
            coverage.unlistedLogs(
                try await tracker.finish(), validWindows: validWindows, explained: explained, newestDigestEnd: newestDigestEnd, emit: emit)
        }
        let anchor = newest.map {
            ChainAnchor(
                trail: request.trail.text, accountID: request.location.accountID, region: request.location.region, location: $0.location,
                endTime: $0.digest.endTime, sha256: $0.sha256, signature: $0.signature)
        }
        return Result(summary: summary, newestAnchor: anchor ?? (request.onlyNew ? request.anchor : nil))
    }

    private func anchorNotReached(_ anchor: ChainAnchor, newest: ValidDigest?) -> ValidationEvent {
        let found = newest.map { "the chain now reaches back from \($0.location.uri) (end \($0.digest.endTime))" } ?? "no valid digest was found"
        let finding = Finding(
            .anchorNotReached,
            "not reached through the chain: an earlier run vouched for this digest (end \(anchor.endTime), SHA-256 \(anchor.sha256)); \(found)",
            detail: "a rollback (newest digests removed), a rewritten past or a fork")
        return .digest(location: anchor.location, isBackfill: false, verdict: .invalid(finding))
    }

    /// How many digests (and events) the walk may have handed over that verification has not
    /// taken yet: enough to keep every worker busy, few enough that memory stays flat.
    static let lead = 64

    /// How far a listed log's delivery time (the minute in its name) may lie outside the window
    /// of the digest that lists it. Names carry 5-minute buckets and delivery lags behind them,
    /// so an hour is generous for real trails; a log replayed from another hour or day is not.
    public static let logWindowTolerance: Int64 = 3600

    /// A valid log's verdict once its place is checked: a log listed by a digest whose window is
    /// far from the log's delivery time is INVALID even though its hash matches.
    private func placed(_ verdict: Verdict, key: String, listedBy digest: ValidDigest) -> Verdict {
        guard verdict.isValid, request.checks == .full, let delivered = request.location.logDeliveryTime(ofKey: key) else {
            return verdict
        }
        let window = digest.digest
        guard
            delivered < window.startTime.adding(seconds: -Self.logWindowTolerance)
                || delivered > window.endTime.adding(seconds: Self.logWindowTolerance)
        else { return verdict }
        return .invalid(
            Finding(
                .outsideWindow,
                "listed by \(digest.location.uri) whose window \(window.startTime) to \(window.endTime) is more than an hour from its delivery time \(delivered)",
                detail: "a log file is listed by the digest of the hour it was delivered in; this one was listed elsewhere"))
    }
}

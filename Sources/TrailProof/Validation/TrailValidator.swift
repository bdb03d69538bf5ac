/// Validates one trail's digest chain and log files over a time range.
///
/// Produces the verdicts of `aws cloudtrail validate-logs` in its order: digests from newest to
/// oldest, each valid digest followed by its logs, then backfill digests. Log files are read
/// and hashed `request.jobs` at a time; events still arrive in that order.
///
///     let validator = TrailValidator(store: try LocalStore(root: "/data/trail"), publicKeys: keys, request: request)
///     let summary = try await validator.validate { event in print(event) }
///     print(summary.isValid ? "valid" : "INVALID")
public struct TrailValidator: Sendable {
    public let store: any ObjectStore
    public let publicKeys: PublicKeyList
    public let request: ValidationRequest

    public init(store: any ObjectStore, publicKeys: PublicKeyList, request: ValidationRequest) {
        self.store = store
        self.publicKeys = publicKeys
        self.request = request
    }

    /// Runs the validation, calling `onEvent` for each event in report order, and returns the
    /// totals. Throws only for what stops a run (no public keys in range, the digest listing
    /// failed); a bad object is an event, never a thrown error.
    public func validate(onEvent: (ValidationEvent) -> Void = { _ in }) async throws -> ValidationSummary {
        var summary = ValidationSummary(requestedStart: request.startTime, requestedEnd: request.endTime)
        let walker = DigestWalker(store: store, request: request, publicKeys: publicKeys)
        for backfill in [false, true] {
            let steps = try await walker.walk(backfill: backfill)
            var pending: [Pending] = []
            for step in steps {
                switch step {
                case .event(let event):
                    pending.append(.ready(event))
                case .valid(let location, let digest, let isBackfill):
                    summary.track(digestStart: digest.startTime, digestEnd: digest.endTime)
                    pending.append(.ready(.digest(location: location, isBackfill: isBackfill, verdict: .valid)))
                    pending += digest.logFiles.map(Pending.log)
                }
            }
            await resolveInOrder(pending) { event in
                summary.record(event)
                onEvent(event)
            }
        }
        return summary
    }

    private enum Pending: Sendable {
        case ready(ValidationEvent)
        case log(DigestFile.LogFileEntry)
    }

    /// Verifies the pending logs with at most `request.jobs` in flight and hands every event
    /// to `emit` in list order, as soon as all before it are known.
    private func resolveInOrder(_ pending: [Pending], emit: (ValidationEvent) -> Void) async {
        let verifier = LogVerifier(store: store)
        var resolved = [ValidationEvent?](repeating: nil, count: pending.count)
        var nextToEmit = 0
        func flush() {
            while nextToEmit < resolved.count, let event = resolved[nextToEmit] {
                emit(event)
                nextToEmit += 1
            }
        }
        await withTaskGroup(of: (Int, ValidationEvent).self) { group in
            var inFlight = 0
            for (index, item) in pending.enumerated() {
                switch item {
                case .ready(let event):
                    resolved[index] = event
                case .log(let entry):
                    if inFlight >= request.jobs, let (done, event) = await group.next() {
                        resolved[done] = event
                        inFlight -= 1
                    }
                    group.addTask { (index, .log(location: entry.location, verdict: await verifier.verify(entry))) }
                    inFlight += 1
                }
                flush()
            }
            for await (done, event) in group {
                resolved[done] = event
                flush()
            }
        }
        flush()
    }
}

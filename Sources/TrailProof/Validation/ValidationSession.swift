/// One `validate-logs` run over one or many chains (account and region) of a trail: finds the
/// chains, validates each with ``TrailValidator``, reaches and advances the anchors of a
/// ``ValidationState``, and hands every event to the caller as it is established.
///
/// This is the entry point for audit scripts; the command line only parses arguments and prints.
///
///     let request = try ValidationRequest(
///         trail: try TrailARN("arn:aws:cloudtrail:us-east-1:111122223333:trail/main"),
///         startTime: Timestamp(iso8601: "2026-01-01T00:00:00Z")!, endTime: .now(), bucket: "my-bucket")
///     let session = ValidationSession(
///         store: try LocalStore(root: "/data/trail"),
///         publicKeys: try PublicKeyList(contentsOfFile: "/etc/trailproof/keys/public-keys.json"),
///         request: request, scope: .allRegions)
///     let result = try await session.run { chain, event in
///         if case .log(let location, .invalid(let finding)) = event { print(chain, location.uri, finding.code.rawValue) }
///     }
///     print(result.summary.outcome)   // valid, invalid, not-established or nothing-found
public struct ValidationSession: Sendable {
    /// Which chains of the trail a run covers.
    public enum Scope: Hashable, Sendable {
        /// The request's own account and region.
        case requested
        /// Every region's chain of the request's account found under the bucket.
        case allRegions
        /// The request's region in every account found under the bucket (organization trails).
        case allAccounts
        /// Every account's and every region's chain found under the bucket.
        case allAccountsAndRegions
    }

    /// What one chain established.
    public struct ChainResult: Sendable {
        public var chain: ChainID
        public var summary: ValidationSummary
    }

    /// What the whole run established.
    public struct Result: Sendable {
        /// Each chain's totals, in the order the chains were validated (sorted by account, region).
        public var chains: [ChainResult]
        /// The totals over every chain.
        public var summary: ValidationSummary
        /// The state with the anchor of every chain that was fully valid advanced to its newest
        /// digest; nil when the session was given none.
        public var state: ValidationState?
        /// The key prefix that was listed to find the chains, for saying where nothing was found.
        public var listedPrefix: String
    }

    public let store: any ObjectStore
    public let publicKeys: PublicKeyList
    /// The request; its location names the bucket, prefix, organization and (for `.requested`)
    /// the account and region.
    public let request: ValidationRequest
    public let scope: Scope
    /// Anchors from earlier runs: each chain must reach its own.
    public let state: ValidationState?
    /// Counters the caller may read while the run goes on (a progress line).
    public let progress: ValidationProgress?

    public init(
        store: any ObjectStore, publicKeys: PublicKeyList, request: ValidationRequest, scope: Scope = .requested, state: ValidationState? = nil,
        progress: ValidationProgress? = nil
    ) {
        self.store = store
        self.publicKeys = publicKeys
        self.request = request
        self.scope = scope
        self.state = state
        self.progress = progress
    }

    /// The chains the run covers: the requested one, or those found under the bucket.
    public func chains() async throws -> [ChainID] {
        let base = request.location
        switch scope {
        case .requested:
            return [ChainID(accountID: base.accountID, region: base.region)]
        case .allRegions, .allAccounts, .allAccountsAndRegions:
            return try await ChainDiscovery.discover(
                store: store, base: base, trail: request.trail, allAccounts: scope != .allRegions, allRegions: scope != .allAccounts)
        }
    }

    /// How many chains are validated at once when the run covers several; they share the
    /// request's `jobs` (or the store's preferred concurrency), so the requests in flight stay
    /// within one limit whatever the number of chains.
    public var concurrentChains = 4

    /// Validates every chain, calling `onEvent` with each event in report order (chain after
    /// chain, sorted by account and region, whatever order they finish in), and returns the
    /// totals. Throws only for what stops a run (a listing failed, no public keys).
    ///
    /// With one chain, events are handed over as they are established; with several, each
    /// chain's events are handed over once it and every chain before it are done.
    public func run(onEvent: (ChainID, ValidationEvent) -> Void = { _, _ in }) async throws -> Result {
        let base = request.location
        let chains = try await self.chains()
        var state = self.state
        var results: [ChainResult] = []
        var total = ValidationSummary(requestedStart: request.startTime, requestedEnd: request.endTime)
        func finish(_ chain: ChainID, _ result: TrailValidator.Result) {
            // An anchor advances only after a run that found nothing: a failure repeats until someone looks.
            if result.summary.isValid, let anchor = result.newestAnchor { state?.record(anchor) }
            results.append(ChainResult(chain: chain, summary: result.summary))
            total.add(result.summary)
        }
        if chains.count == 1, let chain = chains.first {
            finish(chain, try await validator(for: chain, sharing: 1, state: state).run { onEvent(chain, $0) })
        } else {
            let parallel = max(1, min(concurrentChains, chains.count))
            let validators = try chains.map { try validator(for: $0, sharing: parallel, state: state) }
            // Each chain's events go to a scratch file until every chain sorted before it is done.
            try await withThrowingTaskGroup(of: (Int, TrailValidator.Result, EventSpool).self) { group in
                var done: [Int: (TrailValidator.Result, EventSpool)] = [:]
                var next = 0
                var nextToReport = 0
                func start() {
                    guard next < validators.count else { return }
                    let index = next
                    let validator = validators[index]
                    group.addTask {
                        let spool = try EventSpool()
                        var spoolError: (any Error)?
                        let result = try await validator.run { event in
                            do { try spool.append(event) } catch { spoolError = spoolError ?? error }
                        }
                        if let spoolError { throw spoolError }
                        return (index, result, spool)
                    }
                    next += 1
                }
                for _ in 0..<parallel { start() }
                while let (index, result, spool) = try await group.next() {
                    done[index] = (result, spool)
                    start()
                    while let (result, spool) = done.removeValue(forKey: nextToReport) {
                        let chain = chains[nextToReport]
                        try spool.replay { onEvent(chain, $0) }
                        finish(chain, result)
                        nextToReport += 1
                    }
                }
            }
        }
        let listed =
            scope == .requested ? base.digestPrefix : ChainDiscovery.listingPrefix(base: base, allAccounts: scope != .allRegions)
        return Result(chains: results, summary: total, state: state, listedPrefix: listed)
    }

    /// The validator of one chain, with its anchor and its share of the requests in flight.
    private func validator(for chain: ChainID, sharing parallel: Int, state: ValidationState?) throws -> TrailValidator {
        let base = request.location
        var chainRequest = request
        chainRequest.location = try TrailLocation(
            bucket: base.bucket, prefix: base.prefix, organizationID: base.organizationID, accountID: chain.accountID, region: chain.region)
        chainRequest.anchor = state?.anchor(for: chainRequest)
        chainRequest.jobs = max(1, request.concurrency(on: store) / parallel)
        return TrailValidator(store: store, publicKeys: publicKeys, request: chainRequest, progress: progress)
    }
}

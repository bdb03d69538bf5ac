import Synchronization

/// The credentials requests are signed with during a run: resolved once, and resolved again
/// through the same chain before temporary ones expire, so a long validation does not fail
/// half-way. As botocore: refreshed when less than 15 minutes remain; if the refresh fails, the
/// old credentials are used until 10 minutes remain, then the failure stops the run.
public final class RefreshingCredentials: Sendable {
    private let refresh: @Sendable () async throws -> AWSCredentials
    private struct State {
        var credentials: AWSCredentials
        /// The refresh under way: requests that need it wait for the same one.
        var refreshing: Task<AWSCredentials, any Error>?
    }
    private let state: Mutex<State>

    static let advisoryRefresh: Int64 = 15 * 60
    static let mandatoryRefresh: Int64 = 10 * 60

    /// Starts with `initial`; `refresh` finds new ones.
    public init(initial: AWSCredentials, refresh: @escaping @Sendable () async throws -> AWSCredentials) {
        self.refresh = refresh
        state = Mutex(State(credentials: initial))
    }

    /// Long-term keys that never need refreshing.
    public convenience init(fixed keys: SigV4Signer.Credentials) {
        let credentials = AWSCredentials(keys: keys, source: "given keys")
        self.init(initial: credentials) { credentials }
    }

    /// What the credentials are now (for messages).
    public var latest: AWSCredentials { state.withLock { $0.credentials } }

    /// The keys to sign the next request with, refreshed first if they are about to expire.
    public func current(now: Timestamp = .now()) async throws -> SigV4Signer.Credentials {
        let credentials = latest
        guard let expiration = credentials.expiration, now.adding(seconds: Self.advisoryRefresh) >= expiration else {
            return credentials.keys
        }
        let refresh = self.refresh
        let task = state.withLock { state in
            if let task = state.refreshing { return task }
            let task = Task { try await refresh() }
            state.refreshing = task
            return task
        }
        do {
            let fresh = try await task.value
            state.withLock { state in
                state.credentials = fresh
                state.refreshing = nil
            }
            return fresh.keys
        } catch {
            state.withLock { $0.refreshing = nil }
            if now.adding(seconds: Self.mandatoryRefresh) < expiration { return credentials.keys }
            throw TrailProofError(
                .storageFailure, "the credentials from \(credentials.source) expire at \(expiration) and could not be refreshed: \(error)")
        }
    }
}

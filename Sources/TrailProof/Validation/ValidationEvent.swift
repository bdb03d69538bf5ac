/// One thing the validator established, in the order aws-cli reports it: each digest as the
/// chain is walked from newest to oldest, right after it the logs it lists, and gaps where
/// the chain legitimately restarts.
public enum ValidationEvent: Hashable, Sendable {
    /// A digest file and its verdict.
    case digest(location: ObjectLocation, isBackfill: Bool, verdict: Verdict)
    /// A log file listed by a valid digest, and its verdict.
    case log(location: ObjectLocation, verdict: Verdict)
    /// The chain starts anew (previous link null) and older digests exist: no logs were
    /// delivered with validation between `from` and `to`. Not an error.
    case gap(from: Timestamp, to: Timestamp, isBackfill: Bool)
}

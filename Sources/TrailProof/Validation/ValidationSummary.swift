/// The totals of a validation run and the time range it could vouch for.
public struct ValidationSummary: Hashable, Sendable {
    /// What a run established, from the worst down; each has its own exit status.
    public enum Outcome: String, Hashable, Sendable, CaseIterable {
        /// Something was checked and everything checked is valid.
        case valid
        /// Evidence of tampering: at least one object is INVALID.
        case invalid
        /// Nothing INVALID, but some objects are UNVERIFIED or could not be read: neither
        /// tampering nor integrity is established for them.
        case notEstablished = "not-established"
        /// No digest was found to validate (a wrong bucket, prefix, account or region, or a
        /// range with no digest yet): nothing was checked, which is never success.
        case nothingFound = "nothing-found"
    }

    /// The range asked for.
    public var requestedStart: Timestamp
    public var requestedEnd: Timestamp
    /// The range covered by valid digests, clipped to the request; nil when no digest was valid.
    public var foundStart: Timestamp?
    public var foundEnd: Timestamp?
    public var validDigests = 0
    public var invalidDigests = 0
    public var validBackfillDigests = 0
    public var invalidBackfillDigests = 0
    public var validLogs = 0
    public var invalidLogs = 0
    public var unverifiedDigests = 0
    public var unverifiedLogs = 0
    public var unreadableDigests = 0
    public var unreadableLogs = 0

    public init(requestedStart: Timestamp, requestedEnd: Timestamp) {
        self.requestedStart = requestedStart
        self.requestedEnd = requestedEnd
    }

    /// Every digest met, whatever its verdict.
    public var totalDigests: Int {
        validDigests + invalidDigests + validBackfillDigests + invalidBackfillDigests + unverifiedDigests + unreadableDigests
    }

    /// What the run established: INVALID wins over not established, which wins over nothing found.
    public var outcome: Outcome {
        if invalidDigests + invalidBackfillDigests + invalidLogs > 0 { return .invalid }
        if unverifiedDigests + unverifiedLogs + unreadableDigests + unreadableLogs > 0 { return .notEstablished }
        if totalDigests == 0 { return .nothingFound }
        return .valid
    }

    /// True when something was checked and all of it is valid.
    public var isValid: Bool { outcome == .valid }

    /// Adds another chain's totals (for runs over several accounts or regions).
    public mutating func add(_ other: ValidationSummary) {
        validDigests += other.validDigests
        invalidDigests += other.invalidDigests
        validBackfillDigests += other.validBackfillDigests
        invalidBackfillDigests += other.invalidBackfillDigests
        validLogs += other.validLogs
        invalidLogs += other.invalidLogs
        unverifiedDigests += other.unverifiedDigests
        unverifiedLogs += other.unverifiedLogs
        unreadableDigests += other.unreadableDigests
        unreadableLogs += other.unreadableLogs
        if let start = other.foundStart, foundStart == nil || start < foundStart! { foundStart = start }
        if let end = other.foundEnd, foundEnd == nil || end > foundEnd! { foundEnd = end }
    }

    /// Counts one event.
    mutating func record(_ event: ValidationEvent) {
        switch event {
        case .digest(_, let isBackfill, let verdict):
            switch (isBackfill, verdict) {
            case (false, .valid): validDigests += 1
            case (false, .invalid): invalidDigests += 1
            case (true, .valid): validBackfillDigests += 1
            case (true, .invalid): invalidBackfillDigests += 1
            case (_, .unverified): unverifiedDigests += 1
            case (_, .unreadable): unreadableDigests += 1
            }
        case .log(_, let verdict):
            switch verdict {
            case .valid: validLogs += 1
            case .invalid: invalidLogs += 1
            case .unverified: unverifiedLogs += 1
            case .unreadable: unreadableLogs += 1
            }
        case .gap:
            break
        }
    }

    /// Widens the found range by a valid digest's window, clipped to the request (as aws-cli).
    mutating func track(digestStart: Timestamp, digestEnd: Timestamp) {
        let start = max(digestStart, requestedStart)
        if foundStart == nil || start < foundStart! { foundStart = start }
        let end = min(digestEnd, requestedEnd)
        if foundEnd == nil || end > foundEnd! { foundEnd = end }
    }
}

/// The totals of a validation run and the time range it could vouch for.
public struct ValidationSummary: Hashable, Sendable {
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

    public init(requestedStart: Timestamp, requestedEnd: Timestamp) {
        self.requestedStart = requestedStart
        self.requestedEnd = requestedEnd
    }

    /// True when nothing was found invalid (aws-cli's exit status 0).
    public var isValid: Bool {
        invalidDigests == 0 && invalidBackfillDigests == 0 && invalidLogs == 0 && unverifiedDigests == 0 && unverifiedLogs == 0
    }

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
            }
        case .log(_, let verdict):
            switch verdict {
            case .valid: validLogs += 1
            case .invalid: invalidLogs += 1
            case .unverified: unverifiedLogs += 1
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

import Glibc

/// What to validate: one trail's chain for one account and region over a time range.
public struct ValidationRequest: Hashable, Sendable {
    public var trail: TrailARN
    /// Validate logs delivered on or after this time.
    public var startTime: Timestamp
    /// … and on or before this time.
    public var endTime: Timestamp
    /// Where the digests and logs are (bucket, prefix, organization, account, source region).
    public var location: TrailLocation
    /// How many log files are read at once; 0 lets the store choose.
    public var jobs: Int
    /// Which checks run: all of TrailProof's, or only aws-cli's (for output identical to it).
    public var checks: CheckLevel = .full
    /// Digest signatures from elsewhere (object key -> hex), for stores without object metadata.
    public var signatures: [String: String] = [:]
    /// The digest an earlier run vouched for; the chain must reach it.
    public var anchor: ChainAnchor?
    /// With an anchor: validate only what is newer than it.
    public var onlyNew = false
    /// The key prefix whose objects the digests seal (`digest --logs-from`), if they seal
    /// another shipper's objects rather than the trail's own log folder: the coverage check
    /// then lists this prefix.
    public var sealedPrefix: String?
    /// With ``sealedPrefix``: the late window the sealing used (seconds).
    public var lateWindow: Int64 = 86_400
    /// The current time, which decides whether a digest is overdue (whatever `endTime` says);
    /// the time the request was made unless set.
    public var now = Timestamp.now()

    /// The checks a run makes.
    public enum CheckLevel: String, Hashable, Sendable, CaseIterable {
        /// Every check: links, missing hours, truncation, unreferenced logs, key windows, algorithms.
        case full
        /// Only the checks `aws cloudtrail validate-logs` makes, for identical output.
        case awsCLI = "aws-cli"
    }

    /// How many objects to read at once on `store`: `jobs`, or the store's preference.
    func concurrency(on store: any ObjectStore) -> Int { jobs > 0 ? jobs : store.preferredConcurrency }

    /// Where the chain walk stops going back: the anchor's end with `onlyNew`, else the start
    /// time, or the anchor's end if that is earlier, so that the anchor is reached.
    var walkStart: Timestamp {
        guard let anchor else { return startTime }
        return onlyNew ? anchor.endTime : min(startTime, anchor.endTime)
    }

    /// Checks the range and builds the location. `accountID` defaults to the ARN's account and
    /// `region` (the region that delivered the files) to the ARN's home region.
    public init(
        trail: TrailARN, startTime: Timestamp, endTime: Timestamp, bucket: String, prefix: String? = nil,
        accountID: String? = nil, organizationID: String? = nil, region: String? = nil, jobs: Int = 0
    ) throws {
        guard startTime <= endTime else {
            throw TrailProofError(.invalidArgument, "Invalid time range specified: start-time must occur before end-time")
        }
        try TrailLocation.validateTrailName(trail.trailName)
        self.trail = trail
        self.startTime = startTime
        self.endTime = endTime
        self.location = try TrailLocation(
            bucket: bucket, prefix: prefix, organizationID: organizationID, accountID: accountID ?? trail.accountID,
            region: region ?? trail.homeRegion)
        self.jobs = max(0, jobs)
    }
}

/// The number of processors this process may use.
enum ProcessorCount {
    static var active: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }
}

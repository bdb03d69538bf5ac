/// What the chain walk alone cannot see: the newest digests gone (tail truncation), and log
/// objects that no valid digest lists (injected, or left without a digest).
struct CoverageCheck: Sendable {
    let store: any ObjectStore
    let request: ValidationRequest

    /// Delivery may lag: a digest is due one hour after its window, and a log delivered in the
    /// last hour may not be listed yet.
    static let grace: Int64 = 3600

    private var location: TrailLocation { request.location }

    /// A finding if the trail's newest digest (up to an hour past the range) ends more than the
    /// grace before the end of the range. A trail that never had a digest is not truncated.
    func tailTruncation() async throws -> ValidationEvent? {
        let keys = try await store.listKeys(bucket: location.bucket, prefix: location.digestPrefix, startAfter: nil)
        let limit = request.endTime.adding(seconds: Self.grace)
        let newest = keys.compactMap { key -> Timestamp? in
            guard let parsed = location.digestEndTime(ofKey: key, trailName: request.trail.trailName, homeRegion: request.trail.homeRegion),
                !parsed.backfill, parsed.end <= limit
            else { return nil }
            return parsed.end
        }.max()
        guard let newest, newest < request.endTime.adding(seconds: -Self.grace) else { return nil }
        let expected = newest.adding(seconds: 3600)
        let object = ObjectLocation(
            bucket: location.bucket,
            key: location.digestKey(trailName: request.trail.trailName, homeRegion: request.trail.homeRegion, endTime: expected))
        let finding = Finding(
            .tailTruncated, "not found: no digest covers \(newest) to \(request.endTime) (the chain's newest digests are missing)",
            detail: "the newest digest of the trail ends at \(newest); digests are hourly and due within an hour")
        return .digest(location: object, isBackfill: false, verdict: .invalid(finding))
    }

    /// Log objects delivered in the range that no valid digest lists: `not referenced` in an
    /// hour a valid digest covers, unverified elsewhere (except in the last hour, not yet due).
    func unlistedLogs(referenced: Set<ObjectLocation>, validWindows: [(start: Timestamp, end: Timestamp)], newestValidEnd: Timestamp?) async throws
        -> [ValidationEvent]
    {
        let start = request.walkStart
        var events: [ValidationEvent] = []
        var day = Timestamp(secondsSinceEpoch: start.secondsSinceEpoch - start.secondsSinceEpoch % 86_400)
        while day <= request.endTime {
            let prefix = location.logPrefix + day.datePath + "/"
            for key in try await store.listKeys(bucket: location.bucket, prefix: prefix, startAfter: nil) {
                let object = ObjectLocation(bucket: location.bucket, key: key)
                guard !referenced.contains(object) else { continue }
                guard let delivered = location.logDeliveryTime(ofKey: key) else {
                    let finding = Finding(
                        .notReferenced, "not referenced by any digest", detail: "not a CloudTrail log file name, in the trail's log folder")
                    events.append(.log(location: object, verdict: .invalid(finding)))
                    continue
                }
                guard delivered >= start, delivered <= request.endTime else { continue }
                if validWindows.contains(where: { delivered >= $0.start && delivered < $0.end }) {
                    let finding = Finding(
                        .notReferenced, "not referenced by any digest", detail: "delivered at \(delivered), an hour a valid digest covers")
                    events.append(.log(location: object, verdict: .invalid(finding)))
                } else if newestValidEnd.map({ delivered >= $0 }) ?? true, delivered > request.endTime.adding(seconds: -Self.grace) {
                    continue  // delivered within the last hour: its digest may not be due yet.
                } else {
                    let finding = Finding(.noValidDigest, "no valid digest covers its delivery time \(delivered)")
                    events.append(.log(location: object, verdict: .unverified(finding)))
                }
            }
            day = day.adding(seconds: 86_400)
        }
        return events
    }
}

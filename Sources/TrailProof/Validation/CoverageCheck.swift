/// What the chain walk alone cannot see: the newest digests gone (tail truncation), and log
/// objects that no valid digest lists (injected, or left without a digest).
///
/// Whether a digest is overdue is decided by the clock (``ValidationRequest/now``), not by the
/// requested range: a digest is due ``grace`` after its window ends. A range that ends where a
/// deleted digest ended is therefore still checked for it.
struct CoverageCheck: Sendable {
    let store: any ObjectStore
    let request: ValidationRequest

    /// Delivery may lag: a digest is due one hour after its window ends.
    static let grace: Int64 = 3600

    private var location: TrailLocation { request.location }

    /// When the digest that covers a log delivered at `delivered` is due at the latest: its
    /// window ends within the hour after delivery, and delivery may lag by the grace.
    private func digestDue(forLogAt delivered: Timestamp) -> Timestamp { delivered.adding(seconds: 3600 + Self.grace) }

    /// A finding if the requested range reaches past the trail's newest digest (ending at
    /// `newest`) and the next digest is overdue by the clock. A trail that never had a digest is
    /// not truncated (nothing was found, which the caller reports).
    func tailTruncation(newest: Timestamp?) -> ValidationEvent? {
        guard let newest, newest < request.endTime else { return nil }
        let expected = newest.adding(seconds: 3600)
        guard request.now > expected.adding(seconds: Self.grace) else { return nil }
        let object = ObjectLocation(
            bucket: location.bucket,
            key: location.digestKey(trailName: request.trail.trailName, homeRegion: request.trail.homeRegion, endTime: expected))
        let finding = Finding(
            .tailTruncated,
            "not found: no digest covers \(newest) to \(request.endTime); the next digest was due by \(expected.adding(seconds: Self.grace)) (deleted, unless logging or log file validation was stopped at \(newest): then validate up to it with --end-time \(newest))",
            detail: "the chain's newest digests are missing; a trail whose logging was stopped looks the same from the bucket")
        return .digest(location: object, isBackfill: false, verdict: .invalid(finding))
    }

    /// The digest that should list the logs delivered in the hour from `hour`, reported missing.
    private func missingDigest(forLogsAt hour: Timestamp) -> ValidationEvent {
        let end = hour.adding(seconds: 3600)
        let object = ObjectLocation(
            bucket: location.bucket, key: location.digestKey(trailName: request.trail.trailName, homeRegion: request.trail.homeRegion, endTime: end))
        let finding = Finding(
            .missingDigest,
            "not found: no digest covers the log files delivered between \(hour) and \(end), and one was due by \(end.adding(seconds: Self.grace)) (deleted, unless log file validation was off then)",
            detail: "log files were delivered in this hour, yet no digest of the trail covers it")
        return .digest(location: object, isBackfill: false, verdict: .invalid(finding))
    }

    /// The objects valid digests list under a sealed prefix (``ValidationRequest/sealedPrefix``),
    /// each kept as its key after the prefix. (The trail's own log folder is tracked day by day
    /// by ``CoverageTracker``.)
    struct References {
        private let bucket: String
        private let prefix: String
        private var suffixes = Set<String>()

        init(bucket: String, prefix: String) {
            self.bucket = bucket
            self.prefix = prefix
        }

        mutating func insert(_ entries: [DigestFile.LogFileEntry]) {
            for entry in entries where entry.location.bucket == bucket {
                if let suffix = suffix(of: entry.location.key) { suffixes.insert(suffix) }
            }
        }

        /// Whether a key listed in the trail's bucket is listed by a valid digest.
        func contains(_ key: String) -> Bool { suffix(of: key).map(suffixes.contains) ?? false }

        private func suffix(of key: String) -> String? {
            guard ObjectLocation.hasBytePrefix(key, prefix) else { return nil }
            return String(decoding: key.utf8.dropFirst(prefix.utf8.count), as: UTF8.self)
        }
    }

    /// The objects under a sealed prefix (``ValidationRequest/sealedPrefix``) modified in the
    /// range that no valid digest lists, in key order. Modified after the newest valid digest's
    /// window: not sealed yet (UNVERIFIED). Within the late window before it: UNVERIFIED, a late
    /// arrival the next digest seals, or an insertion that none will. Older: INVALID, as no
    /// digest run could still seal it.
    func unsealedObjects(under prefix: String, referenced: References, newestValidEnd: Timestamp?, emit: (ValidationEvent) -> Void) async throws {
        let sealing = try LogSealing(prefix: prefix, lateWindow: request.lateWindow)
        let start = request.walkStart
        try await store.listObjects(bucket: location.bucket, prefix: prefix, startAfter: nil) { page in
            for object in page where sealing.isCandidate(object.key, location: location) && !referenced.contains(object.key) {
                let modified = object.lastModified
                guard modified >= start, modified <= request.endTime else { continue }
                let uri = ObjectLocation(bucket: location.bucket, key: object.key)
                guard let newestValidEnd, modified < newestValidEnd else {
                    let finding = Finding(
                        .noValidDigest,
                        "not sealed yet: modified at \(modified), after the newest valid digest"
                            + (newestValidEnd.map { " (its window ends at \($0))" } ?? ""))
                    emit(.log(location: uri, verdict: .unverified(finding)))
                    continue
                }
                if modified >= newestValidEnd.adding(seconds: -request.lateWindow) {
                    let finding = Finding(
                        .noValidDigest,
                        "not referenced by any digest: modified at \(modified), in an hour already sealed; a late arrival is sealed by the next digest, an insertion never is"
                    )
                    emit(.log(location: uri, verdict: .unverified(finding)))
                } else {
                    let finding = Finding(
                        .notReferenced, "not referenced by any digest",
                        detail:
                            "modified at \(modified), more than the late window (\(request.lateWindow / 3600) hours) before the newest valid digest ends (\(newestValidEnd)): no digest run seals it any more"
                    )
                    emit(.log(location: uri, verdict: .invalid(finding)))
                }
            }
        }
    }

    /// Starts listing the log folders of the range, newest day first, as the walk goes (see
    /// ``LogFolderListing`` and ``CoverageTracker``).
    func trackCoverage() -> CoverageTracker {
        CoverageTracker(
            location: location,
            listing: LogFolderListing(store: store, location: location, start: request.walkStart, end: request.endTime))
    }

    /// ``unlistedLogs(logKeys:validWindows:explained:newestDigestEnd:missingHours:)`` for the
    /// keys no valid digest lists, oldest day first; `emit` gets the events in order.
    func unlistedLogs(
        _ unlisted: [(day: Timestamp, keys: [String])], validWindows: TimeWindows, explained: TimeWindows, newestDigestEnd: Timestamp?,
        emit: (ValidationEvent) -> Void
    ) {
        var validWindows = validWindows
        var explained = explained
        var missingHours = Set<Timestamp>()
        for (_, keys) in unlisted {
            for event in unlistedLogs(
                logKeys: keys, validWindows: &validWindows, explained: &explained, newestDigestEnd: newestDigestEnd, missingHours: &missingHours)
            {
                emit(event)
            }
        }
    }

    /// Every log object delivered in the range that no valid digest lists: `not referenced` in
    /// an hour a valid digest covers; UNVERIFIED elsewhere, saying whether its digest is overdue
    /// or not yet due. An overdue hour that no digest of the walk explains (`explained`: the
    /// windows of digests found invalid, missing or unreadable, and a truncated tail) has lost
    /// its digest: it is reported INVALID `not found`, once per hour, before its logs.
    private func unlistedLogs(
        logKeys: [String], validWindows: inout TimeWindows, explained: inout TimeWindows, newestDigestEnd: Timestamp?,
        missingHours: inout Set<Timestamp>
    ) -> [ValidationEvent] {
        let start = request.walkStart
        var events: [ValidationEvent] = []
        for key in logKeys {
            let object = ObjectLocation(bucket: location.bucket, key: key)
            guard let delivered = location.logDeliveryTime(ofKey: key) else {
                let finding = Finding(
                    .notReferenced, "not referenced by any digest", detail: "not a CloudTrail log file name, in the trail's log folder")
                events.append(.log(location: object, verdict: .invalid(finding)))
                continue
            }
            guard delivered >= start, delivered <= request.endTime else { continue }
            if validWindows.contains(delivered) {
                let finding = Finding(
                    .notReferenced, "not referenced by any digest", detail: "delivered at \(delivered), an hour a valid digest covers")
                events.append(.log(location: object, verdict: .invalid(finding)))
                continue
            }
            let due = digestDue(forLogAt: delivered)
            if request.now > due, !explained.contains(delivered),
                missingHours.insert(delivered.hourFloor).inserted
            {
                events.append(missingDigest(forLogsAt: delivered.hourFloor))
            }
            let message: String
            if newestDigestEnd.map({ delivered < $0 }) ?? false {
                message = "no valid digest covers its delivery time \(delivered)"
            } else if request.now > due {
                message = "no valid digest covers its delivery time \(delivered): its digest is overdue (due by \(due))"
            } else {
                message = "no digest covers its delivery time \(delivered) yet: its digest is not yet due (due by \(due))"
            }
            events.append(.log(location: object, verdict: .unverified(Finding(.noValidDigest, message))))
        }
        return events
    }
}

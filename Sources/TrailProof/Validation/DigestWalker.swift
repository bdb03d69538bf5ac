/// Walks a trail's digest chain from the newest digest back, as aws-cli's `DigestTraverser`
/// does: list the digest keys of the range, follow `previousDigestS3Object` links, and on a
/// missing or invalid digest carry on with the next older listed key.
///
/// With ``ValidationRequest/CheckLevel/full`` it also checks every link against the newer
/// digest, reports every missing hour behind a missing link target, takes a signature the
/// chain vouches for when metadata is absent, and looks for the ``ChainAnchor``.
struct DigestWalker: Sendable {
    /// What the walk met, in order.
    enum Step: Sendable {
        /// A digest that passed every check.
        case valid(ValidDigest)
        /// An invalid, unverified or missing digest, or a gap.
        case event(ValidationEvent)
    }

    /// What became of the anchor during the walk.
    enum AnchorOutcome: Sendable {
        case notMet
        case reached
        case replaced(found: String)
    }

    struct Walk: Sendable {
        var anchor: AnchorOutcome = .notMet
    }

    let store: any ObjectStore
    let request: ValidationRequest
    let publicKeys: PublicKeyList
    /// The chain's digest folder in the trail's bucket, listed once for both passes.
    let listing: DigestListing

    private var location: TrailLocation { request.location }
    private var loader: DigestLoader {
        DigestLoader(
            publicKeys: publicKeys, location: location, trailName: request.trail.trailName, homeRegion: request.trail.homeRegion,
            level: request.checks, signatures: request.signatures)
    }
    private var full: Bool { request.checks == .full }

    /// One traversal, of standard digests or of backfill digests, handing each step to `onStep`
    /// as soon as it is known (so that a valid digest's logs can be verified while the walk goes on).
    func walk(backfill: Bool, onStep: (Step) async -> Void) async throws -> Walk {
        let walkStart = request.walkStart
        var bucket = location.bucket
        var listed = try await listDigestKeys(bucket: bucket, end: request.endTime, backfill: backfill)
        var prefetcher = prefetcher(for: listed, bucket: bucket)
        let loader = self.loader
        defer { Task { [prefetcher] in await prefetcher.cancelAll() } }
        var everyListed = listed.map { ObjectLocation(bucket: bucket, key: $0.key) }
        var keys: [String: PublicKeyEntry] = [:]
        if !backfill {
            let keysEnd = request.endTime.adding(seconds: 2 * 3600)
            keys = publicKeys.keysOverlapping(start: walkStart, end: keysEnd)
            guard !keys.isEmpty else {
                throw TrailProofError(.noPublicKeys, "No public keys found between \(walkStart) and \(keysEnd)")
            }
        }
        var walk = Walk()
        var visited = Set<ObjectLocation>()
        var current = Self.popLast(&listed, before: nil)
        var lastStart = current?.end ?? walkStart
        var newer: ValidDigest?  // the valid digest whose link led here, if a link did
        var vouching: DigestFile.PreviousDigest?  // the link that led here, from any digest that could be parsed
        walkLoop: while let (key, keyEnd) = current, walkStart <= lastStart {
            let object = ObjectLocation(bucket: bucket, key: key)
            visited.insert(object)
            let fetched = await prefetcher.object(object)
            let loaded = loader.load(object, fetched: fetched, keys: &keys, backfill: backfill, newer: newer, vouching: vouching)
            switch loaded.result {
            case .success(let valid):
                if !backfill, let anchor = request.anchor, anchor.location == object {
                    if valid.sha256 == anchor.sha256 && valid.signature == anchor.signature.lowercased() {
                        walk.anchor = .reached
                        if request.onlyNew {
                            everyListed.removeAll { TrailLocation.digestEndTime(ofAnyTrailKey: $0.key).map { $0 <= anchor.endTime } ?? false }
                            break walkLoop
                        }
                    } else {
                        walk.anchor = .replaced(found: valid.sha256)
                        await onStep(
                            .event(.digest(location: object, isBackfill: backfill, verdict: .invalid(anchorReplaced(anchor, found: valid)))))
                        newer = nil
                        vouching = nil
                        current = Self.popLast(&listed, before: key, fallback: lastStart)
                        continue
                    }
                }
                lastStart = valid.digest.startTime
                await onStep(.valid(valid))
                if let previous = valid.digest.previous {
                    current = (previous.location.key, TrailLocation.digestEndTime(ofAnyTrailKey: previous.location.key))
                    newer = valid
                    vouching = previous
                    if previous.location.bucket != bucket {
                        bucket = previous.location.bucket
                        listed = try await listDigestKeys(bucket: bucket, end: valid.digest.endTime, backfill: backfill)
                        await prefetcher.cancelAll()
                        prefetcher = self.prefetcher(for: listed, bucket: bucket)
                        everyListed += listed.map { ObjectLocation(bucket: bucket, key: $0.key) }
                    }
                } else {
                    newer = nil
                    vouching = nil
                    current = Self.popLast(&listed, before: key, fallback: lastStart)
                    if let next = current {
                        await onStep(.event(.gap(from: next.end!, to: lastStart, isBackfill: backfill)))
                    }
                }
            case .failure(let verdict):
                await onStep(.event(.digest(location: object, isBackfill: backfill, verdict: verdict)))
                current = Self.popLast(&listed, before: key, fallback: lastStart)
                if full, newer != nil, verdict.finding?.code == .notFound, let keyEnd {
                    for step in missingHours(before: keyEnd, after: current?.end, walkStart: walkStart, bucket: bucket, backfill: backfill) {
                        await onStep(step)
                    }
                }
                newer = nil
                // The older digest is verified with this one's link if the link names it.
                vouching = loaded.body?.previous.flatMap { link in current.map { $0.0 } == link.location.key ? link : nil }
            }
        }
        if full {
            for object in everyListed where !visited.contains(object) {
                await onStep(.event(.digest(location: object, isBackfill: backfill, verdict: .invalid(offChain(object)))))
            }
        }
        return walk
    }

    /// Fetches the listed digests ahead of the walk, newest first, as many at once as the store prefers.
    private func prefetcher(for listed: [ListedKey], bucket: String) -> DigestPrefetcher {
        DigestPrefetcher(
            store: store, keys: listed.reversed().map { ObjectLocation(bucket: bucket, key: $0.key) },
            window: request.concurrency(on: store))
    }

    private func offChain(_ object: ObjectLocation) -> Finding {
        Finding(
            .offChain, "not on the chain: no digest links to it and the walk back passed its time",
            detail: "a fork or a second digest for an hour the chain already covers; only a holder of the signing key can make one that verifies")
    }

    /// The hourly digests that must also be missing between a missing link target (ending at
    /// `missingEnd`) and the next older digest found (ending at `olderEnd`), each reported.
    private func missingHours(before missingEnd: Timestamp, after olderEnd: Timestamp?, walkStart: Timestamp, bucket: String, backfill: Bool)
        -> [Step]
    {
        var steps: [Step] = []
        var end = missingEnd.adding(seconds: -3600)
        // Half an hour of slack: CloudTrail's windows are hourly but not aligned to the second.
        while end >= walkStart, olderEnd.map({ end > $0.adding(seconds: 1800) }) ?? true {
            let key = location.digestKey(trailName: request.trail.trailName, homeRegion: request.trail.homeRegion, endTime: end)
            let finding = Finding(
                .missingDigest, "not found",
                detail:
                    "the hourly digest ending about \(end) is missing: the chain links past it and no older digest ends after \(olderEnd?.description ?? "the range start")"
            )
            steps.append(.event(.digest(location: ObjectLocation(bucket: bucket, key: key), isBackfill: backfill, verdict: .invalid(finding))))
            end = end.adding(seconds: -3600)
        }
        return steps
    }

    private func anchorReplaced(_ anchor: ChainAnchor, found: ValidDigest) -> Finding {
        Finding(
            .anchorMismatch,
            "differs from the digest recorded by an earlier run (state file: SHA-256 \(anchor.sha256), found: SHA-256 \(found.sha256))",
            detail: "a rewritten past or a fork: both are signed, only one was vouched for before")
    }

    // MARK: Listing

    private struct ListedKey {
        let key: String
        let end: Timestamp
    }

    /// The trail's digest keys whose end time is in `start … end + 1 hour`, in key order,
    /// listed from aws-cli's marker (the key the trail would have one minute before start).
    private func listDigestKeys(bucket: String, end: Timestamp, backfill: Bool) async throws -> [ListedKey] {
        let start = request.walkStart
        let marker = location.digestKey(trailName: request.trail.trailName, homeRegion: request.trail.homeRegion, endTime: start.adding(seconds: -60))
        // A link into another bucket (rare) has that bucket listed on demand.
        let allKeys =
            bucket == listing.bucket
            ? listing.keys(after: marker)
            : try await store.listKeys(bucket: bucket, prefix: location.digestPrefix, startAfter: marker)[...]
        let targetStart = start.compactSeconds
        let targetEnd = end.adding(seconds: 3600).compactSeconds
        var result: [ListedKey] = []
        for key in allKeys {
            guard let parsed = location.digestEndTime(ofKey: key, trailName: request.trail.trailName, homeRegion: request.trail.homeRegion)
            else { continue }
            // aws-cli compares the key's time text; the texts sort as the times do.
            let text = parsed.end.compactSeconds
            if text > targetEnd { break }
            if text < targetStart || parsed.backfill != backfill { continue }
            result.append(ListedKey(key: key, end: parsed.end))
        }
        return result
    }

    /// Removes and returns the last listed key, or (with `before`) the last one whose time is
    /// earlier than `before`'s, dropping newer ones on the way, as aws-cli's `_get_last_digest`.
    private static func popLast(_ listed: inout [ListedKey], before: String?, fallback: Timestamp? = nil) -> (String, end: Timestamp?)? {
        guard let before else {
            guard let last = listed.popLast() else { return nil }
            return (last.key, last.end)
        }
        // A link that is not a digest key name has no time; the chain position stands in.
        let beforeTime = TrailLocation.digestEndTime(ofAnyTrailKey: before) ?? fallback!.adding(seconds: 1)
        while let last = listed.popLast() {
            if last.end < beforeTime { return (last.key, last.end) }
        }
        return nil
    }
}

extension Verdict: Error {}

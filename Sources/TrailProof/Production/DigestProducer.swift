/// Writes the hourly digest files of one trail, as CloudTrail does: each lists the SHA-256 of
/// every log delivered in its hour, links to the previous digest, and is signed SHA256withRSA
/// with the keyring key valid at its end time; the signature goes in the object's metadata.
public struct DigestProducer: Sendable {
    public let store: any ObjectStore
    public let location: TrailLocation
    public let trailName: String
    public let homeRegion: String
    public let keyring: Keyring
    /// Where the current chain begins (the trail's latest start of logging): a newest digest
    /// that ends before it belongs to an older chain, and the next digest starts a new chain
    /// at this time. Nil: chains are continued, or started with `restart`.
    public let chainStart: Timestamp?
    /// Seal the objects other shippers deliver under a prefix instead of the trail's own log
    /// files (``LogSealing``); nil: the trail's log folder, by the delivery time in each key.
    public let sealing: LogSealing?

    /// Length of one digest window.
    public static let window: Int64 = 3600

    public init(
        store: any ObjectStore, location: TrailLocation, trailName: String, homeRegion: String, keyring: Keyring, chainStart: Timestamp? = nil,
        sealing: LogSealing? = nil
    ) throws {
        try TrailLocation.validateTrailName(trailName)
        guard TrailLocation.isRegionName(homeRegion) else {
            throw TrailProofError(.invalidArgument, "invalid home region \"\(homeRegion)\"")
        }
        self.store = store
        self.location = location
        self.trailName = trailName
        self.homeRegion = homeRegion
        self.keyring = keyring
        self.chainStart = chainStart
        self.sealing = sealing
    }

    /// Writes every missing hourly digest whose window ends at or before `until`, and returns
    /// them oldest first. Re-running writes nothing new. With `restart`, the next digest starts
    /// a new chain (all `previousDigest*` null), as after logging was stopped; it begins at the
    /// hour of the first log delivered since the last digest, or at the last whole hour. With
    /// `final` (logging stops at `until`), a last, shorter digest covers up to `until` itself,
    /// as CloudTrail's final digest does.
    @discardableResult
    public func run(until: Timestamp, restart: Bool = false, final: Bool = false) async throws -> [ObjectLocation] {
        let digestKeys = try await listDigestKeys()
        let newestKey = digestKeys.max { $0.end < $1.end }
        var previous: DigestFile.PreviousDigest?
        var start: Timestamp
        // Only a digest the chain goes on from is loaded and verified: a new chain needs no link.
        let continues = newestKey.map { newest in !restart && chainStart.map { newest.end >= $0 } ?? true } ?? false
        var sealingRun: SealingRun?
        if let sealing {
            // Continuing: the late window before the chain's end, and what its digests list. A new
            // chain: from its start (or everything, for the first chain).
            let lowerBound = continues ? newestKey!.end.adding(seconds: -sealing.lateWindow) : chainStart
            let candidates = try await sealing.candidates(store: store, location: location, lowerBound: lowerBound, until: until)
            let sealed = continues ? try await keysListed(by: digestKeys, endingAfter: lowerBound!) : []
            sealingRun = SealingRun(candidates: candidates, alreadySealed: sealed, lateFrom: continues ? lowerBound : nil)
        }
        if let newestKey, continues {
            let newest = try await verifiedDigest(newestKey.key)
            previous = newest.link
            start = newest.digest.endTime
        } else if let chainStart {
            start = max(chainStart, newestKey?.end ?? chainStart)
        } else {
            let after = newestKey?.end
            let first: Timestamp?
            if let sealingRun {
                first = sealingRun.candidates.map(\.lastModified).filter { modified in after.map { modified >= $0 } ?? true }.min()
            } else {
                first = try await firstLogTime(atOrAfter: after, before: until)
            }
            if let firstLog = first {
                start = firstLog.hourFloor
                if let after, start < after { start = after }
            } else {
                start = until.hourFloor.adding(seconds: -Self.window)
                if let after, start < after { start = after }
            }
        }
        var written: [ObjectLocation] = []
        while start < until, start.adding(seconds: Self.window) <= until || final {
            let end = min(start.adding(seconds: Self.window), until)
            let entries: [DigestFile.LogFileEntry]
            if let sealingRun {
                entries = try await sealingRun.entries(from: start, to: end, producer: self)
            } else {
                entries = try await logEntries(from: start, to: end)
            }
            sealingRun?.lateFrom = nil  // late arrivals go into the first digest of the run only
            let (object, link) = try await writeDigest(start: start, end: end, entries: entries, previous: previous)
            written.append(object)
            previous = link
            start = end
        }
        return written
    }

    private struct ChainHead {
        let digest: DigestFile
        let link: DigestFile.PreviousDigest
    }

    /// The keys and end times of this trail's standard digests.
    private func listDigestKeys() async throws -> [(end: Timestamp, key: String)] {
        let keys = try await store.listKeys(bucket: location.bucket, prefix: location.digestPrefix, startAfter: nil)
        return keys.compactMap { key -> (end: Timestamp, key: String)? in
            guard let parsed = location.digestEndTime(ofKey: key, trailName: trailName, homeRegion: homeRegion), !parsed.backfill
            else { return nil }
            return (parsed.end, key)
        }
    }

    /// The keys (in this trail's bucket) that the digests ending after `time` list: what the
    /// late window has sealed already. Read for membership only; the chain's newest digest is
    /// verified before the chain is extended.
    private func keysListed(by digests: [(end: Timestamp, key: String)], endingAfter time: Timestamp) async throws -> Set<String> {
        var keys = Set<String>()
        for digest in digests where digest.end > time {
            let stored = try await store.getObject(ObjectLocation(bucket: location.bucket, key: digest.key), maxBytes: DigestFile.maximumSize)
            let file = try DigestFile(parsing: try GzipInflater.decompressWhole(stored.bytes, maxOutput: DigestFile.maximumSize))
            for entry in file.logFiles where entry.location.bucket == location.bucket { keys.insert(entry.location.key) }
        }
        return keys
    }

    /// A sealing run's objects, placed window by window.
    private struct SealingRun {
        let candidates: [LogSealing.Candidate]
        let alreadySealed: Set<String>
        /// Objects modified from here up to the first window are late arrivals for it.
        var lateFrom: Timestamp?

        func entries(from start: Timestamp, to end: Timestamp, producer: DigestProducer) async throws -> [DigestFile.LogFileEntry] {
            var entries: [DigestFile.LogFileEntry] = []
            var notGzip: [String] = []
            for candidate in candidates {
                let time = candidate.lastModified
                let inWindow = time >= start && time < end
                let late = lateFrom.map { time >= $0 && time < start } ?? false
                guard inWindow || (late && !alreadySealed.contains(candidate.key)) else { continue }
                let object = ObjectLocation(bucket: producer.location.bucket, key: candidate.key)
                do {
                    entries.append(try await producer.sealedEntry(for: object, lastModified: time))
                } catch let error as GzipInflater.FormatError {
                    notGzip.append("\(object.uri) (\(error.reason))")
                }
            }
            if let sealing = producer.sealing, sealing.skipNonGzip {
                for object in notGzip { sealing.onSkipped(object) }
            } else if !notGzip.isEmpty {
                throw TrailProofError(
                    .invalidInput,
                    "refusing to seal the hour \(start) to \(end): not gzip (only gzip log objects are sealed; --skip-non-gzip leaves them out): "
                        + notGzip.prefix(20).joined(separator: ", ") + (notGzip.count > 20 ? " and \(notGzip.count - 20) more" : ""))
            }
            return entries
        }
    }

    /// The digest entry of an object sealed as it is: gunzip and SHA-256 in one streaming pass;
    /// its event times are its last-modified time (its records are not CloudTrail's).
    fileprivate func sealedEntry(for object: ObjectLocation, lastModified: Timestamp) async throws -> DigestFile.LogFileEntry {
        let inflater = GzipInflater()
        let hasher = MessageDigest(.sha256)
        try await store.readObject(object) { chunk in
            try inflater.feed(chunk) { hasher.update($0) }
        }
        guard inflater.finish() == .complete else { throw GzipInflater.FormatError(reason: "not a single complete gzip stream") }
        return DigestFile.LogFileEntry(
            location: object, hashValue: Hex.encode(hasher.finish()), newestEventTime: lastModified.iso8601, oldestEventTime: lastModified.iso8601)
    }

    /// The digest at `key`, after checking that its signature is good: a chain is never
    /// extended from a digest that does not verify.
    private func verifiedDigest(_ key: String) async throws -> ChainHead {
        let object = ObjectLocation(bucket: location.bucket, key: key)
        let stored = try await store.getObject(object, maxBytes: DigestFile.maximumSize)
        func refuse(_ why: String) -> TrailProofError {
            TrailProofError(
                .invalidInput,
                "refusing to extend the chain from \(object.uri): \(why). Validate the trail, then start a new chain with --restart if it cannot be repaired"
            )
        }
        // The same load and checks as validate-logs' (aws-cli's), with the keyring's keys.
        let publicKeys = keyring.publicKeyList
        let loader = DigestLoader(publicKeys: publicKeys, location: location, trailName: trailName, homeRegion: homeRegion, level: .awsCLI)
        var published = Dictionary(publicKeys.entries.map { ($0.fingerprint, $0) }) { _, later in later }
        let loaded = loader.load(object, fetched: .success(stored), keys: &published, backfill: false, newer: nil, vouching: nil)
        guard case .success(let valid) = loaded.result else {
            var finding: Finding?
            if case .failure(let verdict) = loaded.result { finding = verdict.finding }
            throw refuse("it does not verify: \(finding.map { $0.message + ($0.detail.map { " (\($0))" } ?? "") } ?? "unknown")")
        }
        let digest = valid.digest
        let link = DigestFile.PreviousDigest(location: object, hashValue: valid.sha256, signature: valid.signature)
        return ChainHead(digest: digest, link: link)
    }

    /// The delivery time of the earliest log in `[after, before)`.
    private func firstLogTime(atOrAfter after: Timestamp?, before: Timestamp) async throws -> Timestamp? {
        let keys = try await store.listKeys(bucket: location.bucket, prefix: location.logPrefix, startAfter: nil)
        return keys.compactMap(location.logDeliveryTime(ofKey:)).filter { time in
            (after.map { time >= $0 } ?? true) && time < before
        }.min()
    }

    private func writeDigest(start: Timestamp, end: Timestamp, entries: [DigestFile.LogFileEntry], previous: DigestFile.PreviousDigest?) async throws
        -> (ObjectLocation, DigestFile.PreviousDigest)
    {
        let (signingKey, privateKey) = try keyring.signingKey(region: homeRegion, at: end)
        let object = ObjectLocation(
            bucket: location.bucket, key: location.digestKey(trailName: trailName, homeRegion: homeRegion, endTime: end))
        let eventTimes = Self.eventTimeRange(of: entries)
        let digest = DigestFile(
            awsAccountID: location.accountID, startTime: start, endTime: end, location: object,
            publicKeyFingerprint: signingKey.fingerprint, newestEventTime: eventTimes?.newest,
            oldestEventTime: eventTimes?.oldest,
            previous: previous, logFiles: entries)
        let uncompressed = digest.serialized()
        let signatureHex = Hex.encode(try digest.signature(over: uncompressed, with: privateKey))
        try await store.putObject(
            object, bytes: try Gzip.compress(uncompressed),
            metadata: ["signature": signatureHex, "signature-algorithm": "SHA256withRSA"], overwrite: false)
        return (object, DigestFile.PreviousDigest(location: object, hashValue: MessageDigest.sha256Hex(uncompressed), signature: signatureHex))
    }

    /// The newest and oldest event time over all entries; nil when there are none.
    static func eventTimeRange(of entries: [DigestFile.LogFileEntry]) -> (newest: String, oldest: String)? {
        // Entries were made from checked documents, so their times parse.
        let newest = entries.max { Timestamp(strictDigestForm: $0.newestEventTime)! < Timestamp(strictDigestForm: $1.newestEventTime)! }
        let oldest = entries.min { Timestamp(strictDigestForm: $0.oldestEventTime)! < Timestamp(strictDigestForm: $1.oldestEventTime)! }
        guard let newest, let oldest else { return nil }
        return (newest.newestEventTime, oldest.oldestEventTime)
    }

    /// The digest entries of the logs delivered in `[start, end)`, in key order.
    private func logEntries(from start: Timestamp, to end: Timestamp) async throws -> [DigestFile.LogFileEntry] {
        var folders = [start.datePath]
        if end.adding(seconds: -1).datePath != start.datePath { folders.append(end.adding(seconds: -1).datePath) }
        var entries: [DigestFile.LogFileEntry] = []
        for folder in folders {
            let keys = try await store.listKeys(bucket: location.bucket, prefix: location.logPrefix + folder + "/", startAfter: nil)
            for key in keys {
                guard let delivered = location.logDeliveryTime(ofKey: key), delivered >= start, delivered < end else { continue }
                entries.append(try await entry(for: ObjectLocation(bucket: location.bucket, key: key)))
            }
        }
        return entries
    }

    /// The digest entry of one log file, read as a stream: gunzip, SHA-256 and the event
    /// times in one pass, in constant memory whatever the file holds.
    private func entry(for object: ObjectLocation) async throws -> DigestFile.LogFileEntry {
        let inflater = GzipInflater()
        let hasher = MessageDigest(.sha256)
        let scanner = LogRecordScanner()
        var times = LogDocument.EventTimes(source: "log file \(object.uri)")
        func refuse(_ why: String) -> TrailProofError {
            TrailProofError(.invalidInput, "log file \(object.uri) \(why); refusing to sign it")
        }
        do {
            try await store.readObject(object) { chunk in
                try inflater.feed(chunk) { inflated in
                    hasher.update(inflated)
                    try scanner.feed(inflated) { try times.add($0) }
                }
            }
            guard inflater.finish() == .complete else { throw refuse("is not a single complete gzip stream") }
            try scanner.finish()
        } catch let error as GzipInflater.FormatError {
            throw refuse("is not gzip (\(error.reason))")
        } catch let failure as LogRecordScanner.Failure {
            throw times.refusal(failure.reason)
        }
        let range = try times.range()
        return DigestFile.LogFileEntry(
            location: object, hashValue: Hex.encode(hasher.finish()), newestEventTime: range.newest, oldestEventTime: range.oldest)
    }
}

/// Writes the hourly digest files of one trail, as CloudTrail does: each lists the SHA-256 of
/// every log delivered in its hour, links to the previous digest, and is signed SHA256withRSA
/// with the keyring key valid at its end time; the signature goes in the object's metadata.
public struct DigestProducer: Sendable {
    public let store: any ObjectStore
    public let location: TrailLocation
    public let trailName: String
    public let homeRegion: String
    public let keyring: Keyring

    /// Length of one digest window.
    public static let window: Int64 = 3600

    public init(store: any ObjectStore, location: TrailLocation, trailName: String, homeRegion: String, keyring: Keyring) throws {
        try TrailLocation.validateTrailName(trailName)
        guard TrailLocation.isRegionName(homeRegion) else {
            throw TrailProofError(.invalidArgument, "invalid home region \"\(homeRegion)\"")
        }
        self.store = store
        self.location = location
        self.trailName = trailName
        self.homeRegion = homeRegion
        self.keyring = keyring
    }

    /// Writes every missing hourly digest whose window ends at or before `until`, and returns
    /// them oldest first. Re-running writes nothing new. With `restart`, the next digest starts
    /// a new chain (all `previousDigest*` null), as after logging was stopped; it begins at the
    /// hour of the first log delivered since the last digest, or at the last whole hour.
    @discardableResult
    public func run(until: Timestamp, restart: Bool = false) async throws -> [ObjectLocation] {
        let newest = try await newestDigest()
        var previous: DigestFile.PreviousDigest?
        var start: Timestamp
        if let newest, !restart {
            previous = newest.link
            start = newest.digest.endTime
        } else {
            let after = newest?.digest.endTime
            if let firstLog = try await firstLogTime(atOrAfter: after, before: until) {
                start = firstLog.hourFloor
                if let after, start < after { start = after }
            } else {
                start = until.hourFloor.adding(seconds: -Self.window)
                if let after, start < after { start = after }
            }
        }
        var written: [ObjectLocation] = []
        while start.adding(seconds: Self.window) <= until {
            let end = start.adding(seconds: Self.window)
            let (object, link) = try await writeDigest(start: start, end: end, previous: previous)
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

    /// The newest digest of this trail, after checking that its signature is good: a chain is
    /// never extended from a digest that does not verify.
    private func newestDigest() async throws -> ChainHead? {
        let keys = try await store.listKeys(bucket: location.bucket, prefix: location.digestPrefix, startAfter: nil)
        let newestKey = keys.compactMap { key -> (Timestamp, String)? in
            guard let parsed = location.digestEndTime(ofKey: key, trailName: trailName, homeRegion: homeRegion), !parsed.backfill
            else { return nil }
            return (parsed.end, key)
        }.max { $0.0 < $1.0 }
        guard let newestKey else { return nil }
        let object = ObjectLocation(bucket: location.bucket, key: newestKey.1)
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

    private func writeDigest(start: Timestamp, end: Timestamp, previous: DigestFile.PreviousDigest?) async throws
        -> (ObjectLocation, DigestFile.PreviousDigest)
    {
        let entries = try await logEntries(from: start, to: end)
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

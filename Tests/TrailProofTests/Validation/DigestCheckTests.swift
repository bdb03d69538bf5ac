import Foundation
import Testing

@testable import TrailProof

/// Each check of a digest, the loader and the listing, in process (no command, an in-memory store).
@Suite("Digest checks, loader and listing")
struct DigestCheckTests {
    static let location = try! TrailLocation(bucket: "bkt", prefix: nil, organizationID: nil, accountID: "111122223333", region: "us-east-1")
    static let end = Timestamp(year: 2026, month: 1, day: 1, hour: 2)

    static func digest(end: Timestamp = end, account: String = "111122223333", previous: DigestFile.PreviousDigest? = nil) -> DigestFile {
        DigestFile(
            awsAccountID: account, startTime: end.adding(seconds: -3600), endTime: end,
            location: ObjectLocation(bucket: "bkt", key: location.digestKey(trailName: "trail-x", homeRegion: "us-east-1", endTime: end)),
            publicKeyFingerprint: "f", newestEventTime: nil, oldestEventTime: nil, previous: previous, logFiles: [])
    }

    static func valid(_ digest: DigestFile, at key: String? = nil, sha256: String = String(repeating: "a", count: 64), signature: String = "ab")
        -> ValidDigest
    {
        ValidDigest(
            location: key.map { ObjectLocation(bucket: "bkt", key: $0) } ?? digest.location, digest: digest, isBackfill: false, sha256: sha256,
            signature: signature)
    }

    static let key = PublicKeyEntry(
        der: [1], validityStart: Timestamp(year: 2025, month: 1, day: 1), validityEnd: Timestamp(year: 2027, month: 1, day: 1), fingerprint: "f")

    func context(newer: ValidDigest? = nil, key: PublicKeyEntry = key) -> DigestCheckContext {
        DigestCheckContext(location: Self.location, trailName: "trail-x", homeRegion: "us-east-1", signingKey: key, newer: newer)
    }

    @Test("The levels: aws-cli adds no check, full adds five")
    func levels() {
        #expect(DigestChecks.checks(for: .awsCLI).isEmpty)
        #expect(DigestChecks.checks(for: .full).count == 5)
    }

    @Test("Name and time: the name's time and date folder must be digestEndTime's")
    func nameTime() {
        let good = Self.valid(Self.digest())
        #expect(NameTimeCheck().problem(with: good, in: context()) == nil)
        let otherTime = Self.valid(Self.digest(end: Self.end.adding(seconds: 30)), at: good.location.key)
        #expect(NameTimeCheck().problem(with: otherTime, in: context())?.code == .keyTimeMismatch)
        let otherFolder = Self.valid(Self.digest(), at: good.location.key.replacingOccurrences(of: "/2026/01/01/", with: "/2026/01/02/"))
        #expect(NameTimeCheck().problem(with: otherFolder, in: context())?.message.contains("folder 2026/01/02") == true)
        // The folder is the last three non-empty segments before the name, as aws-cli splits keys.
        let doubledSlash = Self.valid(Self.digest(), at: good.location.key.replacingOccurrences(of: "/2026/01/01/", with: "/2026/01//01/"))
        #expect(NameTimeCheck().problem(with: doubledSlash, in: context()) == nil)
        let glued = Self.valid(Self.digest(), at: good.location.key.replacingOccurrences(of: "/2026/01/01/", with: "/x2026/01/01/"))
        #expect(NameTimeCheck().problem(with: glued, in: context())?.message.contains("folder x2026/01/01") == true)
    }

    @Test("Signing key validity: a key published as expired at digestEndTime fails")
    func keyValidity() {
        let good = Self.valid(Self.digest())
        #expect(SigningKeyValidityCheck().problem(with: good, in: context()) == nil)
        let expired = PublicKeyEntry(
            der: [1], validityStart: Timestamp(year: 2025, month: 1, day: 1), validityEnd: Self.end.adding(seconds: -1), fingerprint: "f")
        #expect(SigningKeyValidityCheck().problem(with: good, in: context(key: expired))?.code == .keyOutsideValidity)
    }

    @Test("Hash algorithms: SHA-256 only, for the link and every log")
    func hashAlgorithms() {
        var digest = Self.digest(
            previous: .init(location: ObjectLocation(bucket: "bkt", key: "k"), hashValue: "00", hashAlgorithm: "MD5", signature: "ab"))
        #expect(HashAlgorithmCheck().problem(with: Self.valid(digest), in: context())?.message == "unsupported previousDigestHashAlgorithm \"MD5\"")
        digest.previous = nil
        digest.logFiles = [
            .init(
                location: ObjectLocation(bucket: "bkt", key: "l"), hashValue: "00", hashAlgorithm: "SHA-1", newestEventTime: "x", oldestEventTime: "x"
            )
        ]
        #expect(HashAlgorithmCheck().problem(with: Self.valid(digest), in: context())?.code == .unsupportedAlgorithm)
        digest.logFiles = []
        #expect(HashAlgorithmCheck().problem(with: Self.valid(digest), in: context()) == nil)
    }

    @Test("Account: the body's account is the folder's")
    func account() {
        #expect(AccountCheck().problem(with: Self.valid(Self.digest()), in: context()) == nil)
        #expect(AccountCheck().problem(with: Self.valid(Self.digest(account: "999999999999")), in: context())?.code == .chainMismatch)
    }

    @Test("Chain link: hash, signature, contiguity and trail are those the newer digest's link records")
    func chainLink() {
        let older = Self.valid(Self.digest(), sha256: String(repeating: "b", count: 64), signature: "cd")
        func newer(hash: String = String(repeating: "b", count: 64), signature: String = "CD", start: Timestamp = Self.end) -> ValidDigest {
            var digest = Self.digest(
                end: Self.end.adding(seconds: 3600), previous: .init(location: older.location, hashValue: hash, signature: signature))
            digest.startTime = start
            return Self.valid(digest)
        }
        #expect(ChainLinkCheck().problem(with: older, in: context(newer: newer())) == nil)
        #expect(ChainLinkCheck().problem(with: older, in: context()) == nil, "no link, nothing to check")
        #expect(
            ChainLinkCheck().problem(with: older, in: context(newer: newer(hash: String(repeating: "c", count: 64))))?.code == .previousHashMismatch)
        #expect(ChainLinkCheck().problem(with: older, in: context(newer: newer(signature: "ce")))?.code == .previousSignatureMismatch)
        #expect(ChainLinkCheck().problem(with: older, in: context(newer: newer(start: Self.end.adding(seconds: 60))))?.code == .windowNotContiguous)
        let elsewhere = Self.valid(Self.digest(), at: "other/key.json.gz", sha256: String(repeating: "b", count: 64), signature: "cd")
        #expect(ChainLinkCheck().problem(with: elsewhere, in: context(newer: newer()))?.code == .chainMismatch)
    }

    @Test("The loader: signed digest valid; no metadata is signature failure (aws-cli) or unverified (full) unless a link vouches; moved; too large")
    func loader() async throws {
        let store = InMemoryStore()
        let keys = try SignedDigests.testPublicKeys
        let digest = Self.digest()
        let signature = try await SignedDigests.put(digest, into: store)
        var published = Dictionary(keys.entries.map { ($0.fingerprint, $0) }) { _, later in later }
        func load(_ level: ValidationRequest.CheckLevel, at object: ObjectLocation = digest.location, vouching: DigestFile.PreviousDigest? = nil)
            async -> DigestLoader.Loaded
        {
            let loader = DigestLoader(publicKeys: keys, location: Self.location, trailName: "trail-x", homeRegion: "us-east-1", level: level)
            let fetched: Result<StoredObject, any Error>
            do { fetched = .success(try await store.getObject(object, maxBytes: DigestFile.maximumSize)) } catch { fetched = .failure(error) }
            return loader.load(object, fetched: fetched, keys: &published, backfill: false, newer: nil, vouching: vouching)
        }
        guard case .success(let valid) = await load(.full).result else { Issue.record("a signed digest must load"); return }
        #expect(valid.signature == signature)
        let stored = try await store.getObject(digest.location)
        try await store.putObject(digest.location, bytes: stored.bytes, metadata: [:], overwrite: true)
        #expect((await load(.awsCLI)).result.failure?.finding?.code == .signatureVerificationFailed)
        #expect((await load(.full)).result.failure.map { if case .unverified = $0 { true } else { false } } == true)
        let link = DigestFile.PreviousDigest(location: digest.location, hashValue: valid.sha256, signature: signature)
        guard case .success = await load(.full, vouching: link).result else { Issue.record("a link's signature vouches for the digest"); return }
        let copy = ObjectLocation(bucket: "bkt", key: "copies/digest.json.gz")
        try await store.putObject(copy, bytes: stored.bytes, metadata: stored.metadata, overwrite: false)
        #expect((await load(.awsCLI, at: copy)).result.failure?.finding?.code == .moved)
        try await store.putObject(
            digest.location, bytes: try Gzip.compress([UInt8](repeating: 0x20, count: DigestFile.maximumSize + 1)), metadata: stored.metadata,
            overwrite: true)
        #expect((await load(.awsCLI)).result.failure?.finding?.detail?.contains("inflates to more than") == true)
    }

    @Test("The listing: keys after a marker are exactly what a listing from that marker returns")
    func listing() async throws {
        let store = InMemoryStore()
        var keys: [String] = []
        for hour in 0..<50 {
            let key = Self.location.digestKey(trailName: "trail-x", homeRegion: "us-east-1", endTime: Self.end.adding(seconds: Int64(hour) * 3600))
            keys.append(key)
            try await store.putObject(ObjectLocation(bucket: "bkt", key: key), bytes: [1], metadata: [:], overwrite: false)
        }
        let listing = try await DigestListing.list(store: store, bucket: "bkt", location: Self.location)
        #expect(listing.keys.count == 50)
        for marker in keys.shuffled().prefix(10) + ["", "AWSLogs/", "zzz", keys[3] + "a"] {
            let expected = try await store.listKeys(bucket: "bkt", prefix: Self.location.digestPrefix, startAfter: marker)
            #expect(Array(listing.keys(after: marker)) == expected, "\(marker)")
        }
        #expect(
            listing.newestStandardEnd(location: Self.location, trail: try TrailARN("arn:aws:cloudtrail:us-east-1:111122223333:trail/trail-x"))
                == Self.end.adding(seconds: 49 * 3600))
    }
}

extension Result {
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}

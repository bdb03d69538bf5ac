import Foundation
import Testing

@testable import TrailProof

@Suite("Delivering logs and writing digests")
struct ProductionTests {
    struct Fixture {
        let folder: URL
        let store: LocalStore
        let keyring: Keyring
        let location: TrailLocation

        init() throws {
            folder = try TestEnvironment.temporaryFolder("production")
            store = try LocalStore.create(root: folder.appendingPathComponent("store").path)
            var keyring = try Keyring(directory: folder.appendingPathComponent("keyring").path)
            try keyring.generate(region: "us-east-1", validFrom: Timestamp(year: 2025, month: 12, day: 31), validDays: 30)
            self.keyring = keyring
            location = try TrailLocation(bucket: "bkt", prefix: "p", organizationID: nil, accountID: "111122223333", region: "us-east-1")
        }

        func producer() throws -> DigestProducer {
            try DigestProducer(store: store, location: location, trailName: "trail-a", homeRegion: "us-east-1", keyring: keyring)
        }

        func deliver(at time: Timestamp) async throws -> ObjectLocation {
            try await LogDelivery(store: store, location: location)
                .deliver([.init(source: "test", bytes: SampleTrail.sampleLog(at: time.adding(seconds: -60), user: "u"))], at: time)[0]
        }
    }

    @Test("Malformed input is refused by name and cause, and nothing at all is written")
    func deliverRefusesMalformedInput() async throws {
        let fixture = try Fixture()
        defer { try? FileManager.default.removeItem(at: fixture.folder) }
        let good = LogDelivery.Input(source: "good.json", bytes: SampleTrail.sampleLog(at: Timestamp(year: 2026, month: 1, day: 1), user: "u"))
        for (bad, cause) in [
            ("{\"Records\": [", "invalid JSON"), ("{\"Records\": []}", "empty"), ("[1]", "not a JSON object"),
            ("{\"Records\": [{\"eventName\": \"x\"}]}", "eventTime"), ("{\"Records\":[],\"Records\":[]}", "duplicate"),
        ] {
            do {
                _ = try await LogDelivery(store: fixture.store, location: fixture.location)
                    .deliver([good, .init(source: "bad.json", bytes: Array(bad.utf8))], at: Timestamp(year: 2026, month: 1, day: 1))
                Issue.record("accepted \(bad)")
            } catch let error as TrailProofError {
                #expect(error.code == .invalidInput && error.message.contains("bad.json") && error.message.contains(cause), "\(error.message)")
            }
        }
        #expect(try await fixture.store.listKeys(bucket: "bkt", prefix: "", startAfter: nil).isEmpty)
    }

    @Test("Digests cover each hour, empty ones too, chain and verify; a second run writes nothing")
    func digestChain() async throws {
        let fixture = try Fixture()
        defer { try? FileManager.default.removeItem(at: fixture.folder) }
        let log0 = try await fixture.deliver(at: Timestamp(year: 2026, month: 1, day: 1, hour: 0, minute: 59))
        let log2 = try await fixture.deliver(at: Timestamp(year: 2026, month: 1, day: 1, hour: 2, minute: 0))
        let written = try await fixture.producer().run(until: Timestamp(year: 2026, month: 1, day: 1, hour: 3, minute: 30))
        #expect(written.map { $0.key.suffix(24) } == ["20260101T010000Z.json.gz", "20260101T020000Z.json.gz", "20260101T030000Z.json.gz"])
        #expect(try await fixture.producer().run(until: Timestamp(year: 2026, month: 1, day: 1, hour: 3, minute: 59)).isEmpty)
        var previous: (ObjectLocation, [UInt8], String)?
        for (index, object) in written.enumerated() {
            let stored = try await fixture.store.getObject(object)
            let bytes = try GzipInflater.decompressWhole(stored.bytes)
            let digest = try DigestFile(parsing: bytes)
            #expect(digest.location == object)
            #expect(stored.metadata["signature-algorithm"] == "SHA256withRSA")
            #expect(digest.logFiles.map(\.location) == [[log0], [], [log2]][index])
            #expect((digest.newestEventTime == nil) == digest.logFiles.isEmpty)
            if let (previousObject, previousBytes, previousSignature) = previous {
                #expect(
                    digest.previous
                        == .init(location: previousObject, hashValue: MessageDigest.sha256Hex(previousBytes), signature: previousSignature))
                #expect(digest.startTime == (try DigestFile(parsing: previousBytes)).endTime)
            } else {
                #expect(digest.previous == nil)
            }
            let signature = try #require(stored.metadata["signature"])
            let publicKey = try RSAPublicKey(der: fixture.keyring.keys[0].publicKeyDER)
            #expect(digest.isValidSignature(Hex.decode(signature)!, over: bytes, publicKey: publicKey))
            previous = (object, bytes, signature)
        }
        // A log now delivered into an hour that has a digest would never be covered: refused.
        await #expect(throws: TrailProofError(.invalidArgument, "")) {
            _ = try await fixture.deliver(at: Timestamp(year: 2026, month: 1, day: 1, hour: 1, minute: 30))
        }
    }

    @Test("--restart starts a new chain at the first new log's hour; a tampered chain head is never extended")
    func restartAndTamperedHead() async throws {
        let fixture = try Fixture()
        defer { try? FileManager.default.removeItem(at: fixture.folder) }
        _ = try await fixture.deliver(at: Timestamp(year: 2026, month: 1, day: 1, hour: 0, minute: 10))
        let first = try await fixture.producer().run(until: Timestamp(year: 2026, month: 1, day: 1, hour: 1))
        #expect(first.count == 1)
        _ = try await fixture.deliver(at: Timestamp(year: 2026, month: 1, day: 1, hour: 5, minute: 10))
        let restarted = try await fixture.producer().run(until: Timestamp(year: 2026, month: 1, day: 1, hour: 7), restart: true)
        #expect(restarted.map { $0.key.suffix(24) } == ["20260101T060000Z.json.gz", "20260101T070000Z.json.gz"])
        let head = try DigestFile(parsing: try GzipInflater.decompressWhole(try await fixture.store.getObject(restarted[0]).bytes))
        #expect(head.previous == nil && head.startTime == Timestamp(year: 2026, month: 1, day: 1, hour: 5))
        // Corrupt the newest digest's signature: extending from it is refused.
        let newest = try await fixture.store.getObject(restarted[1])
        var metadata = newest.metadata
        metadata["signature"] = String(repeating: "0", count: 512)
        try await fixture.store.putObject(restarted[1], bytes: newest.bytes, metadata: metadata, overwrite: true)
        await #expect(throws: TrailProofError(.invalidInput, "")) {
            try await fixture.producer().run(until: Timestamp(year: 2026, month: 1, day: 1, hour: 9))
        }
    }

    @Test("A junk object in the log folder stops digest production with its name")
    func junkLogRefused() async throws {
        let fixture = try Fixture()
        defer { try? FileManager.default.removeItem(at: fixture.folder) }
        let key = fixture.location.logKey(deliveredAt: Timestamp(year: 2026, month: 1, day: 1, hour: 0, minute: 5), unique: "AAAAAAAAAAAAAAAA")
        try await fixture.store.putObject(ObjectLocation(bucket: "bkt", key: key), bytes: Array("junk".utf8), metadata: [:], overwrite: false)
        do {
            try await fixture.producer().run(until: Timestamp(year: 2026, month: 1, day: 1, hour: 1))
            Issue.record("junk was signed")
        } catch let error as TrailProofError {
            #expect(error.code == .invalidInput && error.message.contains(key))
        }
        #expect(try await fixture.store.listKeys(bucket: "bkt", prefix: fixture.location.digestPrefix, startAfter: nil).isEmpty)
    }
}

import Foundation
import Testing

@testable import TrailProof

/// A digest is attacker-controlled input: the keys inside it must never reach outside the store.
@Suite("Keys inside digests")
struct PathSafetyTests {
    @Test("`..`, absolute and symlinked log keys in a correctly signed digest are never read")
    func logKeysStayInsideTheStore() async throws {
        let folder = try TestEnvironment.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try LocalStore.create(root: folder.appendingPathComponent("store").path)
        // A gzip log outside the store; every entry below carries its true hash, so reading it
        // would make the entry "valid".
        let document = SampleTrail.sampleLog(at: Timestamp(year: 2026, month: 1, day: 1), user: "outsider")
        let outsidePath = folder.appendingPathComponent("secret.json.gz").path
        try Data(try Gzip.compress(document)).write(to: URL(fileURLWithPath: outsidePath))
        try FileManager.default.createDirectory(atPath: store.root + "/bkt/AWSLogs", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: store.root + "/bkt/AWSLogs/link.json.gz", withDestinationPath: outsidePath)
        let hash = MessageDigest.sha256Hex(document)
        let location = try TrailLocation(bucket: "bkt", prefix: nil, organizationID: nil, accountID: "111122223333", region: "us-east-1")
        let end = Timestamp(year: 2026, month: 1, day: 1, hour: 1)
        let digestObject = ObjectLocation(bucket: "bkt", key: location.digestKey(trailName: "trail-x", homeRegion: "us-east-1", endTime: end))
        let keys = ["../secret.json.gz", "AWSLogs/../../secret.json.gz", outsidePath, "AWSLogs/link.json.gz", "AWSLogs//x"]
        let digest = DigestFile(
            awsAccountID: "111122223333", startTime: end.adding(seconds: -3600), endTime: end, location: digestObject,
            publicKeyFingerprint: "", newestEventTime: "2026-01-01T00:01:00Z", oldestEventTime: "2026-01-01T00:00:00Z",
            previous: DigestFile.PreviousDigest(
                location: ObjectLocation(bucket: "bkt", key: "../../secret.json.gz"), hashValue: hash, signature: "00"),
            logFiles: keys.map {
                .init(
                    location: ObjectLocation(bucket: "bkt", key: $0), hashValue: hash, newestEventTime: "2026-01-01T00:01:00Z",
                    oldestEventTime: "2026-01-01T00:00:00Z")
            })
        try await SignedDigests.put(digest, into: store)
        let request = try ValidationRequest(
            trail: try TrailARN("arn:aws:cloudtrail:us-east-1:111122223333:trail/trail-x"), startTime: end.adding(seconds: -3600), endTime: end,
            bucket: "bkt")
        var events: [ValidationEvent] = []
        let summary = try await TrailValidator(store: store, publicKeys: try SignedDigests.testPublicKeys, request: request).validate {
            events.append($0)
        }
        // A link is refused unread: it cannot be read, which is not evidence of tampering.
        #expect(
            summary.validDigests == 1 && summary.validLogs == 0 && summary.invalidLogs == keys.count - 1 && summary.unreadableLogs == 1,
            "\(events)")
        var codes: [String: Finding.Code] = [:]
        for case .log(let object, let verdict) in events { codes[object.key] = verdict.finding?.code }
        for case .log(let object, .unreadable) in events { #expect(object.key == "AWSLogs/link.json.gz") }
        #expect(codes["../secret.json.gz"] == .unsafeKey)
        #expect(codes["AWSLogs/../../secret.json.gz"] == .unsafeKey)
        #expect(codes[outsidePath] == .unsafeKey)
        #expect(codes["AWSLogs//x"] == .unsafeKey)
        #expect(codes["AWSLogs/link.json.gz"] == .readFailure)
        // The `..` link to a previous digest is refused as well, never fetched.
        let previous = events.first { if case .digest(let object, _, _) = $0 { return object.key.hasPrefix("..") } else { return false } }
        guard case .digest(_, _, .invalid(let finding)) = previous else {
            Issue.record("the unsafe previous-digest link was not reported: \(events)")
            return
        }
        #expect(finding.code == .unsafeKey)
    }
}

import Foundation
import Testing

@testable import TrailProof

@Suite("Log verification")
struct LogVerifierTests {
    /// One worker reads a batch: what one file leaves in the reused inflater, hasher or buffer
    /// must never change the next file's verdict.
    @Test("A batch read by one worker gets the verdicts of files read one by one")
    func reusedWorker() async throws {
        let text = Array(String(repeating: "{\"Records\":[]} ", count: 40_000).utf8)
        let gzip = try Gzip.compress(text)
        let hash = MessageDigest.sha256Hex(text)
        let cases: [(name: String, bytes: [UInt8]?, code: Finding.Code?)] = [
            ("truncated", Array(gzip.dropLast(9)), .truncatedGzipStream),
            ("valid-1", gzip, nil),
            ("not-gzip", Array("plain text".utf8), .invalidFormat),
            ("valid-2", gzip, nil),
            ("trailing", gzip + [1, 2, 3], .dataAfterGzipStream),
            ("valid-3", gzip, nil),
            ("missing", nil, .notFound),
            ("valid-4", gzip, nil),
            ("hash", try Gzip.compress(Array("other".utf8)), .hashMismatch),
            ("valid-5", gzip, nil),
        ]
        let folder = try TestEnvironment.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        for store in [try LocalStore.create(root: folder.path) as any ObjectStore, InMemoryStore()] {
            var entries: [DigestFile.LogFileEntry] = []
            for (name, bytes, _) in cases {
                let location = ObjectLocation(bucket: "logs", key: "AWSLogs/\(name).json.gz")
                if let bytes { try await store.putObject(location, bytes: bytes, metadata: [:], overwrite: false) }
                entries.append(DigestFile.LogFileEntry(location: location, hashValue: hash, newestEventTime: "", oldestEventTime: ""))
            }
            let verifier = LogVerifier(store: store)
            let batch = await verifier.verify(entries)
            for (index, entry) in entries.enumerated() {
                let alone = await LogVerifier(store: store).verify(entry)
                #expect(batch[index] == alone, "\(entry.location.key) in \(store.displayName)")
                #expect(batch[index].finding?.code == cases[index].code, "\(entry.location.key) in \(store.displayName)")
            }
            // The worker goes back to the pool and serves the next batch as well.
            #expect(await verifier.verify(entries.reversed()) == batch.reversed())
        }
    }
}

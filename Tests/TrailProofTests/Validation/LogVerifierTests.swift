import Foundation
import Testing

@testable import TrailProof

@Suite("Log verification")
struct LogVerifierTests {
    /// One worker reads a batch: what one file leaves in the reused inflater, hasher or buffer
    /// must never change the next file's verdict.
    /// Three sizes, three paths: decoded whole by libdeflate (small), inflating past its
    /// 512 KiB limit (zlib on the staged file), and too large to stage (streamed through zlib
    /// from the chunk that overflows the 128 KiB staging buffer).
    static let texts: [(String, [UInt8])] = {
        var generator = SplitMix(seed: 42)
        let noisy = (0..<50_000).map { _ in "\(UInt32.random(in: 0...UInt32.max, using: &generator))," }.joined()
        return [
            ("small", Array(String(repeating: "{\"Records\":[]} ", count: 800).utf8)),
            ("inflates past 512 KiB", Array(String(repeating: "{\"Records\":[]} ", count: 40_000).utf8)),
            ("over 128 KiB compressed", Array("{\"Records\":[\(noisy)]}".utf8)),
        ]
    }()

    @Test("The progress counters count every file of a batch and the stored bytes read, in every read path", arguments: 0..<3)
    func progressCounters(size: Int) async throws {
        let text = Self.texts[size].1
        let gzip = try Gzip.compress(text)
        let hash = MessageDigest.sha256Hex(text)
        let folder = try TestEnvironment.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        for store in [try LocalStore.create(root: folder.path) as any ObjectStore, InMemoryStore(chunkSize: 16 * 1024)] {
            // Three stored files and one missing: four files read, three files' bytes.
            var entries: [DigestFile.LogFileEntry] = []
            for index in 0..<4 {
                let location = ObjectLocation(bucket: "logs", key: "AWSLogs/progress-\(index).json.gz")
                if index != 2 { try await store.putObject(location, bytes: gzip, metadata: [:], overwrite: false) }
                entries.append(DigestFile.LogFileEntry(location: location, hashValue: hash, newestEventTime: "", oldestEventTime: ""))
            }
            let counters = ValidationProgress()
            let verifier = LogVerifier(store: store, progress: counters)
            _ = await verifier.verify(entries)
            _ = await verifier.verify(entries[0])
            #expect(counters.logFilesRead == 5, "\(store.displayName), \(Self.texts[size].0)")
            #expect(counters.bytesRead == 4 * gzip.count, "\(store.displayName), \(Self.texts[size].0)")
        }
    }

    @Test("A batch read by one worker gets the verdicts of files read one by one", arguments: 0..<3)
    func reusedWorker(size: Int) async throws {
        let text = Self.texts[size].1
        let gzip = try Gzip.compress(text)
        if size == 2 { #expect(gzip.count > 128 * 1024) }
        let hash = MessageDigest.sha256Hex(text)
        let cases: [(name: String, bytes: [UInt8]?, code: Finding.Code?)] = [
            ("truncated", Array(gzip.dropLast(8)), .truncatedGzipStream),  // the trailer: every byte inflated
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
        for store in [try LocalStore.create(root: folder.path) as any ObjectStore, InMemoryStore(), InMemoryStore(chunkSize: 16 * 1024)] {
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
                #expect(batch[index] == alone, "\(entry.location.key) in \(store.displayName), \(Self.texts[size].0)")
                #expect(batch[index].finding?.code == cases[index].code, "\(entry.location.key) in \(store.displayName), \(Self.texts[size].0)")
            }
            // The worker goes back to the pool and serves the next batch as well.
            #expect(await verifier.verify(entries.reversed()) == batch.reversed())
        }
    }
}

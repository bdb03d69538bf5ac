import Foundation
import Testing

@testable import TrailProof

@Suite("Local store")
struct LocalStoreTests {
    @Test("Objects and metadata round-trip; listing is in S3 order with prefix and start-after")
    func roundTrip() async throws {
        let folder = try TestEnvironment.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try LocalStore.create(root: folder.path)
        for key in ["a/b/2", "a/b/10", "a/c", "a/bz", "b", "a/B", "a/b/é"] {
            try await store.putObject(ObjectLocation(bucket: "bkt", key: key), bytes: Array(key.utf8), metadata: [:], overwrite: false)
        }
        let object = ObjectLocation(bucket: "bkt", key: "a/b/2")
        try await store.putObject(object, bytes: [1, 2, 3], metadata: ["signature": "ab", "Signature-Algorithm": "SHA256withRSA"], overwrite: true)
        let stored = try await store.getObject(object)
        #expect(stored.bytes == [1, 2, 3])
        #expect(stored.metadata == ["signature": "ab", "signature-algorithm": "SHA256withRSA"])
        #expect(FileManager.default.fileExists(atPath: folder.path + "/.metadata/bkt/a/b/2.json"))
        #expect(try await store.listKeys(bucket: "bkt", prefix: "a/", startAfter: nil) == ["a/B", "a/b/10", "a/b/2", "a/b/é", "a/bz", "a/c"])
        #expect(try await store.listKeys(bucket: "bkt", prefix: "a/b", startAfter: "a/b/10") == ["a/b/2", "a/b/é", "a/bz"])
        #expect(try await store.listKeys(bucket: "bkt", prefix: "a/b/", startAfter: nil) == ["a/b/10", "a/b/2", "a/b/é"])
        #expect(try await store.listKeys(bucket: "nobucket", prefix: "", startAfter: nil) == [])
        // Overwriting with no metadata must not leave the old metadata behind.
        try await store.putObject(object, bytes: [4], metadata: [:], overwrite: true)
        #expect(try await store.getObject(object).metadata.isEmpty)
        await #expect(throws: TrailProofError(.objectNotFound, "")) { try await store.getObject(ObjectLocation(bucket: "bkt", key: "a/zzz")) }
    }

    @Test("A listing leaves out names that are not UTF-8 (no S3 key) and matches a prefix by its bytes")
    func listingNames() async throws {
        let folder = try TestEnvironment.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try LocalStore.create(root: folder.path)
        for key in ["p/caf\u{E9}", "p/cafe\u{301}x", "p/plain"] {
            try await store.putObject(ObjectLocation(bucket: "bkt", key: key), bytes: [1], metadata: [:], overwrite: false)
        }
        // A file and a folder whose names are not UTF-8, made beside the keys.
        for name in [[0x62, 0xFF], [0x63, 0xC3]] as [[UInt8]] {
            let path = Array((folder.path + "/bkt/p/").utf8) + name
            let file = (path + [0]).withUnsafeBufferPointer {
                open(UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self), O_CREAT | O_WRONLY, 0o644)
            }
            #expect(file >= 0)
            close(file)
        }
        let folderName = Array((folder.path + "/bkt/p/").utf8) + [0x64, 0xFE, 0]
        #expect(folderName.withUnsafeBufferPointer { mkdir(UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self), 0o755) } == 0)
        // Keys compared as bytes: Swift's == would call the two spellings of é equal.
        func bytes(_ keys: [String]) -> [[UInt8]] { keys.map { Array($0.utf8) } }
        #expect(bytes(try await store.listKeys(bucket: "bkt", prefix: "p/", startAfter: nil)) == bytes(["p/cafe\u{301}x", "p/caf\u{E9}", "p/plain"]))
        // "p/caf" + precomposed é is no byte prefix of "p/cafe" + combining accent.
        #expect(bytes(try await store.listKeys(bucket: "bkt", prefix: "p/caf\u{E9}", startAfter: nil)) == bytes(["p/caf\u{E9}"]))
    }

    @Test("A read hands over every byte, whatever the size against the read buffer, and stops at the end")
    func readSizes() async throws {
        let folder = try TestEnvironment.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try LocalStore.create(root: folder.path)
        let context = ReadContext(bufferSize: 4096)
        for size in [0, 1, 4095, 4096, 4097, 8192, 100_003] {
            let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
            let object = ObjectLocation(bucket: "bkt", key: "sizes/\(size)")
            try await store.putObject(object, bytes: bytes, metadata: [:], overwrite: false)
            var read: [UInt8] = []
            var chunks = 0
            try await store.readObject(object, using: context) { chunk in
                read += chunk
                chunks += 1
            }
            let same = read == bytes  // compared first: a failing test prints the sizes, not the bytes
            #expect(same, "\(size) bytes written, \(read.count) read")
            #expect(chunks == (size + 4095) / 4096, "\(size) bytes in \(chunks) chunks")
        }
    }

    @Test("An existing object is never overwritten when overwriting is refused, and no temporary file is left")
    func noOverwrite() async throws {
        let folder = try TestEnvironment.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try LocalStore.create(root: folder.path)
        let object = ObjectLocation(bucket: "bkt", key: "digest.json.gz")
        try await store.putObject(object, bytes: [1], metadata: ["signature": "01"], overwrite: false)
        await #expect(throws: TrailProofError(.objectExists, "")) {
            try await store.putObject(object, bytes: [2], metadata: ["signature": "02"], overwrite: false)
        }
        let stored = try await store.getObject(object)
        #expect(stored.bytes == [1] && stored.metadata["signature"] == "01")
        // A file where a folder is needed: the write fails and leaves nothing behind.
        await #expect(throws: TrailProofError(.storageFailure, "")) {
            try await store.putObject(ObjectLocation(bucket: "bkt", key: "digest.json.gz/inner"), bytes: [3], metadata: [:], overwrite: true)
        }
        let leftovers = FileManager.default.enumerator(atPath: folder.path)!.compactMap { $0 as? String }.filter {
            $0.contains(LocalStore.temporaryMarker)
        }
        #expect(leftovers.isEmpty, "\(leftovers)")
    }

    @Test("Unsafe keys are refused before anything is read or written")
    func unsafeKeys() async throws {
        let folder = try TestEnvironment.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try LocalStore.create(root: folder.appendingPathComponent("store").path)
        try Data("secret".utf8).write(to: folder.appendingPathComponent("secret"))
        for key in ["../../secret", "/etc/passwd", "a/../../../secret", "a//b", "a\\b"] {
            await #expect(throws: TrailProofError(.invalidObjectKey, ""), "\(key)") {
                try await store.getObject(ObjectLocation(bucket: "bkt", key: key))
            }
            await #expect(throws: TrailProofError(.invalidObjectKey, ""), "\(key)") {
                try await store.putObject(ObjectLocation(bucket: "bkt", key: key), bytes: [0], metadata: [:], overwrite: true)
            }
        }
        await #expect(throws: TrailProofError(.invalidObjectKey, "")) { try await store.getObject(ObjectLocation(bucket: "..", key: "secret")) }
        #expect(try String(contentsOf: folder.appendingPathComponent("secret"), encoding: .utf8) == "secret")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["secret", "store"])
    }

    @Test("Symbolic links inside the store are never followed, for reading, writing or listing")
    func symlinks() async throws {
        let folder = try TestEnvironment.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let outside = folder.appendingPathComponent("outside")
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        try Data("secret".utf8).write(to: outside.appendingPathComponent("file"))
        let store = try LocalStore.create(root: folder.appendingPathComponent("store").path)
        try await store.putObject(ObjectLocation(bucket: "bkt", key: "real"), bytes: [1], metadata: [:], overwrite: false)
        try FileManager.default.createSymbolicLink(atPath: store.root + "/bkt/linkdir", withDestinationPath: outside.path)
        try FileManager.default.createSymbolicLink(atPath: store.root + "/bkt/linkfile", withDestinationPath: outside.path + "/file")
        for key in ["linkdir/file", "linkfile"] {
            await #expect(throws: TrailProofError(.storageFailure, ""), "\(key)") {
                try await store.getObject(ObjectLocation(bucket: "bkt", key: key))
            }
        }
        await #expect(throws: TrailProofError(.storageFailure, "")) {
            try await store.putObject(ObjectLocation(bucket: "bkt", key: "linkdir/new"), bytes: [0], metadata: [:], overwrite: true)
        }
        #expect(!FileManager.default.fileExists(atPath: outside.path + "/new"))
        // Listed, so that nothing standing at a key is hidden, but never followed into or read.
        #expect(try await store.listKeys(bucket: "bkt", prefix: "", startAfter: nil) == ["linkdir", "linkfile", "real"])
        await #expect(throws: TrailProofError(.storageFailure, "")) { try await store.getObject(ObjectLocation(bucket: "bkt", key: "linkdir")) }
        // Deeper: a folder is opened in one call that follows no link, and when that refuses, the
        // walk one folder at a time says why.
        try FileManager.default.createDirectory(atPath: outside.path + "/sub", withIntermediateDirectories: true)
        try Data("secret".utf8).write(to: outside.appendingPathComponent("sub/file"))
        try FileManager.default.createDirectory(atPath: store.root + "/bkt/real-dir", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: store.root + "/bkt/real-dir/inner", withDestinationPath: outside.path)
        // A link that stays inside the store is not followed either.
        try Data("inside".utf8).write(to: URL(fileURLWithPath: store.root + "/bkt/real-dir/kept"))
        try FileManager.default.createSymbolicLink(atPath: store.root + "/bkt/inlink", withDestinationPath: "real-dir")
        #expect(try await store.getObject(ObjectLocation(bucket: "bkt", key: "real-dir/kept")).bytes == Array("inside".utf8))
        for key in ["linkdir/sub/file", "real-dir/inner/sub/file", "real-dir/inner/file", "inlink/kept"] {
            let message = await failureMessage { _ = try await store.getObject(ObjectLocation(bucket: "bkt", key: key)) }
            #expect(message?.contains("refusing to follow a symbolic link on the way to s3://bkt/\(key)") == true, "\(key): \(message ?? "read")")
        }
        for prefix in ["linkdir/sub/", "real-dir/inner/", "real-dir/inner/sub/f", "inlink/"] {
            let message = await failureMessage { _ = try await store.listKeys(bucket: "bkt", prefix: prefix, startAfter: nil) }
            #expect(message?.contains("refusing to follow a symbolic link") == true, "\(prefix): \(message ?? "listed")")
        }
        // A file where a folder is: nothing there, as before.
        await #expect(throws: TrailProofError(.objectNotFound, "")) { try await store.getObject(ObjectLocation(bucket: "bkt", key: "real/x")) }
        #expect(try await store.listKeys(bucket: "bkt", prefix: "real/x", startAfter: nil).isEmpty)
    }

    /// The message of the TrailProofError `body` throws, nil if it throws none.
    private func failureMessage(_ body: () async throws -> Void) async -> String? {
        do {
            try await body()
            return nil
        } catch {
            return (error as? TrailProofError)?.message ?? "\(error)"
        }
    }
}

@Suite("Local store under concurrency")
struct LocalStoreConcurrencyTests {
    @Test("Many concurrent no-overwrite writes (as mirror makes) finish, and each object is written once")
    func concurrentNoOverwriteWrites() async throws {
        let folder = try TestEnvironment.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try LocalStore.create(root: folder.path)
        let results = await withTaskGroup(of: Bool.self) { group in
            for index in 0..<400 {
                group.addTask {
                    // Two writers per key: exactly one may win.
                    let location = ObjectLocation(bucket: "bkt", key: "k/\(index / 2)")
                    do {
                        try await store.putObject(location, bytes: [UInt8(index % 2)], metadata: ["n": "\(index)"], overwrite: false)
                        return true
                    } catch {
                        return false
                    }
                }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results.filter { $0 }.count == 200)
        #expect(try await store.listKeys(bucket: "bkt", prefix: "k/", startAfter: nil).count == 200)
    }
}

@Suite("Local store folder handles")
struct DirectoryHandlesTests {
    @Test("A folder is named by its bytes: the same folder from different keys is one handle, a neighbour is another")
    func folderNames() throws {
        typealias Folder = DirectoryHandles.Folder
        let folder = Folder(base: "", bucket: "bkt", key: "a/b/one.json.gz", keyLength: 3)
        let same = Folder(base: "", bucket: "bkt", key: "a/b/two.json.gz", keyLength: 3)
        #expect(folder == same)
        #expect(folder.hashValue == same.hashValue)
        #expect(folder.description == "bkt/a/b")
        #expect(folder.segments == ["bkt", "a", "b"])
        let others = [
            Folder(base: ".metadata/", bucket: "bkt", key: "a/b/one.json.gz", keyLength: 3),
            Folder(base: "", bucket: "bkt2", key: "a/b/one.json.gz", keyLength: 3),
            Folder(base: "", bucket: "bkt", key: "a/c/one.json.gz", keyLength: 3),
            Folder(base: "", bucket: "bkt", key: "a/b/one.json.gz", keyLength: 1),
            Folder(base: "", bucket: "bkt", key: "a/b/one.json.gz", keyLength: 0),
            // Canonically equivalent but other bytes: another folder on disk.
            Folder(base: "", bucket: "bkt", key: "\u{E9}/x", keyLength: 2),
        ]
        for other in others { #expect(folder != other, "\(other)") }
        #expect(others[5] != Folder(base: "", bucket: "bkt", key: "e\u{301}/x", keyLength: 3))
        #expect(Folder(base: ".metadata/", bucket: "bkt", key: "k", keyLength: 0).segments == [".metadata", "bkt"])
    }

    @Test("Same-named folders of two buckets and of the metadata tree each read their own files")
    func sameNamedFolders() async throws {
        let folder = try TestEnvironment.temporaryFolder("handles-names")
        defer { try? FileManager.default.removeItem(at: folder) }
        let writer = try LocalStore.create(root: folder.appendingPathComponent("store").path)
        for bucket in ["bkt-a", "bkt-b"] {
            for key in ["day/1/log.json.gz", "top.json.gz"] {
                try await writer.putObject(
                    ObjectLocation(bucket: bucket, key: key), bytes: Array("\(bucket) \(key)".utf8), metadata: ["signature": "\(bucket)-\(key)"],
                    overwrite: false)
            }
        }
        let store = try LocalStore(root: writer.root)
        for _ in 0..<2 {
            for bucket in ["bkt-a", "bkt-b"] {
                for key in ["day/1/log.json.gz", "top.json.gz"] {
                    let object = try await store.getObject(ObjectLocation(bucket: bucket, key: key), maxBytes: 1024)
                    #expect(String(decoding: object.bytes, as: UTF8.self) == "\(bucket) \(key)")
                    #expect(object.metadata["signature"] == "\(bucket)-\(key)")
                }
            }
        }
    }

    @Test("Concurrent reads across more folders than handles are cached read the right bytes, and at most the capacity stays open")
    func concurrentReadsAcrossFolders() async throws {
        let folder = try TestEnvironment.temporaryFolder("handles")
        defer { try? FileManager.default.removeItem(at: folder) }
        let writer = try LocalStore.create(root: folder.appendingPathComponent("store").path)
        let folders = DirectoryHandles.capacity * 2
        var objects: [ObjectLocation] = []
        for index in 0..<folders {
            for file in 0..<3 {
                let object = ObjectLocation(bucket: "bkt", key: "day/\(index)/f\(file)")
                try await writer.putObject(object, bytes: Array("\(index)-\(file)".utf8), metadata: [:], overwrite: false)
                objects.append(object)
            }
        }
        let store = try LocalStore(root: writer.root)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for round in 0..<4 {
                for object in objects.shuffled() {
                    group.addTask {
                        var bytes: [UInt8] = []
                        try await store.readObject(object) { bytes += $0 }
                        let expected = object.key.dropFirst("day/".count).replacingOccurrences(of: "/f", with: "-")
                        #expect(String(decoding: bytes, as: UTF8.self) == expected, "round \(round)")
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(store.handles.openCount == DirectoryHandles.capacity, "\(store.handles.openCount)")
        // A folder removed while its handle is cached: its objects are not found, never read from elsewhere.
        try FileManager.default.removeItem(atPath: writer.root + "/bkt/day/0")
        await #expect(throws: TrailProofError(.objectNotFound, "")) { try await store.getObject(ObjectLocation(bucket: "bkt", key: "day/0/f0")) }
    }

    @Test("A read context keeps its folder's handle between reads, over evictions, and gives it back")
    func readContextLease() async throws {
        let folder = try TestEnvironment.temporaryFolder("lease")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try LocalStore.create(root: folder.appendingPathComponent("store").path)
        let other = try LocalStore.create(root: folder.appendingPathComponent("other").path)
        func object(_ day: Int, _ file: Int) -> ObjectLocation { ObjectLocation(bucket: "bkt", key: "day/\(day)/f\(file)") }
        for day in 0...DirectoryHandles.capacity {
            for file in 0..<2 {
                try await store.putObject(object(day, file), bytes: Array("\(day)-\(file)".utf8), metadata: [:], overwrite: false)
            }
        }
        try await other.putObject(object(0, 0), bytes: Array("other".utf8), metadata: [:], overwrite: false)
        func read(_ store: LocalStore, _ object: ObjectLocation, _ context: ReadContext? = nil) async throws -> String {
            var bytes: [UInt8] = []
            if let context {
                try await store.readObject(object, using: context) { bytes += $0 }
            } else {
                try await store.readObject(object) { bytes += $0 }
            }
            return String(decoding: bytes, as: UTF8.self)
        }
        var context: ReadContext? = ReadContext(bufferSize: 64)
        #expect(try await read(store, object(0, 0), context) == "0-0")
        #expect(store.handles.inUseCount == 1, "the context holds day/0's handle")
        // Every other folder read without a context: day/0's handle is the one never evicted.
        for day in 1...DirectoryHandles.capacity { #expect(try await read(store, object(day, 0)) == "\(day)-0") }
        #expect(store.handles.openCount == DirectoryHandles.capacity)
        #expect(store.handles.inUseCount == 1)
        #expect(try await read(store, object(0, 1), context) == "0-1")
        // Another folder: day/0's handle is given back, day/1's kept.
        #expect(try await read(store, object(1, 1), context) == "1-1")
        #expect(store.handles.inUseCount == 1)
        // The same context on another store: the first store's handle is given back.
        #expect(try await read(other, object(0, 0), context) == "other")
        #expect(store.handles.inUseCount == 0)
        #expect(other.handles.inUseCount == 1)
        context = nil
        #expect(other.handles.inUseCount == 0, "a context's handle is given back when the context goes")
    }
}

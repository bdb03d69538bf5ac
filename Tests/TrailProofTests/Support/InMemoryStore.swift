import Synchronization

@testable import TrailProof

/// An object store in memory, for in-process tests of what reads a store.
final class InMemoryStore: ObjectStore, Sendable {
    private let objects = Mutex<[ObjectLocation: StoredObject]>([:])
    /// Reads hand objects over in pieces of this size (as an S3 body arrives); nil: whole.
    private let chunkSize: Int?

    init(chunkSize: Int? = nil) { self.chunkSize = chunkSize }

    var displayName: String { chunkSize.map { "memory store (\($0)-byte chunks)" } ?? "memory store" }

    func listKeys(bucket: String, prefix: String, startAfter: String?) async throws -> [String] {
        let keys = objects.withLock { $0.keys.filter { $0.bucket == bucket && $0.key.hasPrefix(prefix) }.map(\.key) }
        return keys.filter { key in startAfter.map { Array($0.utf8).lexicographicallyPrecedes(Array(key.utf8)) } ?? true }
            .sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    }

    func listObjects(bucket: String, prefix: String, startAfter: String?, page: ([ListedObject]) throws -> Void) async throws {
        try page(
            try await listKeys(bucket: bucket, prefix: prefix, startAfter: startAfter).map {
                ListedObject(key: $0, size: 0, lastModified: Timestamp(secondsSinceEpoch: 0))
            })
    }

    func listBuckets() async throws -> [String] { Set(objects.withLock { $0.keys.map(\.bucket) }).sorted() }

    func deleteObject(_ location: ObjectLocation) async throws { _ = objects.withLock { $0.removeValue(forKey: location) } }

    func getObject(_ location: ObjectLocation, maxBytes: Int) async throws -> StoredObject {
        // As every store: an unsafe key is refused before anything is looked up.
        try ObjectLocation.validateBucket(location.bucket)
        try ObjectLocation.validateKey(location.key)
        guard let object = objects.withLock({ $0[location] }) else { throw TrailProofError(.objectNotFound, "\(location.uri) not found") }
        guard object.bytes.count <= maxBytes else { throw TrailProofError(.objectTooLarge, "\(location.uri) is too large") }
        return object
    }

    func readObject(_ location: ObjectLocation, chunk: (UnsafeRawBufferPointer) throws -> Void) async throws {
        try await getObject(location).bytes.withUnsafeBytes { bytes in
            guard let chunkSize else { return try chunk(bytes) }
            for start in stride(from: 0, to: bytes.count, by: chunkSize) {
                try chunk(UnsafeRawBufferPointer(rebasing: bytes[start..<min(start + chunkSize, bytes.count)]))
            }
        }
    }

    func putObject(_ location: ObjectLocation, bytes: [UInt8], metadata: [String: String], overwrite: Bool) async throws {
        try ObjectLocation.validateBucket(location.bucket)
        try ObjectLocation.validateKey(location.key)
        try objects.withLock { objects in
            if !overwrite, objects[location] != nil { throw TrailProofError(.objectExists, "\(location.uri) exists") }
            objects[location] = StoredObject(bytes: bytes, metadata: metadata)
        }
    }
}

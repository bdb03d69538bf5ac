/// An object's bytes and its user metadata (S3 `x-amz-meta-*`, names without the prefix).
public struct StoredObject: Sendable {
    /// What ``ObjectStore/getObject(_:)`` reads at most: 1 GiB, for whole-object copies.
    public static let defaultMaximumSize = 1 << 30

    public let bytes: [UInt8]
    public let metadata: [String: String]

    public init(bytes: [UInt8], metadata: [String: String]) {
        self.bytes = bytes
        self.metadata = metadata
    }
}

/// One entry of ``ObjectStore/listObjects(bucket:prefix:startAfter:)``.
public struct ListedObject: Sendable, Equatable {
    public let key: String
    public let size: Int64
    /// S3 `LastModified` (second precision), or a local file's modification time.
    public let lastModified: Timestamp

    public init(key: String, size: Int64, lastModified: Timestamp) {
        self.key = key
        self.size = size
        self.lastModified = lastModified
    }
}

/// What TrailProof needs of a bucket store: list, read (whole or streamed), and write.
///
/// Implementations refuse unsafe keys (``ObjectLocation/validateKey(_:)``), report a missing
/// object as ``TrailProofError/Code/objectNotFound`` and must be safe to call concurrently.
public protocol ObjectStore: Sendable {
    /// A short description for messages, such as `local store /data/trail`.
    var displayName: String { get }

    /// Every key in `bucket` that starts with `prefix` and sorts after `startAfter`, in
    /// lexicographic order of their UTF-8 bytes (S3's order).
    func listKeys(bucket: String, prefix: String, startAfter: String?) async throws -> [String]

    /// Every key in `bucket` that starts with `prefix`, in no promised order: for callers that
    /// compare sets of keys. A store that would have to sort them (a local folder, read in its
    /// directory order) does not; by default, ``listKeys(bucket:prefix:startAfter:)``.
    func listKeysInAnyOrder(bucket: String, prefix: String) async throws -> [String]

    /// The whole object with its metadata, for small objects such as digests. An object
    /// larger than `maxBytes` is not read beyond that: ``TrailProofError/Code/objectTooLarge``.
    func getObject(_ location: ObjectLocation, maxBytes: Int) async throws -> StoredObject

    /// Streams the object's bytes in chunks to `chunk`; memory does not grow with its size.
    func readObject(_ location: ObjectLocation, chunk: (UnsafeRawBufferPointer) throws -> Void) async throws

    /// ``readObject(_:chunk:)`` reading into the `context`'s buffer where the store reads into
    /// memory it owns (a local file), so that a worker reading thousands of small objects
    /// allocates its buffer once and keeps what else the store reuses between its reads (a
    /// local store's folder handle). The chunks may also come from elsewhere (a network body).
    func readObject(_ location: ObjectLocation, using context: ReadContext, chunk: (UnsafeRawBufferPointer) throws -> Void) async throws

    /// How many objects to read at once by default: the processors for a local store, more
    /// for a network store.
    var preferredConcurrency: Int { get }

    /// How many small objects one worker reads in a row: more than one where a read costs less
    /// than handing it to a task (a local store); one where each read waits on the network.
    var preferredBatchSize: Int { get }

    /// Whether the object exists.
    func objectExists(_ location: ObjectLocation) async throws -> Bool

    /// Every key in `bucket` under `prefix` after `startAfter`, in S3 order, with its size and
    /// last-modified time (S3 `LastModified`, a local file's modification time), handed to
    /// `page` a page at a time (one ListObjectsV2 page on S3), so that a caller that keeps
    /// only some of them needs no memory for the rest.
    func listObjects(bucket: String, prefix: String, startAfter: String?, page: ([ListedObject]) throws -> Void) async throws

    /// The buckets of the store, sorted (S3 ListBuckets; a local store's bucket folders).
    func listBuckets() async throws -> [String]

    /// Removes an object and its metadata; removing a missing object is not an error.
    func deleteObject(_ location: ObjectLocation) async throws

    /// Writes an object with its metadata. The object becomes visible whole or not at all,
    /// metadata first. With `overwrite: false` an existing object is never replaced
    /// (``TrailProofError/Code/objectExists``).
    func putObject(_ location: ObjectLocation, bytes: [UInt8], metadata: [String: String], overwrite: Bool) async throws
}

extension ObjectStore {
    public func listKeysInAnyOrder(bucket: String, prefix: String) async throws -> [String] {
        try await listKeys(bucket: bucket, prefix: prefix, startAfter: nil)
    }

    public var preferredConcurrency: Int { ProcessorCount.active }

    public var preferredBatchSize: Int { 1 }

    public func readObject(_ location: ObjectLocation, using context: ReadContext, chunk: (UnsafeRawBufferPointer) throws -> Void) async throws {
        try await readObject(location, chunk: chunk)
    }

    /// The whole object with its metadata, up to ``StoredObject/defaultMaximumSize``.
    public func getObject(_ location: ObjectLocation) async throws -> StoredObject {
        try await getObject(location, maxBytes: StoredObject.defaultMaximumSize)
    }

    /// Whether the object exists (by reading its first bytes).
    public func objectExists(_ location: ObjectLocation) async throws -> Bool {
        do {
            try await readObject(location) { _ in throw StopReading() }
            return true
        } catch is StopReading {
            return true
        } catch let error as TrailProofError where error.code == .objectNotFound {
            return false
        }
    }
}

private struct StopReading: Error {}

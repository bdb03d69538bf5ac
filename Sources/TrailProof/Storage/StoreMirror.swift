/// Copies the objects of a bucket (under a prefix) from one store to another, with their
/// metadata: S3 to a local folder for offline evidence, or back.
///
/// Resumable: an object already in the destination with the same bytes and metadata is
/// skipped. Safe: an object that differs is never overwritten (a conflict is reported), and
/// every copy is read back and compared by SHA-256 before it counts.
public struct StoreMirror: Sendable {
    /// What happened to one object.
    public enum Outcome: Hashable, Sendable {
        case copied
        case alreadyPresent
        /// The destination holds different bytes or metadata under the key; left untouched.
        case conflict(String)
        case failed(String)
    }

    public let source: any ObjectStore
    public let destination: any ObjectStore
    public let bucket: String
    public let prefix: String
    /// Objects copied at once; 0 lets the stores choose.
    public let jobs: Int

    public init(source: any ObjectStore, destination: any ObjectStore, bucket: String, prefix: String, jobs: Int = 0) throws {
        try ObjectLocation.validateBucket(bucket)
        self.source = source
        self.destination = destination
        self.bucket = bucket
        self.prefix = prefix
        self.jobs = jobs
    }

    /// Copies everything under the prefix, calling `onObject` as each object is done (in no
    /// particular order), and returns the outcomes by key order.
    public func run(onObject: (ObjectLocation, Outcome) -> Void = { _, _ in }) async throws -> [(ObjectLocation, Outcome)] {
        let keys = try await source.listKeys(bucket: bucket, prefix: prefix, startAfter: nil)
        let limit = jobs > 0 ? jobs : max(source.preferredConcurrency, destination.preferredConcurrency)
        var outcomes: [ObjectLocation: Outcome] = [:]
        await withTaskGroup(of: (ObjectLocation, Outcome).self) { group in
            var inFlight = 0
            for key in keys {
                if inFlight >= limit, let (location, outcome) = await group.next() {
                    outcomes[location] = outcome
                    onObject(location, outcome)
                    inFlight -= 1
                }
                let location = ObjectLocation(bucket: bucket, key: key)
                group.addTask { (location, await copy(location)) }
                inFlight += 1
            }
            for await (location, outcome) in group {
                outcomes[location] = outcome
                onObject(location, outcome)
            }
        }
        return outcomes.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    private func copy(_ location: ObjectLocation) async -> Outcome {
        do {
            let original = try await source.getObject(location)
            let hash = MessageDigest.sha256Hex(original.bytes)
            if try await destination.objectExists(location) {
                let present = try await destination.getObject(location)
                if MessageDigest.sha256Hex(present.bytes) == hash && present.metadata == original.metadata { return .alreadyPresent }
                return .conflict("the destination holds other bytes or metadata under this key; it is left as it is")
            }
            try await destination.putObject(location, bytes: original.bytes, metadata: original.metadata, overwrite: false)
            let copied = try await destination.getObject(location)
            guard MessageDigest.sha256Hex(copied.bytes) == hash else { return .failed("the copy read back has another SHA-256 than the original") }
            guard copied.metadata == original.metadata else { return .failed("the copy read back has other metadata than the original") }
            return .copied
        } catch let error as TrailProofError {
            return error.code == .objectExists
                ? .conflict("another writer created the object during the copy") : .failed(error.message)
        } catch {
            return .failed("\(error)")
        }
    }
}

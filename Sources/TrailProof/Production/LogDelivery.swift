/// Delivers log documents as CloudTrail does: gzipped, named by delivery time and a random
/// suffix, under the account and region's log prefix.
public struct LogDelivery: Sendable {
    /// A log document to deliver and the name it came from (a file name, or `-`).
    public struct Input: Sendable {
        public var source: String
        public var bytes: [UInt8]
        public init(source: String, bytes: [UInt8]) {
            self.source = source
            self.bytes = bytes
        }
    }

    public let store: any ObjectStore
    public let location: TrailLocation

    public init(store: any ObjectStore, location: TrailLocation) {
        self.store = store
        self.location = location
    }

    /// Checks every input first and writes nothing if any is malformed; then writes each as a
    /// log file delivered at `time`. Refuses a time that a digest already covers, since such a
    /// log could never be listed in a digest. Returns the new objects in input order. With
    /// `insights`, the files go to the `CloudTrail-Insight` folder, which digests do not cover.
    public func deliver(_ inputs: [Input], at time: Timestamp, insights: Bool = false) async throws -> [ObjectLocation] {
        guard !inputs.isEmpty else { throw TrailProofError(.invalidArgument, "no log documents to deliver") }
        for input in inputs { _ = try LogDocument.eventTimeRange(of: input.bytes, source: input.source) }
        if !insights, let covered = try await newestDigestEnd(), covered > time {
            throw TrailProofError(
                .invalidArgument,
                "a digest under \(location.digestPrefix) already covers up to \(covered); a log delivered at \(time) would never be listed in a digest (use a later --at)"
            )
        }
        var delivered: [ObjectLocation] = []
        for input in inputs {
            let compressed = try Gzip.compress(input.bytes)
            while true {
                let unique = SecureRandom.alphanumericString(16)
                let key = insights ? location.insightKey(deliveredAt: time, unique: unique) : location.logKey(deliveredAt: time, unique: unique)
                let object = ObjectLocation(bucket: location.bucket, key: key)
                do {
                    try await store.putObject(object, bytes: compressed, metadata: [:], overwrite: false)
                    delivered.append(object)
                    break
                } catch let error as TrailProofError where error.code == .objectExists {
                    continue  // 62^16 names: a collision means only that we draw again.
                }
            }
        }
        return delivered
    }

    /// The latest digest end time of any trail in this account and region, if any.
    private func newestDigestEnd() async throws -> Timestamp? {
        let keys = try await store.listKeys(bucket: location.bucket, prefix: location.digestPrefix, startAfter: nil)
        return keys.compactMap(TrailLocation.digestEndTime(ofAnyTrailKey:)).max()
    }
}

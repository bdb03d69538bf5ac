/// Sealing log objects that other shippers deliver (Fluent Bit, Vector, Logstash, …) in the
/// trail's hourly digests, whatever their key layout: each gzip object under ``prefix`` is
/// listed by the digest of the hour of its last-modified time (S3 `LastModified`, a local
/// file's modification time); an object that shows up after its hour was sealed (a late
/// arrival) goes into the next digest written, if its time is within ``lateWindow`` of it.
///
/// An object is listed in exactly one digest: what the digests of the late window already list
/// is not listed again. The digests keep CloudTrail's layout, so `aws cloudtrail validate-logs`
/// verifies the sealed objects (it follows each entry's bucket and key).
public struct LogSealing: Sendable {
    /// The key prefix whose objects are sealed (may be empty: the whole bucket).
    public var prefix: String
    /// How far back (seconds) an object arriving late may be dated and still be sealed.
    public var lateWindow: Int64
    /// Leave objects that are not gzip out (each named to ``onSkipped``) instead of refusing the run.
    public var skipNonGzip: Bool
    /// Told of each object left out with ``skipNonGzip`` (its URI and why).
    public var onSkipped: @Sendable (String) -> Void

    public init(prefix: String, lateWindow: Int64 = 86_400, skipNonGzip: Bool = false, onSkipped: @escaping @Sendable (String) -> Void = { _ in })
        throws
    {
        if !prefix.isEmpty { try ObjectLocation.validateKey(prefix.hasSuffix("/") ? String(prefix.dropLast()) : prefix) }
        guard lateWindow >= 0 else { throw TrailProofError(.invalidArgument, "the late window must not be negative") }
        self.prefix = prefix
        self.lateWindow = lateWindow
        self.skipNonGzip = skipNonGzip
        self.onSkipped = onSkipped
    }

    /// One object to place.
    struct Candidate: Sendable {
        let key: String
        let lastModified: Timestamp
    }

    /// Whether a listed key is one of the sealed objects: not TrailProof's own documents, not a
    /// digest of this trail, not a temporary file of a writer.
    func isCandidate(_ key: String, location: TrailLocation) -> Bool {
        !key.hasPrefix(TrailRegistry.reservedPrefix) && !key.hasPrefix(location.digestPrefix)
            && !(key.split(separator: "/").last?.hasPrefix(LocalStore.temporaryMarker) ?? false)
    }

    /// The objects modified in `[lowerBound, until)` (any time before `until` without a lower
    /// bound), in key order; only these are kept while the listing streams by.
    func candidates(store: any ObjectStore, location: TrailLocation, lowerBound: Timestamp?, until: Timestamp) async throws -> [Candidate] {
        var kept: [Candidate] = []
        try await store.listObjects(bucket: location.bucket, prefix: prefix, startAfter: nil) { page in
            for object in page where object.lastModified < until && lowerBound.map({ object.lastModified >= $0 }) ?? true {
                if isCandidate(object.key, location: location) { kept.append(Candidate(key: object.key, lastModified: object.lastModified)) }
            }
        }
        return kept
    }
}

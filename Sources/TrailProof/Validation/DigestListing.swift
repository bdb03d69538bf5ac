/// Every key in the digest folder of one chain (account and region) of a bucket, listed once and
/// shared by the tail check and both passes of the walk.
///
/// The walk sees exactly what aws-cli's listing from its marker returns: the keys after the
/// marker, in S3 order (see ``keys(after:)``); the tail check also needs the keys before the range.
struct DigestListing: Sendable {
    let bucket: String
    /// Every key under the chain's digest folder, in S3 order.
    let keys: [String]

    /// Lists `location`'s digest folder in `bucket` (ListObjectsV2 pages, one request per 1,000 keys).
    static func list(store: any ObjectStore, bucket: String, location: TrailLocation) async throws -> DigestListing {
        DigestListing(bucket: bucket, keys: try await store.listKeys(bucket: bucket, prefix: location.digestPrefix, startAfter: nil))
    }

    /// The keys that sort after `marker`, as a listing with `start-after` returns them.
    func keys(after marker: String) -> ArraySlice<String> {
        // S3 order is the order of the keys' UTF-8 bytes; binary search for the first key after the marker.
        var low = 0
        var high = keys.count
        while low < high {
            let middle = (low + high) / 2
            if ObjectLocation.precedesInS3Order(marker, keys[middle]) { high = middle } else { low = middle + 1 }
        }
        return keys[low...]
    }

    /// The end time of the trail's newest standard digest in the listing, if any.
    func newestStandardEnd(location: TrailLocation, trail: TrailARN) -> Timestamp? {
        keys.compactMap { key -> Timestamp? in
            guard let parsed = location.digestEndTime(ofKey: key, trailName: trail.trailName, homeRegion: trail.homeRegion), !parsed.backfill
            else { return nil }
            return parsed.end
        }.max()
    }
}

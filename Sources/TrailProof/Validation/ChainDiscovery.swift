/// Finds the account and region chains of a trail under a bucket, for `--all-regions` and
/// `--all-accounts`: every `[PREFIX/]AWSLogs/[ORG/]ACCOUNT/CloudTrail-Digest/REGION/` folder
/// that holds a digest of the trail.
public enum ChainDiscovery {
    /// One account and region with digests of the trail.
    public struct Chain: Hashable, Sendable, Comparable {
        public let accountID: String
        public let region: String

        public init(accountID: String, region: String) {
            self.accountID = accountID
            self.region = region
        }

        public static func < (lhs: Chain, rhs: Chain) -> Bool { (lhs.accountID, lhs.region) < (rhs.accountID, rhs.region) }
    }

    /// The chains under `bucket`, sorted; only `accountID`'s unless `allAccounts`, only
    /// `region` unless `allRegions`.
    public static func discover(
        store: any ObjectStore, bucket: String, prefix: String?, organizationID: String?, trail: TrailARN,
        accountID: String, region: String, allAccounts: Bool, allRegions: Bool
    ) async throws -> [Chain] {
        var root = prefix.map { $0.hasSuffix("/") ? $0 : $0 + "/" } ?? ""
        root += "AWSLogs/" + (organizationID.map { $0 + "/" } ?? "")
        let listingRoot = allAccounts ? root : root + accountID + "/"
        var chains = Set<Chain>()
        for key in try await store.listKeys(bucket: bucket, prefix: listingRoot, startAfter: nil) {
            let parts = key.dropFirst(root.count).split(separator: "/", maxSplits: 3, omittingEmptySubsequences: false)
            guard parts.count == 4, parts[1] == "CloudTrail-Digest" else { continue }
            let chain = Chain(accountID: String(parts[0]), region: String(parts[2]))
            guard allRegions || chain.region == region, !chains.contains(chain) else { continue }
            let location = try TrailLocation(
                bucket: bucket, prefix: prefix, organizationID: organizationID, accountID: chain.accountID, region: chain.region)
            if location.digestEndTime(ofKey: key, trailName: trail.trailName, homeRegion: trail.homeRegion) != nil { chains.insert(chain) }
        }
        return chains.sorted()
    }
}

/// Finds the account and region chains of a trail under a bucket, for `--all-regions` and
/// `--all-accounts`: every `[PREFIX/]AWSLogs/[ORG/]ACCOUNT/CloudTrail-Digest/REGION/` folder
/// that holds a digest of the trail.
public enum ChainDiscovery {
    /// The key prefix that discovery lists: `[PREFIX/]AWSLogs/[ORG/]` with `allAccounts`, else
    /// down to the account of `base`.
    public static func listingPrefix(base: TrailLocation, allAccounts: Bool) -> String {
        let root = accountsRoot(base)
        return allAccounts ? root : root + base.accountID + "/"
    }

    /// The chains under `base`'s bucket, sorted; only `base`'s account unless `allAccounts`,
    /// only its region unless `allRegions`. Folders that are not an account and a region, or
    /// hold no digest of the trail, are not chains.
    public static func discover(
        store: any ObjectStore, base: TrailLocation, trail: TrailARN, allAccounts: Bool, allRegions: Bool
    ) async throws -> [ChainID] {
        let root = accountsRoot(base)
        var chains = Set<ChainID>()
        for key in try await store.listKeys(bucket: base.bucket, prefix: listingPrefix(base: base, allAccounts: allAccounts), startAfter: nil) {
            let parts = key.dropFirst(root.count).split(separator: "/", maxSplits: 3, omittingEmptySubsequences: false)
            guard parts.count == 4, parts[1] == "CloudTrail-Digest" else { continue }
            let chain = ChainID(accountID: String(parts[0]), region: String(parts[2]))
            guard allRegions || chain.region == base.region, !chains.contains(chain),
                let location = try? TrailLocation(
                    bucket: base.bucket, prefix: base.prefix, organizationID: base.organizationID, accountID: chain.accountID, region: chain.region)
            else { continue }
            if location.digestEndTime(ofKey: key, trailName: trail.trailName, homeRegion: trail.homeRegion) != nil { chains.insert(chain) }
        }
        return chains.sorted()
    }

    private static func accountsRoot(_ base: TrailLocation) -> String {
        (base.prefix.map { $0 + "/" } ?? "") + "AWSLogs/" + (base.organizationID.map { $0 + "/" } ?? "")
    }
}

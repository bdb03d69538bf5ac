/// The digest is the one the newer digest's link vouches for: a digest of the same trail and
/// account [chain-mismatch], whose SHA-256 [previous-hash-mismatch] and signature
/// [previous-signature-mismatch] the link records, ending where the newer one starts
/// [window-not-contiguous]. aws-cli follows the link by name only.
struct ChainLinkCheck: DigestCheck {
    func problem(with older: ValidDigest, in context: DigestCheckContext) -> Finding? {
        guard let newer = context.newer, let link = newer.digest.previous else { return nil }
        if context.location.digestEndTime(ofKey: older.location.key, trailName: context.trailName, homeRegion: context.homeRegion) == nil {
            return Finding(.chainMismatch, "is not a digest of this trail, account and region, yet \(newer.location.uri) links to it")
        }
        if older.digest.awsAccountID != newer.digest.awsAccountID {
            return Finding(
                .chainMismatch, "awsAccountId \(older.digest.awsAccountID) differs from \(newer.digest.awsAccountID) in \(newer.location.uri)")
        }
        // Byte-equal text (the common case) is equal; otherwise compared as aws-cli would.
        if older.sha256 != link.hashValue, older.sha256 != link.hashValue.lowercased() {
            return Finding(
                .previousHashMismatch,
                "SHA-256 \(older.sha256) does not match previousDigestHashValue \(link.hashValue) in \(newer.location.uri)")
        }
        if link.signature != older.signature, Hex.decode(link.signature) != Hex.decode(older.signature) {
            return Finding(.previousSignatureMismatch, "signature does not match previousDigestSignature in \(newer.location.uri)")
        }
        if older.digest.endTime != newer.digest.startTime {
            return Finding(
                .windowNotContiguous,
                "ends at \(older.digest.endTime) but \(newer.location.uri) starts at \(newer.digest.startTime): the windows are not contiguous")
        }
        return nil
    }
}

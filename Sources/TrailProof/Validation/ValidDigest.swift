/// A digest whose signature verified and that passed every check of the run, with what the next
/// older link and the state file need.
struct ValidDigest: Sendable {
    let location: ObjectLocation
    let digest: DigestFile
    let isBackfill: Bool
    /// Hex SHA-256 of the uncompressed bytes, as the newer digest's link records it.
    let sha256: String
    /// Hex signature, lowercase.
    let signature: String
}

/// One check of a digest beyond aws-cli's, made after its signature verified: a small policy type,
/// as swift-certificates' `VerifierPolicy`, so each check can be read and tested on its own.
protocol DigestCheck: Sendable {
    /// A finding when `digest` fails the check, else nil.
    func problem(with digest: ValidDigest, in context: DigestCheckContext) -> Finding?
}

/// What a check may look at besides the digest.
struct DigestCheckContext: Sendable {
    /// The chain the digest was found in.
    let location: TrailLocation
    let trailName: String
    let homeRegion: String
    /// The published key the signature verified with.
    let signingKey: PublicKeyEntry
    /// The valid digest whose link led to this one, if a link did.
    let newer: ValidDigest?
}

/// The checks each level of ``ValidationRequest/CheckLevel`` makes after a signature verified, in
/// the order they are made (the first finding is reported).
enum DigestChecks {
    static func checks(for level: ValidationRequest.CheckLevel) -> [any DigestCheck] {
        switch level {
        case .awsCLI: return []
        case .full: return [NameTimeCheck(), SigningKeyValidityCheck(), HashAlgorithmCheck(), AccountCheck(), ChainLinkCheck()]
        }
    }
}

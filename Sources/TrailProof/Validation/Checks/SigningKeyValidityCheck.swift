/// The key a digest verified with was published as valid at the digest's end time
/// [key-outside-validity]: a retired key's holder cannot sign new digests.
struct SigningKeyValidityCheck: DigestCheck {
    func problem(with valid: ValidDigest, in context: DigestCheckContext) -> Finding? {
        let key = context.signingKey
        guard !key.isValid(at: valid.digest.endTime) else { return nil }
        return Finding(
            .keyOutsideValidity,
            "signed with key \(key.fingerprint), valid \(key.validityStart) to \(key.validityEnd), not at digestEndTime \(valid.digest.endTime)")
    }
}

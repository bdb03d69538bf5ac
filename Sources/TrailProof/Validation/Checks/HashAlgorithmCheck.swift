/// Every hash a digest names is SHA-256 [unsupported-algorithm]: the link to the previous digest
/// and each log file's.
struct HashAlgorithmCheck: DigestCheck {
    func problem(with valid: ValidDigest, in context: DigestCheckContext) -> Finding? {
        let digest = valid.digest
        if let algorithm = digest.previous?.hashAlgorithm, algorithm != "SHA-256" {
            return Finding(.unsupportedAlgorithm, "unsupported previousDigestHashAlgorithm \"\(algorithm)\"")
        }
        if let entry = digest.logFiles.first(where: { $0.hashAlgorithm != "SHA-256" }) {
            return Finding(.unsupportedAlgorithm, "unsupported hashAlgorithm \"\(entry.hashAlgorithm)\" for \(entry.location.uri)")
        }
        return nil
    }
}

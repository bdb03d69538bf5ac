import Synchronization

/// Published keys as parsed for verification, shared by every digest a run loads: parsing a
/// key and checking its fingerprint once per key instead of once per digest.
final class ParsedPublicKeys: Sendable {
    /// A key as it was read: the key, or why it could not be.
    struct Parsed: Sendable {
        let key: Result<RSAPublicKey, TrailProofError>
        /// Whether the fingerprint is the MD5 of the published bytes.
        let fingerprintMatches: Bool
    }

    private let parsed = Mutex<[PublicKeyEntry: Parsed]>([:])

    /// `entry` parsed, from the cache when an earlier digest used it.
    func parse(_ entry: PublicKeyEntry) -> Parsed {
        if let known = parsed.withLock({ $0[entry] }) { return known }
        let key: Result<RSAPublicKey, TrailProofError>
        do {
            key = .success(try RSAPublicKey(der: entry.der))
        } catch let error as TrailProofError {
            key = .failure(error)
        } catch {
            key = .failure(TrailProofError(.invalidPublicKeyList, "\(error)"))
        }
        let result = Parsed(key: key, fingerprintMatches: MessageDigest.md5Hex(entry.der) == entry.fingerprint)
        parsed.withLock { $0[entry] = result }
        return result
    }
}

import COpenSSLCrypto
import Synchronization

/// An RSA public key that verifies SHA256withRSA (RSASSA-PKCS1-v1_5) signatures.
///
/// `@unchecked Sendable`: the `EVP_PKEY` is never mutated after `init`, and OpenSSL 3 allows
/// concurrent verification with one key because every operation gets its own context.
public final class RSAPublicKey: @unchecked Sendable {
    let key: OpaquePointer
    /// Verification contexts set up for the raw public operation, kept for the next use: one is
    /// used by one verification at a time, and setting one up (the provider's lookups) took
    /// about a sixth of a verification. At most ``maximumIdleContexts`` are kept.
    private let idleContexts = Mutex<[VerificationContext]>([])
    private static let maximumIdleContexts = 16

    /// `@unchecked Sendable`: a context moves between threads only through `idleContexts`, and is
    /// used by one verification at a time.
    private struct VerificationContext: @unchecked Sendable {
        let pointer: OpaquePointer
    }

    /// The smallest modulus accepted, in bits. CloudTrail's keys are 2048-bit.
    public static let minimumBits = 2048

    /// Reads a public key from DER bytes: PKCS#1 `RSAPublicKey` (what CloudTrail documents)
    /// or X.509 `SubjectPublicKeyInfo` (what it has also published). Trailing bytes are refused.
    public init(der: [UInt8]) throws {
        guard !der.isEmpty else {
            throw TrailProofError(.invalidPublicKeyList, "public key is empty")
        }
        let parsed = der.withUnsafeBufferPointer { buffer -> OpaquePointer? in
            let base = buffer.baseAddress!
            var cursor: UnsafePointer<UInt8>? = base
            if let key = d2i_PUBKEY(nil, &cursor, buffer.count) {
                if cursor == base + buffer.count { return key }
                EVP_PKEY_free(key)
            }
            cursor = base
            if let key = d2i_PublicKey(EVP_PKEY_RSA, nil, &cursor, buffer.count) {
                if cursor == base + buffer.count { return key }
                EVP_PKEY_free(key)
            }
            return nil
        }
        clearOpenSSLErrors()
        guard let parsed else {
            throw TrailProofError(
                .invalidPublicKeyList, "public key is neither PKCS#1 RSAPublicKey nor SubjectPublicKeyInfo DER")
        }
        guard EVP_PKEY_is_a(parsed, "RSA") == 1 else {
            EVP_PKEY_free(parsed)
            throw TrailProofError(.invalidPublicKeyList, "public key is not an RSA key")
        }
        let bits = Int(EVP_PKEY_get_bits(parsed))
        guard bits >= Self.minimumBits else {
            EVP_PKEY_free(parsed)
            throw TrailProofError(
                .invalidPublicKeyList, "public key has \(bits) bits; at least \(Self.minimumBits) are required")
        }
        self.key = parsed
    }

    /// Takes ownership of a key that is known to be RSA.
    init(owning key: OpaquePointer) {
        self.key = key
    }

    deinit {
        idleContexts.withLock { contexts in
            for context in contexts { EVP_PKEY_CTX_free(context.pointer) }
            contexts.removeAll()
        }
        EVP_PKEY_free(key)
    }

    /// The modulus size in bits.
    public var bits: Int { Int(EVP_PKEY_get_bits(key)) }

    /// The key as PKCS#1 `RSAPublicKey` DER, the form CloudTrail publishes and fingerprints.
    public var pkcs1DER: [UInt8] { Self.pkcs1DER(of: key) }

    /// The public half of an RSA `EVP_PKEY` (public or private) as PKCS#1 `RSAPublicKey` DER.
    static func pkcs1DER(of key: OpaquePointer) -> [UInt8] {
        let length = i2d_PublicKey(key, nil)
        precondition(length > 0, "i2d_PublicKey failed on a loaded RSA key")
        var output = [UInt8](repeating: 0, count: Int(length))
        output.withUnsafeMutableBufferPointer { buffer in
            var cursor: UnsafeMutablePointer<UInt8>? = buffer.baseAddress
            _ = i2d_PublicKey(key, &cursor)
        }
        return output
    }

    /// Whether `signature` is a valid RSASSA-PKCS1-v1_5 SHA-256 signature of `message`.
    ///
    /// Strict: the signature must be exactly as long as the modulus, and the padded
    /// `DigestInfo` must be the one DER encoding (with its NULL parameter).
    public func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        let modulusBytes = Int(EVP_PKEY_get_size(key))
        guard signature.count == modulusBytes else { return false }
        guard let recovered = recoverPaddedMessage(signature) else { return false }
        let expected = Self.pkcs1v15Encoding(of: MessageDigest.sha256(message), length: modulusBytes)
        return constantTimeEqual(recovered, expected)
    }

    /// The raw RSA public operation: signature^e mod n, with no padding removed.
    private func recoverPaddedMessage(_ signature: [UInt8]) -> [UInt8]? {
        guard let context = idleContexts.withLock({ $0.popLast()?.pointer }) ?? newVerificationContext() else { return nil }
        var output = [UInt8](repeating: 0, count: signature.count)
        var outputLength = output.count
        let status = EVP_PKEY_verify_recover(context, &output, &outputLength, signature, signature.count)
        guard status == 1, outputLength == signature.count else {
            // A context whose operation failed is not reused.
            EVP_PKEY_CTX_free(context)
            clearOpenSSLErrors()
            return nil
        }
        let kept = idleContexts.withLock { contexts in
            guard contexts.count < Self.maximumIdleContexts else { return false }
            contexts.append(VerificationContext(pointer: context))
            return true
        }
        if !kept { EVP_PKEY_CTX_free(context) }
        return output
    }

    /// A context for ``recoverPaddedMessage(_:)``: public-key recovery without padding.
    private func newVerificationContext() -> OpaquePointer? {
        guard let context = EVP_PKEY_CTX_new_from_pkey(nil, key, nil) else { return nil }
        guard EVP_PKEY_verify_recover_init(context) == 1, EVP_PKEY_CTX_set_rsa_padding(context, RSA_NO_PADDING) == 1 else {
            EVP_PKEY_CTX_free(context)
            clearOpenSSLErrors()
            return nil
        }
        return context
    }

    /// EMSA-PKCS1-v1_5 encoding (RFC 8017, 9.2) of a SHA-256 hash into `length` bytes.
    static func pkcs1v15Encoding(of hash: [UInt8], length: Int) -> [UInt8] {
        let digestInfoPrefix: [UInt8] = [
            0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00,
            0x04, 0x20,
        ]
        let tail = digestInfoPrefix + hash
        let paddingLength = length - tail.count - 3
        precondition(paddingLength >= 8, "modulus too small for SHA-256 PKCS#1 v1.5")
        return [0x00, 0x01] + [UInt8](repeating: 0xff, count: paddingLength) + [0x00] + tail
    }
}

/// Compares two byte arrays in time that does not depend on where they differ.
func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
    guard lhs.count == rhs.count else { return false }
    var difference: UInt8 = 0
    for index in lhs.indices { difference |= lhs[index] ^ rhs[index] }
    return difference == 0
}

import COpenSSLCrypto

/// An RSA private key that signs SHA256withRSA, as CloudTrail signs digest files.
///
/// `@unchecked Sendable`: the `EVP_PKEY` is never mutated after `init`; each signature
/// gets its own OpenSSL context.
public final class RSAPrivateKey: @unchecked Sendable {
    private let key: OpaquePointer

    /// Generates a new key pair with a modulus of `bits` bits (2048 by default, as CloudTrail).
    public init(generatingBits bits: Int = 2048) throws {
        guard bits >= RSAPublicKey.minimumBits else {
            throw TrailProofError(.invalidArgument, "RSA keys must have at least \(RSAPublicKey.minimumBits) bits")
        }
        guard let context = EVP_PKEY_CTX_new_from_name(nil, "RSA", nil) else {
            throw openSSLFailure("creating an RSA key generation context")
        }
        defer { EVP_PKEY_CTX_free(context) }
        var generated: OpaquePointer?
        guard EVP_PKEY_keygen_init(context) == 1,
            EVP_PKEY_CTX_set_rsa_keygen_bits(context, Int32(bits)) == 1,
            EVP_PKEY_generate(context, &generated) == 1,
            let generated
        else {
            throw openSSLFailure("generating an RSA-\(bits) key")
        }
        self.key = generated
    }

    /// Reads a private key from PEM (PKCS#8 `PRIVATE KEY` or PKCS#1 `RSA PRIVATE KEY`).
    public init(pem: String) throws {
        let bytes = Array(pem.utf8)
        let loaded: OpaquePointer? = bytes.withUnsafeBytes { buffer in
            guard let bio = BIO_new_mem_buf(buffer.baseAddress, Int32(buffer.count)) else { return nil }
            defer { BIO_free(bio) }
            return PEM_read_bio_PrivateKey(bio, nil, nil, nil)
        }
        guard let loaded else { throw openSSLFailure("reading a PEM private key") }
        guard EVP_PKEY_is_a(loaded, "RSA") == 1 else {
            EVP_PKEY_free(loaded)
            throw TrailProofError(.keyringFailure, "the private key is not an RSA key")
        }
        self.key = loaded
    }

    deinit { EVP_PKEY_free(key) }

    /// The private key as unencrypted PKCS#8 PEM. Store it with mode 0600.
    public func pemRepresentation() throws -> String {
        guard let bio = BIO_new(BIO_s_mem()) else { throw openSSLFailure("allocating a memory BIO") }
        defer { BIO_free(bio) }
        guard PEM_write_bio_PrivateKey(bio, key, nil, nil, 0, nil, nil) == 1 else {
            throw openSSLFailure("writing a PEM private key")
        }
        var data: UnsafeMutablePointer<CChar>?
        let length = BIO_ctrl(bio, BIO_CTRL_INFO, 0, &data)
        guard length > 0, let data else { throw openSSLFailure("reading the PEM buffer") }
        return String(decoding: UnsafeRawBufferPointer(start: data, count: length), as: UTF8.self)
    }

    /// The matching public key.
    public func publicKey() throws -> RSAPublicKey {
        try RSAPublicKey(der: RSAPublicKey.pkcs1DER(of: key))
    }

    /// Signs `message` with RSASSA-PKCS1-v1_5 and SHA-256.
    public func signature(for message: [UInt8]) throws -> [UInt8] {
        guard let context = EVP_MD_CTX_new() else { throw openSSLFailure("allocating a signing context") }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestSignInit_ex(context, nil, "SHA256", nil, nil, key, nil) == 1 else {
            throw openSSLFailure("initialising SHA256withRSA signing")
        }
        var length = 0
        guard EVP_DigestSign(context, nil, &length, message, message.count) == 1 else {
            throw openSSLFailure("sizing a SHA256withRSA signature")
        }
        var signature = [UInt8](repeating: 0, count: length)
        guard EVP_DigestSign(context, &signature, &length, message, message.count) == 1 else {
            throw openSSLFailure("computing a SHA256withRSA signature")
        }
        return Array(signature.prefix(length))
    }
}

import COpenSSLCrypto
public import FoundationEssentials

/// A streaming message digest (SHA-256 or MD5) on OpenSSL's EVP interface.
///
/// Not thread-safe: one hasher per task. The algorithm objects are fetched once per process.
public final class MessageDigest {
    /// The algorithms TrailProof needs: SHA-256 for hashes and signatures, MD5 for key
    /// fingerprints, SHA-1 only to name the AWS SSO token cache file as the AWS tools do.
    public enum Algorithm: Sendable {
        case sha256
        case md5
        case sha1

        fileprivate var fetched: OpaquePointer {
            switch self {
            case .sha256: return FetchedAlgorithms.shared.sha256
            case .md5: return FetchedAlgorithms.shared.md5
            case .sha1: return FetchedAlgorithms.shared.sha1
            }
        }
    }

    private let context: OpaquePointer
    private let algorithm: Algorithm

    /// Starts a new digest computation.
    public init(_ algorithm: Algorithm) {
        guard let context = EVP_MD_CTX_new() else {
            preconditionFailure("EVP_MD_CTX_new failed: out of memory")
        }
        guard EVP_DigestInit_ex2(context, algorithm.fetched, nil) == 1 else {
            preconditionFailure("EVP_DigestInit_ex2 failed for a fetched algorithm")
        }
        self.context = context
        self.algorithm = algorithm
    }

    /// Starts a new computation with the same algorithm, keeping the context's memory.
    public func reset() {
        guard EVP_DigestInit_ex2(context, algorithm.fetched, nil) == 1 else {
            preconditionFailure("EVP_DigestInit_ex2 failed for a fetched algorithm")
        }
    }

    deinit { EVP_MD_CTX_free(context) }

    /// Feeds bytes into the digest.
    public func update(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count > 0 else { return }
        EVP_DigestUpdate(context, bytes.baseAddress, bytes.count)
    }

    /// Feeds bytes into the digest.
    public func update<Bytes: ContiguousBytes>(_ bytes: Bytes) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// Finishes the computation and returns the digest bytes. Call once.
    public func finish() -> [UInt8] {
        finish { Array($0) }
    }

    /// Finishes the computation and passes the digest bytes to `body`, from a buffer on the
    /// stack: a run checks one hash per log file, and allocating for each shows. Call once.
    public func finish<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Int(EVP_MAX_MD_SIZE)) { output in
            var length: UInt32 = 0
            EVP_DigestFinal_ex(context, output.baseAddress, &length)
            return try body(UnsafeRawBufferPointer(start: output.baseAddress, count: Int(length)))
        }
    }

    /// The SHA-256 of `bytes`.
    public static func sha256<Bytes: ContiguousBytes>(_ bytes: Bytes) -> [UInt8] {
        let digest = MessageDigest(.sha256)
        digest.update(bytes)
        return digest.finish()
    }

    /// The lowercase hex SHA-256 of `bytes`.
    public static func sha256Hex<Bytes: ContiguousBytes>(_ bytes: Bytes) -> String {
        Hex.encode(sha256(bytes))
    }

    /// The lowercase hex digest of `bytes` with `algorithm`.
    public static func hex<Bytes: ContiguousBytes>(_ algorithm: Algorithm, _ bytes: Bytes) -> String {
        let digest = MessageDigest(algorithm)
        digest.update(bytes)
        return Hex.encode(digest.finish())
    }

    /// The lowercase hex MD5 of `bytes`, as CloudTrail computes public key fingerprints.
    public static func md5Hex<Bytes: ContiguousBytes>(_ bytes: Bytes) -> String {
        hex(.md5, bytes)
    }
}

/// Algorithm objects fetched from the default provider once, then shared read-only.
///
/// `@unchecked Sendable`: the pointers are written once in `init` and OpenSSL documents fetched
/// `EVP_MD` objects as safe to share between threads.
private final class FetchedAlgorithms: @unchecked Sendable {
    static let shared = FetchedAlgorithms()
    let sha256: OpaquePointer
    let md5: OpaquePointer
    let sha1: OpaquePointer

    private init() {
        guard let sha256 = EVP_MD_fetch(nil, "SHA256", nil), let md5 = EVP_MD_fetch(nil, "MD5", nil),
            let sha1 = EVP_MD_fetch(nil, "SHA1", nil)
        else {
            preconditionFailure("OpenSSL default provider lacks SHA256, MD5 or SHA1: \(openSSLFailure("EVP_MD_fetch"))")
        }
        self.sha256 = sha256
        self.md5 = md5
        self.sha1 = sha1
    }
}

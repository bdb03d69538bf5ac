/// Why an object failed validation: a stable code for scripts and the aws-cli wording.
public struct Finding: Hashable, Sendable, CustomStringConvertible {
    /// Stable identifiers of what was found; the raw values appear in machine-readable reports.
    public enum Code: String, Hashable, Sendable, CaseIterable {
        /// The object does not exist.
        case notFound = "not-found"
        /// Not gzip, not JSON, or (digests) a field missing, of the wrong type or duplicated.
        case invalidFormat = "invalid-format"
        /// A digest's own `digestS3Bucket`/`digestS3Object` is not where it was read from.
        case moved = "moved"
        /// No published key with the digest's fingerprint is valid in the requested range.
        case publicKeyNotFound = "public-key-not-found"
        /// The published key with that fingerprint cannot be read as an RSA key.
        case publicKeyUnreadable = "public-key-unreadable"
        /// The signature is missing from the metadata or does not verify.
        case signatureVerificationFailed = "signature-verification-failed"
        /// The SHA-256 of the uncompressed log differs from the digest's `hashValue`.
        case hashMismatch = "hash-mismatch"
        /// The hash matches but bytes follow the end of the gzip stream.
        case dataAfterGzipStream = "data-after-gzip-stream"
        /// The hash matches but the gzip stream stops before its end (no trailer check).
        case truncatedGzipStream = "truncated-gzip-stream"
        /// The key is not a safe S3 key (`..`, empty segment, leading `/`, …) and was not read.
        case unsafeKey = "unsafe-key"
        /// The store failed to return the object (I/O error, permission, symbolic link).
        case readFailure = "read-failure"
    }

    public let code: Code
    /// The text after `INVALID: ` in aws-cli's output.
    public let message: String
    /// More about the cause, for reports; nil when the message says it all.
    public let detail: String?

    public init(_ code: Code, _ message: String, detail: String? = nil) {
        self.code = code
        self.message = message
        self.detail = detail
    }

    public var description: String { message }

    static let notFound = Finding(.notFound, "not found")
    static func invalidFormat(_ detail: String) -> Finding { Finding(.invalidFormat, "invalid format", detail: detail) }
    static let moved = Finding(.moved, "has been moved from its original location")
    static let signatureFailed = Finding(.signatureVerificationFailed, "signature verification failed")
    static let hashMismatch = Finding(.hashMismatch, "hash value doesn't match")
}

/// The outcome for one object.
public enum Verdict: Hashable, Sendable {
    case valid
    case invalid(Finding)

    /// Whether the object passed.
    public var isValid: Bool {
        if case .valid = self { return true }
        return false
    }
}

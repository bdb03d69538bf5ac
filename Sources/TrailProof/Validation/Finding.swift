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
        /// The store failed to return the object after its retries (I/O error, permission, a
        /// connection that broke, not a regular file): the verdict is unreadable, not INVALID.
        case readFailure = "read-failure"
        /// The older digest's SHA-256 differs from the newer digest's `previousDigestHashValue`.
        case previousHashMismatch = "previous-hash-mismatch"
        /// The older digest's signature differs from the newer digest's `previousDigestSignature`.
        case previousSignatureMismatch = "previous-signature-mismatch"
        /// The older digest does not end where the newer one starts.
        case windowNotContiguous = "window-not-contiguous"
        /// The digest belongs to another account, region or trail than the chain it is in.
        case chainMismatch = "chain-mismatch"
        /// The signing key's validity window does not contain the digest's end time.
        case keyOutsideValidity = "key-outside-validity"
        /// The published fingerprint is not the MD5 of the published key bytes.
        case fingerprintMismatch = "fingerprint-mismatch"
        /// A signature or hash algorithm other than SHA256withRSA / SHA-256.
        case unsupportedAlgorithm = "unsupported-algorithm"
        /// A validly listed digest that the chain walk never reached: a fork, or a second digest
        /// for an hour the chain covers.
        case offChain = "off-chain"
        /// A digest's `digestEndTime` is not the time (or date folder) in its object name.
        case keyTimeMismatch = "key-time-mismatch"
        /// A log file listed by a digest whose window is far from the log's delivery time.
        case outsideWindow = "outside-window"
        /// A digest that must exist (hourly chain, before --end-time) is missing.
        case missingDigest = "missing-digest"
        /// The newest digests are missing: none covers the end of the range.
        case tailTruncated = "tail-truncated"
        /// A log file in an hour covered by a valid digest that no digest lists.
        case notReferenced = "not-referenced"
        /// A log file that no valid digest covers: its digest is missing or invalid.
        case noValidDigest = "no-valid-digest"
        /// A digest with no signature source: no metadata, no newer digest, no --signatures entry.
        case noSignature = "no-signature"
        /// The chain does not reach the digest recorded by an earlier run (--state).
        case anchorNotReached = "anchor-not-reached"
        /// The digest recorded by an earlier run (--state) has been replaced.
        case anchorMismatch = "anchor-mismatch"
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
    /// Every check passed.
    case valid
    /// A check failed: the object is not what the chain vouches for.
    case invalid(Finding)
    /// Nothing can vouch for the object (its digest is missing or invalid, or no signature
    /// is available): not shown to be altered, not shown to be intact.
    case unverified(Finding)
    /// The object could not be read (after the store's retries): nothing was established
    /// about it, neither tampering nor integrity.
    case unreadable(Finding)

    /// Whether the object passed.
    public var isValid: Bool {
        if case .valid = self { return true }
        return false
    }

    /// The finding, for a verdict other than valid.
    public var finding: Finding? {
        switch self {
        case .valid: return nil
        case .invalid(let finding), .unverified(let finding), .unreadable(let finding): return finding
        }
    }

    /// The verdict on an object a digest names that the store would not hand over: missing, or
    /// refused as an unsafe key (every store checks keys before it reads), is INVALID, since the
    /// digest vouches for it; any other failure is UNREADABLE, nothing established.
    static func notRead(_ error: any Error) -> Verdict {
        guard let error = error as? TrailProofError else { return .unreadable(Finding(.readFailure, "\(error)")) }
        switch error.code {
        case .objectNotFound: return .invalid(.notFound)
        case .invalidObjectKey: return .invalid(Finding(.unsafeKey, error.message))
        default: return .unreadable(Finding(.readFailure, error.message))
        }
    }
}

/// The one error type of the TrailProof library.
///
/// Every error carries a stable ``code`` that scripts and tests can match on, and a message
/// that names the object involved, the cause, and where possible what the user can do.
/// Two errors are equal when their codes are equal, so a test can write
/// `#expect(throws: TrailProofError(.invalidObjectKey, ""))`.
public struct TrailProofError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of failure. New codes may be added; existing ones keep their meaning.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case invalidArgument, invalidObjectKey, objectNotFound, objectExists, objectTooLarge, storageFailure
            case invalidInput, cryptographyFailure, keyringFailure, noPublicKeys, invalidPublicKeyList
            case trailNotFound, trailAlreadyExists, trailNotLogging
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// A command-line or API argument is malformed or out of range.
        public static let invalidArgument = Code(.invalidArgument)
        /// An object key is not a safe S3 key (`..`, empty segment, leading `/`, backslash, NUL).
        public static let invalidObjectKey = Code(.invalidObjectKey)
        /// The requested object does not exist in the store.
        public static let objectNotFound = Code(.objectNotFound)
        /// A write was refused because the object already exists and must not be overwritten.
        public static let objectExists = Code(.objectExists)
        /// An object is larger than what may be read of it whole (a digest over its size cap).
        public static let objectTooLarge = Code(.objectTooLarge)
        /// The store could not be read or written (I/O error, permissions, symlink refused).
        public static let storageFailure = Code(.storageFailure)
        /// Input to produce from (a log document, a digest being extended) is malformed.
        public static let invalidInput = Code(.invalidInput)
        /// OpenSSL or zlib reported a failure.
        public static let cryptographyFailure = Code(.cryptographyFailure)
        /// The keyring is missing, unreadable, or has no key for the requested time and region.
        public static let keyringFailure = Code(.keyringFailure)
        /// No public key is valid in the requested validation range.
        public static let noPublicKeys = Code(.noPublicKeys)
        /// A public key list (ListPublicKeys shape) is malformed.
        public static let invalidPublicKeyList = Code(.invalidPublicKeyList)

        /// No trail of that name or ARN is defined in the store (AWS's TrailNotFoundException).
        public static let trailNotFound = Code(.trailNotFound)
        /// create-trail with a name the store already has (AWS's TrailAlreadyExistsException).
        public static let trailAlreadyExists = Code(.trailAlreadyExists)
        /// Logs were offered to a trail that is not logging at that time.
        public static let trailNotLogging = Code(.trailNotLogging)

        public var description: String { base.rawValue }
    }

    /// What kind of failure this is.
    public let code: Code
    /// A sentence for people: the object, the cause, and what to do.
    public let message: String

    /// Makes an error with a code and a message for people.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    public static func == (lhs: TrailProofError, rhs: TrailProofError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}

/// One CloudTrail digest file: the hashes of the logs delivered in one window, and the link
/// to the previous digest. See FORMAT.md for each field.
public struct DigestFile: Hashable, Sendable {
    /// The most a digest may take, compressed or inflated: 16 MiB. A digest entry is about 400
    /// bytes, so this is 40,000 log files in one hour, far above what CloudTrail delivers for
    /// one account and region (a busy region's hourly digest is well under 2 MB), while a
    /// decompression bomb costs at most this much memory before it is refused.
    public static let maximumSize = 16 << 20

    /// The uncompressed bytes of a stored digest: exactly one gzip stream, at most
    /// ``maximumSize`` inflated (inflation stops there).
    public static func inflate(_ compressed: [UInt8]) throws -> [UInt8] {
        try GzipInflater.decompressWhole(compressed, maxOutput: maximumSize)
    }

    /// One entry of `logFiles`.
    public struct LogFileEntry: Hashable, Sendable {
        public var location: ObjectLocation
        /// Hex SHA-256 of the log's uncompressed bytes.
        public var hashValue: String {
            get { hash.description }
            set { hash = HashText(newValue) }
        }
        /// Always `SHA-256` in files CloudTrail writes.
        public var hashAlgorithm: String
        public var newestEventTime: String {
            get { newest.description }
            set { newest = ShortText(newValue) }
        }
        public var oldestEventTime: String {
            get { oldest.description }
            set { oldest = ShortText(newValue) }
        }
        /// The hash value, kept as bytes when it is lowercase hex (see ``HashText``).
        private(set) var hash: HashText
        /// The event times, kept in place (see ``ShortText``).
        private(set) var newest: ShortText
        private(set) var oldest: ShortText

        public init(
            location: ObjectLocation, hashValue: String, hashAlgorithm: String = "SHA-256",
            newestEventTime: String, oldestEventTime: String
        ) {
            self.init(
                location: location, hash: HashText(hashValue), hashAlgorithm: hashAlgorithm, newest: ShortText(newestEventTime),
                oldest: ShortText(oldestEventTime))
        }

        init(location: ObjectLocation, hash: HashText, hashAlgorithm: String, newest: ShortText, oldest: ShortText) {
            self.location = location
            self.hash = hash
            self.hashAlgorithm = hashAlgorithm
            self.newest = newest
            self.oldest = oldest
        }
    }

    /// The link to the previous digest; all five fields are null for the first digest of a chain.
    public struct PreviousDigest: Hashable, Sendable {
        public var location: ObjectLocation
        /// Hex SHA-256 of the previous digest's uncompressed bytes.
        public var hashValue: String
        public var hashAlgorithm: String
        /// Hex signature of the previous digest.
        public var signature: String

        public init(location: ObjectLocation, hashValue: String, hashAlgorithm: String = "SHA-256", signature: String) {
            self.location = location
            self.hashValue = hashValue
            self.hashAlgorithm = hashAlgorithm
            self.signature = signature
        }
    }

    public var awsAccountID: String
    public var startTime: Timestamp
    public var endTime: Timestamp
    /// Where the digest says it was delivered; a copy elsewhere has been moved.
    public var location: ObjectLocation
    public var publicKeyFingerprint: String
    public var signatureAlgorithm: String
    public var newestEventTime: String?
    public var oldestEventTime: String?
    /// Nil for the first digest of a chain.
    public var previous: PreviousDigest?
    public var logFiles: [LogFileEntry]

    public init(
        awsAccountID: String, startTime: Timestamp, endTime: Timestamp, location: ObjectLocation,
        publicKeyFingerprint: String, signatureAlgorithm: String = "SHA256withRSA",
        newestEventTime: String?, oldestEventTime: String?, previous: PreviousDigest?,
        logFiles: [LogFileEntry]
    ) {
        self.awsAccountID = awsAccountID
        self.startTime = startTime
        self.endTime = endTime
        self.location = location
        self.publicKeyFingerprint = publicKeyFingerprint
        self.signatureAlgorithm = signatureAlgorithm
        self.newestEventTime = newestEventTime
        self.oldestEventTime = oldestEventTime
        self.previous = previous
        self.logFiles = logFiles
    }

    /// The JSON document in AWS's member order, compact, as CloudTrail writes it.
    public func serialized() -> [UInt8] {
        func string(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
        let logs: [JSONValue] = logFiles.map { entry in
            .object([
                ("s3Bucket", .string(entry.location.bucket)),
                ("s3Object", .string(entry.location.key)),
                ("hashValue", .string(entry.hashValue)),
                ("hashAlgorithm", .string(entry.hashAlgorithm)),
                ("newestEventTime", .string(entry.newestEventTime)),
                ("oldestEventTime", .string(entry.oldestEventTime)),
            ])
        }
        let document: JSONValue = .object([
            ("awsAccountId", .string(awsAccountID)),
            ("digestStartTime", .string(startTime.iso8601)),
            ("digestEndTime", .string(endTime.iso8601)),
            ("digestS3Bucket", .string(location.bucket)),
            ("digestS3Object", .string(location.key)),
            ("digestPublicKeyFingerprint", .string(publicKeyFingerprint)),
            ("digestSignatureAlgorithm", .string(signatureAlgorithm)),
            ("newestEventTime", string(newestEventTime)),
            ("oldestEventTime", string(oldestEventTime)),
            ("previousDigestS3Bucket", string(previous?.location.bucket)),
            ("previousDigestS3Object", string(previous?.location.key)),
            ("previousDigestHashValue", string(previous?.hashValue)),
            ("previousDigestHashAlgorithm", string(previous?.hashAlgorithm)),
            ("previousDigestSignature", string(previous?.signature)),
            ("logFiles", .array(logs)),
        ])
        return document.serialized()
    }

    /// The exact bytes CloudTrail signs: end time, location, hash of the stored (uncompressed)
    /// digest bytes and the previous signature (`null` for the first digest of a chain).
    public static func stringToSign(
        endTime: String, location: ObjectLocation, uncompressedBytes: [UInt8],
        previousSignature: String?
    ) -> [UInt8] {
        stringToSign(
            endTime: endTime, location: location, sha256Hex: MessageDigest.sha256Hex(uncompressedBytes), previousSignature: previousSignature)
    }

    /// ``stringToSign(endTime:location:uncompressedBytes:previousSignature:)`` from the hex
    /// SHA-256 of the uncompressed bytes, for a reader that needs that hash anyway.
    static func stringToSign(endTime: String, location: ObjectLocation, sha256Hex: String, previousSignature: String?) -> [UInt8] {
        let text = "\(endTime)\n\(location.bucket)/\(location.key)\n\(sha256Hex)\n\(previousSignature ?? "null")"
        return Array(text.utf8)
    }
}

extension DigestFile {
    /// The SHA256withRSA signature of this digest as stored: `uncompressed` are its stored
    /// (uncompressed) bytes, which the signature covers through their SHA-256.
    public func signature(over uncompressed: [UInt8], with privateKey: RSAPrivateKey) throws -> [UInt8] {
        try privateKey.signature(for: stringToSign(over: uncompressed))
    }

    /// Whether `signature` is this digest's SHA256withRSA signature over its stored bytes.
    public func isValidSignature(_ signature: [UInt8], over uncompressed: [UInt8], publicKey: RSAPublicKey) -> Bool {
        isValidSignature(signature, sha256Hex: MessageDigest.sha256Hex(uncompressed), publicKey: publicKey)
    }

    /// ``isValidSignature(_:over:publicKey:)`` given the hex SHA-256 of the stored bytes.
    func isValidSignature(_ signature: [UInt8], sha256Hex: String, publicKey: RSAPublicKey) -> Bool {
        publicKey.isValidSignature(signature, for: stringToSign(sha256Hex: sha256Hex))
    }

    private func stringToSign(over uncompressed: [UInt8]) -> [UInt8] {
        stringToSign(sha256Hex: MessageDigest.sha256Hex(uncompressed))
    }

    private func stringToSign(sha256Hex: String) -> [UInt8] {
        Self.stringToSign(endTime: endTime.iso8601, location: location, sha256Hex: sha256Hex, previousSignature: previous?.signature)
    }
}

extension DigestFile {
    /// Why a digest document was refused.
    public struct FormatFailure: Error, Sendable, CustomStringConvertible {
        public let reason: String
        public var description: String { reason }
    }

    /// Reads a digest document strictly: valid UTF-8 JSON without duplicate keys; every field
    /// present (a missing field is not the same as `null`) with the right type; only the
    /// `previousDigest*` fields (all five together) and the event times of an empty digest
    /// may be `null`. Unknown extra fields are allowed, as a newer CloudTrail may add some.
    public init(parsing bytes: [UInt8]) throws(FormatFailure) {
        // The documents CloudTrail writes in one pass; any other through the JSON tree, which
        // gives the same digest for those (a test and the fuzzer compare them) and says why
        // a document is refused.
        if let digest = DigestFile(commonCase: bytes) {
            self = digest
        } else {
            try self.init(strictlyParsing: bytes)
        }
    }

    /// ``init(parsing:)`` through the JSON tree, whatever the document.
    init(strictlyParsing bytes: [UInt8]) throws(FormatFailure) {
        let document: JSONValue
        do {
            document = try StrictJSONParser.parse(bytes)
        } catch {
            throw FormatFailure(reason: "not valid JSON: \(error)")
        }
        guard case .object = document else { throw FormatFailure(reason: "the document is not a JSON object") }
        var reader = FieldReader(object: document, context: "")
        awsAccountID = try reader.string("awsAccountId")
        let start = try reader.string("digestStartTime")
        let end = try reader.string("digestEndTime")
        guard let startTime = Timestamp(strictDigestForm: start) else {
            throw FormatFailure(reason: "digestStartTime \"\(start)\" is not YYYY-MM-DDTHH:MM:SSZ")
        }
        guard let endTime = Timestamp(strictDigestForm: end) else {
            throw FormatFailure(reason: "digestEndTime \"\(end)\" is not YYYY-MM-DDTHH:MM:SSZ")
        }
        self.startTime = startTime
        self.endTime = endTime
        location = ObjectLocation(bucket: try reader.string("digestS3Bucket"), key: try reader.string("digestS3Object"))
        publicKeyFingerprint = try reader.string("digestPublicKeyFingerprint")
        signatureAlgorithm = try reader.string("digestSignatureAlgorithm")
        newestEventTime = try reader.optionalString("newestEventTime")
        oldestEventTime = try reader.optionalString("oldestEventTime")
        let previousBucket = try reader.optionalString("previousDigestS3Bucket")
        let previousKey = try reader.optionalString("previousDigestS3Object")
        let previousHash = try reader.optionalString("previousDigestHashValue")
        let previousAlgorithm = try reader.optionalString("previousDigestHashAlgorithm")
        let previousSignature = try reader.optionalString("previousDigestSignature")
        let previousFields = [previousBucket, previousKey, previousHash, previousAlgorithm, previousSignature]
        if previousFields.allSatisfy({ $0 == nil }) {
            previous = nil
        } else if let previousBucket, let previousKey, let previousHash, let previousAlgorithm, let previousSignature {
            previous = PreviousDigest(
                location: ObjectLocation(bucket: previousBucket, key: previousKey), hashValue: previousHash,
                hashAlgorithm: previousAlgorithm, signature: previousSignature)
        } else {
            throw FormatFailure(reason: "the previousDigest* fields are partly null")
        }
        guard let logs = document["logFiles"] else { throw FormatFailure(reason: "logFiles is missing") }
        guard let elements = logs.arrayValue else { throw FormatFailure(reason: "logFiles is not an array") }
        var entries: [LogFileEntry] = []
        entries.reserveCapacity(elements.count)
        for (index, element) in elements.enumerated() {
            guard case .object = element else { throw FormatFailure(reason: "logFiles[\(index)] is not an object") }
            var entry = FieldReader(object: element, context: "logFiles[\(index)].")
            entries.append(
                LogFileEntry(
                    location: ObjectLocation(bucket: try entry.string("s3Bucket"), key: try entry.string("s3Object")),
                    hashValue: try entry.string("hashValue"), hashAlgorithm: try entry.string("hashAlgorithm"),
                    newestEventTime: try entry.string("newestEventTime"),
                    oldestEventTime: try entry.string("oldestEventTime")))
        }
        logFiles = entries
        if !entries.isEmpty, newestEventTime == nil || oldestEventTime == nil {
            throw FormatFailure(reason: "newestEventTime and oldestEventTime are null although logFiles is not empty")
        }
    }

    private struct FieldReader {
        let object: JSONValue
        let context: String

        mutating func string(_ name: String) throws(FormatFailure) -> String {
            guard let value = object[name] else { throw FormatFailure(reason: "\(context)\(name) is missing") }
            guard let text = value.stringValue else { throw FormatFailure(reason: "\(context)\(name) is not a string") }
            return text
        }

        mutating func optionalString(_ name: String) throws(FormatFailure) -> String? {
            guard let value = object[name] else { throw FormatFailure(reason: "\(context)\(name) is missing") }
            if value == .null { return nil }
            guard let text = value.stringValue else {
                throw FormatFailure(reason: "\(context)\(name) is neither a string nor null")
            }
            return text
        }
    }
}

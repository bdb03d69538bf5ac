import FoundationEssentials

/// The signing keys of a producer: RSA-2048 key pairs per region with validity windows,
/// rotated by generating a new one, and published in the ListPublicKeys shape.
///
///     DIR/keyring.json               the index: fingerprint, region, validity of every key
///     DIR/private/FINGERPRINT.pem    each private key (PKCS#8 PEM, mode 0600)
///     DIR/public-keys.json           every public key, ListPublicKeys shape, for validators
public struct Keyring: Sendable {
    /// One key pair's public facts.
    public struct Key: Hashable, Sendable {
        public var fingerprint: String
        public var region: String
        public var validityStart: Timestamp
        public var validityEnd: Timestamp
        /// PKCS#1 `RSAPublicKey` DER, as published.
        public var publicKeyDER: [UInt8]
    }

    /// The keyring folder.
    public let directory: String
    /// All keys, oldest first.
    public private(set) var keys: [Key]

    private var indexPath: String { directory + "/keyring.json" }
    private var privateDirectory: String { directory + "/private" }
    /// Where the ListPublicKeys document is published.
    public var publicKeysPath: String { directory + "/public-keys.json" }

    /// Opens a keyring; an absent folder or index is an empty keyring unless `mustExist`.
    public init(directory: String, mustExist: Bool = false) throws {
        self.directory = directory
        guard let bytes = try AtomicFile.read(directory + "/keyring.json") else {
            if mustExist {
                throw TrailProofError(
                    .keyringFailure, "no keyring at \(directory): create one with `trailproof keys generate --keyring \(directory)`")
            }
            keys = []
            return
        }
        func invalid(_ why: String) -> TrailProofError {
            TrailProofError(.keyringFailure, "keyring index \(directory)/keyring.json is damaged: \(why)")
        }
        guard let list = (try? StrictJSONParser.parse(bytes))?["keys"]?.arrayValue else { throw invalid("no \"keys\" array") }
        keys = try list.map { item in
            guard let fingerprint = item["fingerprint"]?.stringValue, let region = item["region"]?.stringValue,
                let start = item["validityStartTime"]?.stringValue.flatMap(Timestamp.init(iso8601:)),
                let end = item["validityEndTime"]?.stringValue.flatMap(Timestamp.init(iso8601:)),
                let value = item["publicKey"]?.stringValue, let der = Data(base64Encoded: value)
            else { throw invalid("an entry lacks fingerprint, region, validity or publicKey") }
            guard MessageDigest.md5Hex(Array(der)) == fingerprint else {
                throw invalid("key \(fingerprint) does not match its public key bytes")
            }
            return Key(fingerprint: fingerprint, region: region, validityStart: start, validityEnd: end, publicKeyDER: Array(der))
        }
    }

    /// Generates a new key pair for `region`, valid from `validFrom` for `validDays` days, and
    /// rotates: the region's previous key stops being valid when this one starts. The private
    /// key is written before the index, and the public key list is republished.
    @discardableResult
    public mutating func generate(region: String, validFrom: Timestamp, validDays: Int) throws -> Key {
        guard TrailLocation.isRegionName(region) else {
            throw TrailProofError(.invalidArgument, "invalid region \"\(region)\": expected a name like us-east-1")
        }
        guard (1...3650).contains(validDays) else {
            throw TrailProofError(.invalidArgument, "--valid-days must be between 1 and 3650, not \(validDays)")
        }
        if let newest = keys.filter({ $0.region == region }).max(by: { $0.validityStart < $1.validityStart }),
            newest.validityStart >= validFrom
        {
            throw TrailProofError(
                .invalidArgument,
                "the newest \(region) key \(newest.fingerprint) starts at \(newest.validityStart); a rotated key must start after it, not at \(validFrom)"
            )
        }
        let privateKey = try RSAPrivateKey(generatingBits: 2048)
        let der = try privateKey.publicKey().pkcs1DER
        let key = Key(
            fingerprint: MessageDigest.md5Hex(der), region: region, validityStart: validFrom,
            validityEnd: validFrom.adding(seconds: Int64(validDays) * 86_400), publicKeyDER: der)
        try AtomicFile.makeDirectory(directory)
        try AtomicFile.makeDirectory(privateDirectory, mode: 0o700)
        try AtomicFile.write(Array(try privateKey.pemRepresentation().utf8), to: privateKeyPath(key.fingerprint), mode: 0o600)
        for index in keys.indices where keys[index].region == region && keys[index].validityEnd > validFrom {
            keys[index].validityEnd = validFrom
        }
        keys.append(key)
        try save()
        return key
    }

    /// The key pair that signs a digest ending at `time` in `region`: the newest-starting key
    /// whose window contains `time`.
    public func signingKey(region: String, at time: Timestamp) throws -> (key: Key, privateKey: RSAPrivateKey) {
        guard
            let key = keys.filter({ $0.region == region && $0.validityStart <= time && time <= $0.validityEnd })
                .max(by: { $0.validityStart < $1.validityStart })
        else {
            throw TrailProofError(
                .keyringFailure,
                "keyring \(directory) has no \(region) key valid at \(time): generate one with `trailproof keys generate --keyring \(directory) --region \(region) --valid-from \(time.hourFloor)`"
            )
        }
        guard let pem = try AtomicFile.read(privateKeyPath(key.fingerprint)) else {
            throw TrailProofError(.keyringFailure, "private key \(privateKeyPath(key.fingerprint)) is missing")
        }
        let privateKey = try RSAPrivateKey(pem: String(decoding: pem, as: UTF8.self))
        guard try privateKey.publicKey().pkcs1DER == key.publicKeyDER else {
            throw TrailProofError(.keyringFailure, "private key \(privateKeyPath(key.fingerprint)) does not match its public key")
        }
        return (key, privateKey)
    }

    /// Every key, in the ListPublicKeys shape.
    public var publicKeyList: PublicKeyList {
        PublicKeyList(
            entries: keys.map {
                PublicKeyEntry(der: $0.publicKeyDER, validityStart: $0.validityStart, validityEnd: $0.validityEnd, fingerprint: $0.fingerprint)
            })
    }

    private func privateKeyPath(_ fingerprint: String) -> String { "\(privateDirectory)/\(fingerprint).pem" }

    private func save() throws {
        let index = JSONValue.object([
            (
                "keys",
                .array(
                    keys.map {
                        .object([
                            ("fingerprint", .string($0.fingerprint)),
                            ("region", .string($0.region)),
                            ("validityStartTime", .string($0.validityStart.iso8601)),
                            ("validityEndTime", .string($0.validityEnd.iso8601)),
                            ("publicKey", .string(Data($0.publicKeyDER).base64EncodedString())),
                        ])
                    })
            )
        ])
        try AtomicFile.write(index.prettySerialized(), to: indexPath)
        try AtomicFile.write(publicKeyList.serialized(), to: publicKeysPath)
    }
}

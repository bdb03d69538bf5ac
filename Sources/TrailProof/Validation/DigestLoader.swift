/// Loads one digest and runs aws-cli's checks in aws-cli's order (format, signature source,
/// location, public key, signature); in full mode also the pre-verification checks (signature
/// algorithm, fingerprint) and, once the signature verified, each ``DigestCheck`` of the level.
///
/// Shared by the chain walk and the producer, which checks the newest digest the same way before
/// it extends a chain.
struct DigestLoader: Sendable {
    /// A digest as far as it was loaded: its verdict, and its body when it could be parsed
    /// (an invalid or unverified digest's link still vouches for the signature of the older one).
    struct Loaded {
        var result: Result<ValidDigest, Verdict>
        var body: DigestFile?
    }

    /// Every published key, for the backfill lookup by generation time.
    let publicKeys: PublicKeyList
    /// The chain the digests are loaded for.
    let location: TrailLocation
    let trailName: String
    /// The trail's home region, which aws-cli names when a key is not found.
    let homeRegion: String
    let level: ValidationRequest.CheckLevel
    /// Signatures from elsewhere (`--signatures`) for digests without metadata, by key or URI.
    let signatures: [String: String]

    private let checks: [any DigestCheck]
    private let parsedKeys = ParsedPublicKeys()
    private var full: Bool { level == .full }

    init(
        publicKeys: PublicKeyList, location: TrailLocation, trailName: String, homeRegion: String, level: ValidationRequest.CheckLevel,
        signatures: [String: String] = [:]
    ) {
        self.publicKeys = publicKeys
        self.location = location
        self.trailName = trailName
        self.homeRegion = homeRegion
        self.level = level
        self.signatures = signatures
        checks = DigestChecks.checks(for: level)
    }

    /// Loads the digest at `object` from what was fetched. `keys` are the public keys found so
    /// far by fingerprint (a backfill digest adds those of its generation time); `newer` is the
    /// valid digest whose link led here and `vouching` the link that did, from any digest that
    /// could be parsed.
    func load(
        _ object: ObjectLocation, fetched: Result<StoredObject, any Error>, keys: inout [String: PublicKeyEntry], backfill: Bool,
        newer: ValidDigest?, vouching: DigestFile.PreviousDigest?
    ) -> Loaded {
        var body: DigestFile?
        func invalid(_ finding: Finding) -> Loaded { Loaded(result: .failure(.invalid(finding)), body: body) }
        let stored: StoredObject
        do {
            stored = try fetched.get()
        } catch let error as TrailProofError where error.code == .objectTooLarge {
            return invalid(.invalidFormat("larger than the \(DigestFile.maximumSize) bytes a digest may take"))
        } catch {
            return Loaded(result: .failure(.notRead(error)))
        }
        let uncompressed: [UInt8]
        let digest: DigestFile
        do {
            uncompressed = try DigestFile.inflate(stored.bytes)
        } catch {
            return invalid(.invalidFormat("not a single complete gzip stream: \(error)"))
        }
        do {
            digest = try DigestFile(parsing: uncompressed)
        } catch {
            return invalid(.invalidFormat(error.reason))
        }
        body = digest
        // The signature: from the metadata; for a copy without metadata (aws s3 sync), from the
        // newer digest that links here or from --signatures.
        let signatureHex: String
        if let fromMetadata = stored.metadata["signature"] {
            guard let algorithm = stored.metadata["signature-algorithm"] else {
                return invalid(
                    Finding(.signatureVerificationFailed, "signature verification failed", detail: "signature-algorithm metadata is missing"))
            }
            if full, algorithm != "SHA256withRSA" {
                return invalid(Finding(.unsupportedAlgorithm, "unsupported signature-algorithm metadata \"\(algorithm)\""))
            }
            signatureHex = fromMetadata
        } else if full, stored.metadata.isEmpty, let vouching, vouching.location == object {
            // Self-authenticating: whatever the newer digest's own verdict, a signature that
            // verifies against a published key over this digest's content is genuine.
            signatureHex = vouching.signature
        } else if full, stored.metadata.isEmpty, let given = signatures[object.key] ?? signatures[object.uri] {
            signatureHex = given
        } else if full, stored.metadata.isEmpty {
            return Loaded(
                result: .failure(
                    .unverified(
                        Finding(
                            .noSignature,
                            "no signature: the object has no metadata, no newer digest links to it, and --signatures does not list it"))),
                body: digest)
        } else {
            return invalid(Finding(.signatureVerificationFailed, "signature verification failed", detail: "the object has no signature metadata"))
        }
        if backfill, stored.metadata["backfill-generation-timestamp"] == nil {
            return invalid(.invalidFormat("a backfill digest without backfill-generation-timestamp metadata"))
        }
        guard digest.location == object else { return invalid(.moved) }
        let fingerprint = digest.publicKeyFingerprint
        if keys[fingerprint] == nil, backfill, let generatedText = stored.metadata["backfill-generation-timestamp"] {
            // As aws-cli: backfill keys are looked up an hour either side of the generation time.
            guard let generated = Timestamp(iso8601: generatedText) else {
                return invalid(Finding(.invalidFormat, "Unable to parse date value: \(generatedText)"))
            }
            let (start, end) = (generated.adding(seconds: -3600), generated.adding(seconds: 3600))
            let found = publicKeys.keysOverlapping(start: start, end: end)
            guard !found.isEmpty else {
                return invalid(Finding(.publicKeyNotFound, "No public keys found between \(start) and \(end)"))
            }
            keys.merge(found) { $1 }
        }
        guard let entry = keys[fingerprint] else {
            return invalid(Finding(.publicKeyNotFound, "public key not found in region \(homeRegion) for fingerprint \(fingerprint)"))
        }
        let parsedKey = parsedKeys.parse(entry)
        if full {
            guard parsedKey.fingerprintMatches else {
                return invalid(Finding(.fingerprintMismatch, "public key fingerprint \(fingerprint) is not the MD5 of the published key"))
            }
            guard digest.signatureAlgorithm == "SHA256withRSA" else {
                return invalid(Finding(.unsupportedAlgorithm, "unsupported digestSignatureAlgorithm \"\(digest.signatureAlgorithm)\""))
            }
        }
        let publicKey: RSAPublicKey
        switch parsedKey.key {
        case .success(let key): publicKey = key
        case .failure(let error):
            return invalid(Finding(.publicKeyUnreadable, "Unable to load PKCS #1 key with fingerprint \(fingerprint)", detail: "\(error)"))
        }
        guard let signature = Hex.decode(signatureHex) else {
            return invalid(Finding(.signatureVerificationFailed, Self.unhexlifyError(signatureHex), detail: "the signature is not hex"))
        }
        // The digest's hash is signed and is also what a newer digest's link must name: taken once.
        let sha256 = MessageDigest.sha256Hex(uncompressed)
        guard digest.isValidSignature(signature, sha256Hex: sha256, publicKey: publicKey) else { return invalid(.signatureFailed) }
        let valid = ValidDigest(
            location: object, digest: digest, isBackfill: backfill, sha256: sha256, signature: Hex.encode(signature))
        let context = DigestCheckContext(location: location, trailName: trailName, homeRegion: homeRegion, signingKey: entry, newer: newer)
        for check in checks {
            if let problem = check.problem(with: valid, in: context) { return invalid(problem) }
        }
        return Loaded(result: .success(valid), body: digest)
    }

    /// What aws-cli prints for a signature that is not hex: Python's `binascii.unhexlify` error.
    private static func unhexlifyError(_ text: String) -> String {
        if !text.unicodeScalars.allSatisfy(\.isASCII) { return "string argument should contain only ASCII characters" }
        if text.utf8.count % 2 != 0 { return "Odd-length string" }
        return "Non-hexadecimal digit found"
    }
}

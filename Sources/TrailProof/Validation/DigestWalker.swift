/// Walks a trail's digest chain from the newest digest back, exactly as aws-cli's
/// `DigestTraverser` does: list the digest keys of the range, follow `previousDigestS3Object`
/// links, and on a missing or invalid digest carry on with the next older listed key.
struct DigestWalker: Sendable {
    /// What the walk met, in order.
    enum Step: Sendable {
        /// A digest that passed every check, with its parsed content.
        case valid(location: ObjectLocation, digest: DigestFile, isBackfill: Bool)
        /// An invalid or missing digest, or a gap.
        case event(ValidationEvent)
    }

    let store: any ObjectStore
    let request: ValidationRequest
    let publicKeys: PublicKeyList

    private var location: TrailLocation { request.location }

    /// One traversal, of standard digests or of backfill digests.
    func walk(backfill: Bool) async throws -> [Step] {
        var bucket = location.bucket
        var listed = try await listDigestKeys(bucket: bucket, end: request.endTime, backfill: backfill)
        var keys: [String: PublicKeyEntry] = [:]
        if !backfill {
            let keysEnd = request.endTime.adding(seconds: 2 * 3600)
            keys = publicKeys.keysOverlapping(start: request.startTime, end: keysEnd)
            guard !keys.isEmpty else {
                throw TrailProofError(.noPublicKeys, "No public keys found between \(request.startTime) and \(keysEnd)")
            }
        }
        var steps: [Step] = []
        var current = Self.popLast(&listed, before: nil)
        var lastStart = current?.end ?? request.startTime
        while let (key, _) = current, request.startTime <= lastStart {
            let object = ObjectLocation(bucket: bucket, key: key)
            switch await load(object, keys: &keys, backfill: backfill) {
            case .success(let digest):
                lastStart = digest.startTime
                steps.append(.valid(location: object, digest: digest, isBackfill: backfill))
                if let previous = digest.previous {
                    current = (previous.location.key, digest.endTime)
                    if previous.location.bucket != bucket {
                        bucket = previous.location.bucket
                        listed = try await listDigestKeys(bucket: bucket, end: digest.endTime, backfill: backfill)
                    }
                } else {
                    current = Self.popLast(&listed, before: key, fallback: lastStart)
                    if let next = current {
                        steps.append(.event(.gap(from: next.end, to: lastStart, isBackfill: backfill)))
                    }
                }
            case .failure(let finding):
                steps.append(.event(.digest(location: object, isBackfill: backfill, verdict: .invalid(finding))))
                current = Self.popLast(&listed, before: key, fallback: lastStart)
            }
        }
        return steps
    }

    // MARK: Listing

    private struct ListedKey {
        let key: String
        let end: Timestamp
    }

    /// The trail's digest keys whose end time is in `start … end + 1 hour`, in key order,
    /// listed from aws-cli's marker (the key the trail would have one minute before start).
    private func listDigestKeys(bucket: String, end: Timestamp, backfill: Bool) async throws -> [ListedKey] {
        let marker = location.digestKey(
            trailName: request.trail.trailName, homeRegion: request.trail.homeRegion,
            endTime: request.startTime.adding(seconds: -60))
        let prefix = String(location.digestPrefix.dropLast())
        let allKeys = try await store.listKeys(bucket: bucket, prefix: prefix, startAfter: marker)
        let targetStart = request.startTime.compactSeconds
        let targetEnd = end.adding(seconds: 3600).compactSeconds
        var result: [ListedKey] = []
        for key in allKeys {
            guard let parsed = location.digestEndTime(ofKey: key, trailName: request.trail.trailName, homeRegion: request.trail.homeRegion)
            else { continue }
            // aws-cli compares the key's time text; the texts sort as the times do.
            let text = parsed.end.compactSeconds
            if text > targetEnd { break }
            if text < targetStart || parsed.backfill != backfill { continue }
            result.append(ListedKey(key: key, end: parsed.end))
        }
        return result
    }

    /// Removes and returns the last listed key, or (with `before`) the last one whose time is
    /// earlier than `before`'s, dropping newer ones on the way, as aws-cli's `_get_last_digest`.
    private static func popLast(_ listed: inout [ListedKey], before: String?, fallback: Timestamp? = nil) -> (String, end: Timestamp)? {
        guard let before else {
            guard let last = listed.popLast() else { return nil }
            return (last.key, last.end)
        }
        // A link that is not a digest key name has no time; the chain position stands in.
        let beforeTime = LogDelivery.digestEndTime(ofAnyTrailKey: before) ?? fallback!.adding(seconds: 1)
        while let last = listed.popLast() {
            if last.end < beforeTime { return (last.key, last.end) }
        }
        return nil
    }

    // MARK: One digest

    /// Loads a digest and runs aws-cli's checks in aws-cli's order, plus strict format checks.
    private func load(_ object: ObjectLocation, keys: inout [String: PublicKeyEntry], backfill: Bool) async -> Result<DigestFile, Finding> {
        let stored: StoredObject
        do {
            try ObjectLocation.validateKey(object.key)
            stored = try await store.getObject(object)
        } catch let error as TrailProofError {
            switch error.code {
            case .objectNotFound: return .failure(.notFound)
            case .invalidObjectKey: return .failure(Finding(.unsafeKey, error.message))
            default: return .failure(Finding(.readFailure, error.message))
            }
        } catch {
            return .failure(Finding(.readFailure, "\(error)"))
        }
        let uncompressed: [UInt8]
        let digest: DigestFile
        do {
            uncompressed = try GzipInflater.decompressWhole(stored.bytes)
        } catch {
            return .failure(.invalidFormat("not a single complete gzip stream: \(error)"))
        }
        do {
            digest = try DigestFile(parsing: uncompressed)
        } catch {
            return .failure(.invalidFormat(error.reason))
        }
        guard let signatureHex = stored.metadata["signature"], stored.metadata["signature-algorithm"] != nil else {
            return .failure(Finding(.signatureVerificationFailed, "signature verification failed", detail: "the object has no signature metadata"))
        }
        if backfill, stored.metadata["backfill-generation-timestamp"] == nil {
            return .failure(.invalidFormat("a backfill digest without backfill-generation-timestamp metadata"))
        }
        guard digest.location == object else { return .failure(.moved) }
        let fingerprint = digest.publicKeyFingerprint
        if keys[fingerprint] == nil, backfill,
            let generated = stored.metadata["backfill-generation-timestamp"].flatMap(Timestamp.init(iso8601:))
        {
            keys.merge(publicKeys.keysOverlapping(start: generated.adding(seconds: -3600), end: generated.adding(seconds: 3600))) { $1 }
        }
        guard let entry = keys[fingerprint] else {
            return .failure(
                Finding(.publicKeyNotFound, "public key not found in region \(request.trail.homeRegion) for fingerprint \(fingerprint)"))
        }
        let publicKey: RSAPublicKey
        do {
            publicKey = try RSAPublicKey(der: entry.der)
        } catch {
            return .failure(Finding(.publicKeyUnreadable, "Unable to load PKCS #1 key with fingerprint \(fingerprint)", detail: "\(error)"))
        }
        guard let signature = Hex.decode(signatureHex) else {
            return .failure(Finding(.signatureVerificationFailed, "signature verification failed", detail: "the signature metadata is not hex"))
        }
        let message = DigestFile.stringToSign(
            endTime: digest.endTime.iso8601, location: digest.location, uncompressedBytes: uncompressed,
            previousSignature: digest.previous?.signature)
        guard publicKey.isValidSignature(signature, for: message) else { return .failure(.signatureFailed) }
        return .success(digest)
    }
}

extension Finding: Error {}

import FoundationEssentials

/// One published public key, as in CloudTrail's ListPublicKeys answer.
public struct PublicKeyEntry: Hashable, Sendable {
    /// The key bytes as published: PKCS#1 `RSAPublicKey` or `SubjectPublicKeyInfo` DER.
    public var der: [UInt8]
    public var validityStart: Timestamp
    public var validityEnd: Timestamp
    /// The fingerprint as published (lowercase hex MD5 of ``der``).
    public var fingerprint: String

    public init(der: [UInt8], validityStart: Timestamp, validityEnd: Timestamp, fingerprint: String) {
        self.der = der
        self.validityStart = validityStart
        self.validityEnd = validityEnd
        self.fingerprint = fingerprint
    }

    /// Whether the key's validity window contains `time` (both ends inclusive).
    public func isValid(at time: Timestamp) -> Bool { validityStart <= time && time <= validityEnd }

    /// Every field, the key bytes as one block: an array of bytes hashes each byte on its own,
    /// and every digest a run loads looks its key up by its entry (``ParsedPublicKeys``).
    public func hash(into hasher: inout Hasher) {
        hasher.combine(der.count)
        der.withUnsafeBytes { hasher.combine(bytes: $0) }
        hasher.combine(validityStart)
        hasher.combine(validityEnd)
        hasher.combine(fingerprint)
    }
}

/// A list of public keys in the ListPublicKeys shape:
/// `{"PublicKeyList": [{"Value", "ValidityStartTime", "ValidityEndTime", "Fingerprint"}]}`.
///
/// Reads what `aws cloudtrail list-public-keys` prints as it is (ISO 8601 times with `Z` or an
/// offset, or epoch seconds) and what ``Keyring`` publishes.
public struct PublicKeyList: Hashable, Sendable {
    public var entries: [PublicKeyEntry]

    public init(entries: [PublicKeyEntry]) { self.entries = entries }

    /// Reads a ListPublicKeys document. `source` names it in error messages.
    public init(json bytes: [UInt8], source: String) throws {
        func invalid(_ why: String) -> TrailProofError {
            TrailProofError(.invalidPublicKeyList, "public key list \(source): \(why)")
        }
        let document: JSONValue
        do { document = try StrictJSONParser.parse(bytes) } catch { throw invalid("not valid JSON (\(error))") }
        guard let list = document["PublicKeyList"]?.arrayValue else { throw invalid("no \"PublicKeyList\" array") }
        entries = try list.enumerated().map { index, item in
            guard let value = item["Value"]?.stringValue, let der = Data(base64Encoded: value), !der.isEmpty else {
                throw invalid("entry \(index) has no base64 \"Value\"")
            }
            guard let fingerprint = item["Fingerprint"]?.stringValue else { throw invalid("entry \(index) has no \"Fingerprint\"") }
            guard let start = item["ValidityStartTime"].flatMap(Self.time), let end = item["ValidityEndTime"].flatMap(Self.time)
            else {
                throw invalid(
                    "entry \(index) has no readable ValidityStartTime and ValidityEndTime (ISO 8601 times, or epoch seconds from 1970 to 9999)")
            }
            return PublicKeyEntry(der: Array(der), validityStart: start, validityEnd: end, fingerprint: fingerprint)
        }
    }

    /// Reads a ListPublicKeys document from a file.
    public init(contentsOfFile path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TrailProofError(.invalidPublicKeyList, "cannot read public key list \(path)")
        }
        try self.init(json: Array(data), source: path)
    }

    private static func time(_ value: JSONValue) -> Timestamp? {
        switch value {
        case .string(let text): return Timestamp(iso8601: text)
        case .number(let text):
            // Epoch seconds, as aws-cli prints them; only years 1970 to 9999 are times.
            guard let seconds = Double(text), seconds.isFinite, (0...253_402_300_799).contains(seconds) else { return nil }
            return Timestamp(secondsSinceEpoch: Int64(seconds.rounded(.down)))
        default: return nil
        }
    }

    /// The keys whose validity window overlaps `start…end`, by published fingerprint, as
    /// `ListPublicKeys(StartTime:EndTime:)` answers. A later duplicate fingerprint wins.
    public func keysOverlapping(start: Timestamp, end: Timestamp) -> [String: PublicKeyEntry] {
        var found: [String: PublicKeyEntry] = [:]
        for entry in entries where entry.validityStart <= end && entry.validityEnd >= start {
            found[entry.fingerprint] = entry
        }
        return found
    }

    /// The document, indented, with times as `YYYY-MM-DDTHH:MM:SSZ`.
    public func serialized() -> [UInt8] {
        JSONValue.object([
            (
                "PublicKeyList",
                .array(
                    entries.map { entry in
                        .object([
                            ("Value", .string(Data(entry.der).base64EncodedString())),
                            ("ValidityStartTime", .string(entry.validityStart.iso8601)),
                            ("ValidityEndTime", .string(entry.validityEnd.iso8601)),
                            ("Fingerprint", .string(entry.fingerprint)),
                        ])
                    })
            )
        ]).prettySerialized()
    }
}

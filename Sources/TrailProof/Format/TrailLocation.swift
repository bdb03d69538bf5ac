/// The place of one trail's logs and digests for one account and region: the bucket, the
/// optional prefix and organization, and the CloudTrail key layout beneath them.
///
///     [PREFIX/]AWSLogs/[ORG-ID/]ACCOUNT/CloudTrail/REGION/YYYY/MM/DD/ACCOUNT_CloudTrail_REGION_YYYYMMDDTHHmmZ_UNIQUE16.json.gz
///     [PREFIX/]AWSLogs/[ORG-ID/]ACCOUNT/CloudTrail-Digest/REGION/YYYY/MM/DD/ACCOUNT_CloudTrail-Digest_REGION_TRAIL_HOME_YYYYMMDDTHHMMSSZ.json.gz
public struct TrailLocation: Hashable, Sendable {
    /// The bucket that receives the trail's files.
    public let bucket: String
    /// The key prefix before `AWSLogs/`, without slashes at either end, or nil.
    public let prefix: String?
    /// The organization ID (`o-…`) for organization trails, else nil.
    public let organizationID: String?
    /// The 12-digit account the files are delivered for.
    public let accountID: String
    /// The region that delivered the files.
    public let region: String

    /// Makes a location, checking every part so that keys built from it are safe.
    public init(bucket: String, prefix: String?, organizationID: String?, accountID: String, region: String) throws {
        try ObjectLocation.validateBucket(bucket)
        var cleanPrefix = prefix
        if let given = prefix {
            var trimmed = Substring(given)
            while trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
            cleanPrefix = trimmed.isEmpty ? nil : String(trimmed)
        }
        if let cleanPrefix { try ObjectLocation.validateKey(cleanPrefix) }
        guard accountID.utf8.count == 12, accountID.utf8.allSatisfy({ (48...57).contains($0) }) else {
            throw TrailProofError(.invalidArgument, "invalid account ID \"\(accountID)\": expected 12 digits")
        }
        guard Self.isRegionName(region) else {
            throw TrailProofError(.invalidArgument, "invalid region \"\(region)\": expected a name like us-east-1")
        }
        if let organizationID {
            let body = organizationID.dropFirst(2)
            guard organizationID.hasPrefix("o-"), (10...32).contains(body.count),
                body.utf8.allSatisfy({ (48...57).contains($0) || (97...122).contains($0) })
            else {
                throw TrailProofError(
                    .invalidArgument, "invalid organization ID \"\(organizationID)\": expected o- and 10 to 32 lowercase letters or digits")
            }
        }
        self.bucket = bucket
        self.prefix = cleanPrefix
        self.organizationID = organizationID
        self.accountID = accountID
        self.region = region
        // Built once: the checks of every key compare against them.
        let accountRoot = (cleanPrefix.map { $0 + "/" } ?? "") + "AWSLogs/" + (organizationID.map { $0 + "/" } ?? "") + accountID + "/"
        logPrefix = accountRoot + "CloudTrail/\(region)/"
        digestPrefix = accountRoot + "CloudTrail-Digest/\(region)/"
        insightPrefix = accountRoot + "CloudTrail-Insight/\(region)/"
        logNameHead = "\(accountID)_CloudTrail_\(region)_"
        digestNameHead = "\(accountID)_CloudTrail-Digest_\(region)_"
    }

    /// Region names: lowercase letters, digits and hyphens, starting with a letter.
    public static func isRegionName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard (2...32).contains(bytes.count), (97...122).contains(bytes[0]) else { return false }
        return bytes.allSatisfy { (97...122).contains($0) || (48...57).contains($0) || $0 == UInt8(ascii: "-") }
    }

    /// Trail names as CloudTrail allows them: 3 to 128 of letters, digits, `.`, `_`, `-`.
    public static func validateTrailName(_ name: String) throws {
        let bytes = Array(name.utf8)
        guard (3...128).contains(bytes.count),
            bytes.allSatisfy({
                (97...122).contains($0) || (65...90).contains($0) || (48...57).contains($0) || $0 == UInt8(ascii: ".")
                    || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-")
            })
        else {
            throw TrailProofError(
                .invalidArgument, "invalid trail name \"\(name)\": use 3 to 128 letters, digits, '.', '_' or '-'")
        }
    }

    /// `…/CloudTrail/REGION/`: every log file of this account and region is below it.
    public let logPrefix: String

    /// `ACCOUNT_CloudTrail_REGION_`: how every log file name of this account and region begins.
    private let logNameHead: String

    /// `ACCOUNT_CloudTrail-Digest_REGION_`: how every digest name of this account and region begins.
    private let digestNameHead: String

    /// `…/CloudTrail-Digest/REGION/`: every digest of this account and region is below it.
    public let digestPrefix: String

    /// `…/CloudTrail-Insight/REGION/`: Insights event files of this account and region.
    public let insightPrefix: String

    /// The key of an Insights event file delivered at `time`, as AWS documents it:
    /// `…/CloudTrail-Insight/REGION/YYYY/MM/DD/ACCOUNT_CloudTrail-Insight_REGION_YYYYMMDDTHHmmZ_UNIQUE.json.gz`.
    public func insightKey(deliveredAt time: Timestamp, unique: String) -> String {
        "\(insightPrefix)\(time.datePath)/\(accountID)_CloudTrail-Insight_\(region)_\(time.compactMinutes)_\(unique).json.gz"
    }

    /// The key of a log file delivered at `time` (minute precision) with a 16-character suffix.
    public func logKey(deliveredAt time: Timestamp, unique: String) -> String {
        "\(logPrefix)\(time.datePath)/\(accountID)_CloudTrail_\(region)_\(time.compactMinutes)_\(unique).json.gz"
    }

    /// The key of a digest whose window ends at `endTime`.
    public func digestKey(trailName: String, homeRegion: String, endTime: Timestamp, backfill: Bool = false) -> String {
        let suffix = backfill ? "_backfill" : ""
        return
            "\(digestPrefix)\(endTime.datePath)/\(accountID)_CloudTrail-Digest_\(region)_\(trailName)_\(homeRegion)_\(endTime.compactSeconds)\(suffix).json.gz"
    }

    /// Whether `bytes` hold `text`'s UTF-8 at `offset` (by memcmp: the generic comparison costs
    /// more than the rest of a key check).
    private static func bytes(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int, equal text: String) -> Bool {
        let count = text.utf8.count
        return offset + count <= bytes.count
            && ObjectLocation.withBytes(of: text) {
                ObjectLocation.sameBytes(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[offset..<offset + count])), $0)
            }
    }

    /// The delivery time of a log key of this account and region, or nil if the key is not one.
    public func logDeliveryTime(ofKey key: String) -> Timestamp? {
        // PREFIX YYYY/MM/DD/ ACCOUNT_CloudTrail_REGION_ YYYYMMDDTHHMMZ _ UNIQUE16 .json.gz, checked
        // byte by byte: a run checks every listed log's key.
        let prefix = logPrefix.utf8
        let head = logNameHead.utf8
        var key = key
        return key.withUTF8 { bytes -> Timestamp? in
            let nameStart = prefix.count + 11
            let timeStart = nameStart + head.count
            guard bytes.count == timeStart + 14 + 1 + 16 + 8, Self.bytes(bytes, at: 0, equal: logPrefix),
                Self.bytes(bytes, at: nameStart, equal: logNameHead), Self.bytes(bytes, at: bytes.count - 8, equal: ".json.gz"),
                bytes[timeStart + 14] == UInt8(ascii: "_"),
                bytes[(timeStart + 15)..<(bytes.count - 8)].allSatisfy({
                    (48...57).contains($0) || (65...90).contains($0) || (97...122).contains($0)
                })
            else { return nil }
            // The folder YYYY/MM/DD/ is the date of the name's time.
            let folder = prefix.count
            for (offset, timeOffset) in [(0, 0), (1, 1), (2, 2), (3, 3), (5, 4), (6, 5), (8, 6), (9, 7)]
            where bytes[folder + offset] != bytes[timeStart + timeOffset] {
                return nil
            }
            guard bytes[folder + 4] == UInt8(ascii: "/"), bytes[folder + 7] == UInt8(ascii: "/"), bytes[folder + 10] == UInt8(ascii: "/")
            else { return nil }
            return Timestamp(compactUTF8: UnsafeBufferPointer(rebasing: bytes[timeStart..<(timeStart + 14)]))
        }
    }

    /// The end time in a digest key of this location's trail (exactly as aws-cli matches
    /// keys), with whether it is a backfill digest, or nil if the key is not one.
    public func digestEndTime(ofKey key: String, trailName: String, homeRegion: String) -> (end: Timestamp, backfill: Bool)? {
        // PREFIX D+/D+/D+/ ACCOUNT_CloudTrail-Digest_REGION_TRAIL_HOME_ YYYYMMDDTHHMMSSZ [_backfill] .json.gz,
        // checked byte by byte: the walk and the coverage check parse every listed digest key.
        var key = key
        var trailName = trailName
        var homeRegion = homeRegion
        return key.withUTF8 { bytes -> (end: Timestamp, backfill: Bool)? in
            guard Self.bytes(bytes, at: 0, equal: digestPrefix) else { return nil }
            // Three folders of one or more digits.
            var position = digestPrefix.utf8.count
            for _ in 0..<3 {
                let folderStart = position
                while position < bytes.count, (48...57).contains(bytes[position]) { position += 1 }
                guard position > folderStart, position < bytes.count, bytes[position] == UInt8(ascii: "/") else { return nil }
                position += 1
            }
            guard let nameEnd = Self.digestNameEnd(bytes) else { return nil }
            let backfill = nameEnd.backfill
            guard nameEnd.index >= position else { return nil }
            var name = bytes[position..<nameEnd.index]
            func take(_ part: UnsafeBufferPointer<UInt8>, then separator: UInt8) -> Bool {
                guard name.starts(with: part) else { return false }
                name = name.dropFirst(part.count)
                guard name.first == separator else { return false }
                name = name.dropFirst()
                return true
            }
            // ACCOUNT_CloudTrail-Digest_REGION_ is fixed for this location.
            guard Self.bytes(bytes, at: position, equal: digestNameHead), position + digestNameHead.utf8.count <= nameEnd.index else { return nil }
            name = name.dropFirst(digestNameHead.utf8.count)
            let parts = trailName.withUTF8 { trail in homeRegion.withUTF8 { home in take(trail, then: 95) && take(home, then: 95) } }
            guard parts, name.count == 16, let end = Timestamp(compactUTF8: UnsafeBufferPointer(rebasing: name)) else { return nil }
            return (end, backfill)
        }
    }

    /// The `YYYYMMDDTHHMMSSZ` end time at the end of a digest key, whatever its trail.
    static func digestEndTime(ofAnyTrailKey key: String) -> Timestamp? {
        // On the key's bytes in place: the walk, the name check and the report ask this per digest.
        var key = key
        return key.withUTF8 { bytes in
            guard let end = digestNameEnd(bytes)?.index, end >= 16 else { return nil }
            return Timestamp(compactUTF8: UnsafeBufferPointer(rebasing: bytes[(end - 16)..<end]))
        }
    }

    /// Where a digest key's name ends before `_backfill.json.gz` or `.json.gz`, and which of
    /// the two it ends with; nil if neither.
    private static func digestNameEnd(_ bytes: UnsafeBufferPointer<UInt8>) -> (index: Int, backfill: Bool)? {
        let backfill = "_backfill.json.gz"
        let plain = ".json.gz"
        if bytes.count >= backfill.utf8.count, Self.bytes(bytes, at: bytes.count - backfill.utf8.count, equal: backfill) {
            return (bytes.count - backfill.utf8.count, true)
        }
        if bytes.count >= plain.utf8.count, Self.bytes(bytes, at: bytes.count - plain.utf8.count, equal: plain) {
            return (bytes.count - plain.utf8.count, false)
        }
        return nil
    }
}

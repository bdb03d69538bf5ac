/// A trail as `aws cloudtrail create-trail` defines it: a name, the bucket and prefix its files
/// go to, the account and home region, and what it logs. Stored in the store itself by
/// ``TrailRegistry``; printed in AWS's `Trail` shape by ``awsShape(includeHomeRegion:)``.
public struct TrailDefinition: Sendable, Equatable {
    public var name: String
    public var accountID: String
    public var homeRegion: String
    public var bucket: String
    /// The key prefix before `AWSLogs/`, or nil.
    public var keyPrefix: String?
    public var isMultiRegion: Bool
    public var isOrganization: Bool
    /// The organization (`o-…`) whose folder an organization trail writes into.
    public var organizationID: String?
    public var logFileValidationEnabled: Bool
    public var includeGlobalServiceEvents: Bool
    /// What the trail logs; nil: every management event, no data events (AWS's default).
    public var eventSelectors: EventSelectors?
    /// A TrailProof extension: the trail's digests seal the gzip objects another shipper
    /// delivers under this prefix (``LogSealing``) instead of its own log folder.
    public var sealedPrefix: String?
    /// With ``sealedPrefix``: how many hours late an object may arrive and still be sealed.
    public var lateWindowHours: Int64 = 24
    /// With ``sealedPrefix``: leave objects that are not gzip out instead of refusing their hour.
    public var skipNonGzip = false

    /// The sealing the trail's digests do, if any.
    public func sealing(onSkipped: @escaping @Sendable (String) -> Void = { _ in }) throws -> LogSealing? {
        try sealedPrefix.map { try LogSealing(prefix: $0, lateWindow: lateWindowHours * 3600, skipNonGzip: skipNonGzip, onSkipped: onSkipped) }
    }

    /// A trail as create-trail makes it, after checking the name (AWS's rules and messages),
    /// the bucket, the prefix, the account and the region.
    public init(
        name: String, accountID: String, homeRegion: String, bucket: String, keyPrefix: String? = nil, isMultiRegion: Bool = false,
        isOrganization: Bool = false, organizationID: String? = nil, logFileValidationEnabled: Bool = false,
        includeGlobalServiceEvents: Bool = true, eventSelectors: EventSelectors? = nil
    ) throws {
        try Self.validateName(name)
        self.name = name
        self.accountID = accountID
        self.homeRegion = homeRegion
        self.bucket = bucket
        self.keyPrefix = keyPrefix.flatMap { $0.isEmpty ? nil : $0 }
        self.isMultiRegion = isMultiRegion
        self.isOrganization = isOrganization
        self.organizationID = organizationID
        self.logFileValidationEnabled = logFileValidationEnabled
        self.includeGlobalServiceEvents = includeGlobalServiceEvents
        self.eventSelectors = eventSelectors
        try validate()
    }

    /// `arn:aws:cloudtrail:HOME:ACCOUNT:trail/NAME`.
    public var arn: String { "arn:aws:cloudtrail:\(homeRegion):\(accountID):trail/\(name)" }

    /// Where the trail's files for `region` go (its home region by default).
    public func location(region: String? = nil) throws -> TrailLocation {
        try TrailLocation(
            bucket: bucket, prefix: keyPrefix, organizationID: isOrganization ? organizationID : nil, accountID: accountID,
            region: region ?? homeRegion)
    }

    /// The regions whose events this trail may deliver: every region for a multi-region trail.
    public func accepts(region: String) -> Bool { isMultiRegion || region == homeRegion }

    /// Checks everything but the name (which `init` checks): the same rules after an update.
    public func validate() throws {
        _ = try location()
        if let keyPrefix {
            guard keyPrefix.utf8.count <= 200 else {
                throw TrailProofError(.invalidArgument, "InvalidS3PrefixException: S3 key prefix longer than 200 characters: \(keyPrefix)")
            }
            guard !(keyPrefix + "/").hasPrefix(TrailRegistry.reservedPrefix) else {
                throw TrailProofError(
                    .invalidArgument, "InvalidS3PrefixException: \(TrailRegistry.reservedPrefix) is reserved for trail definitions")
            }
        }
        if let sealedPrefix { _ = try LogSealing(prefix: sealedPrefix) }
        guard (0...24 * 366).contains(lateWindowHours) else {
            throw TrailProofError(.invalidArgument, "the late window must be between 0 and 8784 hours")
        }
        if isOrganization, organizationID == nil {
            throw TrailProofError(
                .invalidArgument,
                "an organization trail needs --organization-id (o-...): AWS takes it from the management account, TrailProof cannot")
        }
    }

    /// AWS's trail name rules, with CloudTrail's messages: 3 to 128 letters, digits, `.`, `_`
    /// and `-`, starting and ending with a letter or digit, no two of `._-` side by side, not an
    /// IP address.
    public static func validateName(_ name: String) throws {
        func refuse(_ message: String) -> TrailProofError { TrailProofError(.invalidArgument, "InvalidTrailNameException: \(message)") }
        let bytes = Array(name.utf8)
        guard bytes.count >= 3 else {
            throw refuse("Trail name too short. Minimum allowed length: 3 characters. Specified name length: \(bytes.count) characters.")
        }
        guard bytes.count <= 128 else {
            throw refuse("Trail name too long. Maximum allowed length: 128 characters. Specified name length: \(bytes.count) characters.")
        }
        func isAlphanumeric(_ byte: UInt8) -> Bool { (97...122).contains(byte) || (65...90).contains(byte) || (48...57).contains(byte) }
        func isSeparator(_ byte: UInt8) -> Bool { byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-") }
        guard isAlphanumeric(bytes.first!) else { throw refuse("Trail name must starts with a letter or number.") }
        guard isAlphanumeric(bytes.last!) else { throw refuse("Trail name must ends with a letter or number.") }
        guard bytes.allSatisfy({ isAlphanumeric($0) || isSeparator($0) }) else {
            throw refuse(
                "Trail name or ARN can only contain uppercase letters, lowercase letters, numbers, periods (.), hyphens (-), and underscores (_)."
            )
        }
        guard !zip(bytes, bytes.dropFirst()).contains(where: { isSeparator($0) && isSeparator($1) }) else {
            throw refuse("Trail name cannot have adjacent periods (.), underscores (_) or dashes (-). e.g. my-_namespace or my--namespace.")
        }
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        if parts.count == 4, parts.allSatisfy({ part in UInt8(part).map { _ in true } ?? false }) {
            throw refuse("Trail name cannot be formatted as an IP address.")
        }
    }

    /// The trail in AWS's `Trail` shape (create-trail, get-trail, describe-trails), members in
    /// AWS's order; absent values are left out, as AWS does.
    public func awsShape(includeHomeRegion: Bool) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [("Name", .string(name)), ("S3BucketName", .string(bucket))]
        if let keyPrefix { members.append(("S3KeyPrefix", .string(keyPrefix))) }
        members.append(("IncludeGlobalServiceEvents", .bool(includeGlobalServiceEvents)))
        members.append(("IsMultiRegionTrail", .bool(isMultiRegion)))
        if includeHomeRegion { members.append(("HomeRegion", .string(homeRegion))) }
        members.append(("TrailARN", .string(arn)))
        members.append(("LogFileValidationEnabled", .bool(logFileValidationEnabled)))
        if includeHomeRegion {
            members.append(("HasCustomEventSelectors", .bool(eventSelectors != nil)))
            members.append(("HasInsightSelectors", .bool(false)))
        }
        members.append(("IsOrganizationTrail", .bool(isOrganization)))
        return .object(members)
    }

    // MARK: Stored form

    /// The document ``TrailRegistry`` stores: AWS's shape plus what TrailProof needs to place files.
    func stored() -> JSONValue {
        guard case .object(var members) = awsShape(includeHomeRegion: true) else { return .null }
        members.append(("AccountId", .string(accountID)))
        if let organizationID { members.append(("OrganizationId", .string(organizationID))) }
        if let eventSelectors { members.append(eventSelectors.member) }
        if let sealedPrefix {
            members.append(
                (
                    "TrailProofSealing",
                    .object([
                        ("Prefix", .string(sealedPrefix)), ("LateWindowHours", .number(String(lateWindowHours))), ("SkipNonGzip", .bool(skipNonGzip)),
                    ])
                ))
        }
        return .object(members)
    }

    /// Reads a stored definition; `source` names it in errors.
    init(stored value: JSONValue, source: String) throws {
        func refuse(_ why: String) -> TrailProofError { TrailProofError(.invalidInput, "trail definition \(source) cannot be read: \(why)") }
        func string(_ key: String) throws -> String {
            guard let text = value[key]?.stringValue else { throw refuse("no \"\(key)\" string") }
            return text
        }
        func bool(_ key: String) throws -> Bool {
            guard case .bool(let flag) = value[key] else { throw refuse("no \"\(key)\" true or false") }
            return flag
        }
        var selectors: EventSelectors?
        if let basic = value["EventSelectors"] {
            selectors = try EventSelectors(basic: basic)
        } else if let advanced = value["AdvancedEventSelectors"] {
            selectors = try EventSelectors(advanced: advanced)
        }
        do {
            try self.init(
                name: try string("Name"), accountID: try string("AccountId"), homeRegion: try string("HomeRegion"),
                bucket: try string("S3BucketName"), keyPrefix: value["S3KeyPrefix"]?.stringValue, isMultiRegion: try bool("IsMultiRegionTrail"),
                isOrganization: try bool("IsOrganizationTrail"), organizationID: value["OrganizationId"]?.stringValue,
                logFileValidationEnabled: try bool("LogFileValidationEnabled"), includeGlobalServiceEvents: try bool("IncludeGlobalServiceEvents"),
                eventSelectors: selectors)
            if let sealing = value["TrailProofSealing"] {
                guard let prefix = sealing["Prefix"]?.stringValue, case .number(let hours) = sealing["LateWindowHours"],
                    let lateWindow = Int64(hours), case .bool(let skip) = sealing["SkipNonGzip"]
                else { throw refuse("\"TrailProofSealing\" needs Prefix, LateWindowHours and SkipNonGzip") }
                sealedPrefix = prefix
                lateWindowHours = lateWindow
                skipNonGzip = skip
                try validate()
            }
        } catch let error as TrailProofError where error.code != .invalidInput {
            throw refuse(error.message)
        }
    }
}

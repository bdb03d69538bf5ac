/// A CloudTrail trail ARN: `arn:PARTITION:cloudtrail:REGION:ACCOUNT:trail/NAME`.
public struct TrailARN: Hashable, Sendable, CustomStringConvertible {
    /// The ARN exactly as given.
    public let text: String
    /// The trail's home region (the ARN's region field).
    public let homeRegion: String
    /// The account that owns the trail.
    public let accountID: String
    /// The trail name (after the last `/`).
    public let trailName: String

    /// Parses an ARN with aws-cli's rule (`arn:.+:cloudtrail:.+:\d{12}:trail/.+`).
    public init(_ text: String) throws {
        let fields = text.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard fields.count == 6, fields[0] == "arn", !fields[1].isEmpty, fields[2] == "cloudtrail", !fields[3].isEmpty,
            fields[4].count == 12, fields[4].utf8.allSatisfy({ (48...57).contains($0) }), fields[5].hasPrefix("trail/"),
            fields[5].count > "trail/".count
        else {
            throw TrailProofError(
                .invalidArgument, "Invalid trail ARN provided: \(text) (expected arn:aws:cloudtrail:REGION:ACCOUNT:trail/NAME)")
        }
        self.text = text
        homeRegion = String(fields[3])
        accountID = String(fields[4])
        trailName = String(text.split(separator: "/", omittingEmptySubsequences: false).last!)
    }

    public var description: String { text }
}

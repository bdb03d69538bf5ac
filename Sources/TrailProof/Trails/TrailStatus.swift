/// `get-trail-status`: a trail's logging state and latest deliveries, in AWS's shape, computed
/// from its definition and what is in the store.
public struct TrailStatus: Sendable, Equatable {
    public var isLogging: Bool
    /// The delivery time of the trail's newest log file at or before the status time.
    public var latestDeliveryTime: Timestamp?
    /// The end of the window of the trail's newest digest at or before the status time.
    public var latestDigestDeliveryTime: Timestamp?
    public var startLoggingTime: Timestamp?
    public var stopLoggingTime: Timestamp?
    public var latestDeliveryError: String?
    public var latestDigestDeliveryError: String?
    /// Whether the trail's digests are expected (logging, with log file validation enabled).
    public var expectsDigests: Bool
    /// When the status was taken.
    public var at: Timestamp

    /// How late a digest may be: due one hour after its window ends, as validate-logs expects.
    public static let grace: Int64 = 3600

    /// What a monitor should page on: an overdue digest of a logging trail, or a failed delivery.
    public var problems: [String] {
        var problems: [String] = []
        if expectsDigests {
            // The next digest covers the hour after the newest one (or after logging started).
            if let since = latestDigestDeliveryTime ?? startLoggingTime {
                let due = since.adding(seconds: 3600 + Self.grace)
                if at > due {
                    problems.append(
                        "the trail's next digest was due by \(due) and has not been delivered"
                            + (latestDigestDeliveryTime.map { " (newest digest ends at \($0))" } ?? " (no digest since logging started at \(since))"))
                }
            }
        }
        if let latestDeliveryError { problems.append("the latest log delivery failed: \(latestDeliveryError)") }
        if let latestDigestDeliveryError { problems.append("the latest digest delivery failed: \(latestDigestDeliveryError)") }
        return problems
    }

    /// AWS's `GetTrailStatus` shape as aws-cli prints it: times as `2026-06-01T00:00:00+00:00`,
    /// `TimeLoggingStarted`/`Stopped` as `2026-06-01T00:00:00Z`; absent values left out.
    public func awsShape() -> JSONValue {
        func awsTime(_ time: Timestamp) -> JSONValue { .string(String(time.iso8601.dropLast()) + "+00:00") }
        var members: [(key: String, value: JSONValue)] = [("IsLogging", .bool(isLogging))]
        if let latestDeliveryError { members.append(("LatestDeliveryError", .string(latestDeliveryError))) }
        if let latestDigestDeliveryError { members.append(("LatestDigestDeliveryError", .string(latestDigestDeliveryError))) }
        if let latestDeliveryTime { members.append(("LatestDeliveryTime", awsTime(latestDeliveryTime))) }
        if let latestDigestDeliveryTime { members.append(("LatestDigestDeliveryTime", awsTime(latestDigestDeliveryTime))) }
        if let startLoggingTime { members.append(("StartLoggingTime", awsTime(startLoggingTime))) }
        if let stopLoggingTime { members.append(("StopLoggingTime", awsTime(stopLoggingTime))) }
        members.append(("TimeLoggingStarted", .string(startLoggingTime?.iso8601 ?? "")))
        members.append(("TimeLoggingStopped", .string(stopLoggingTime?.iso8601 ?? "")))
        return .object(members)
    }
}

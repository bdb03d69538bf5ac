/// What start-logging, stop-logging and failed deliveries leave behind for a trail, stored
/// beside its definition by ``TrailRegistry``.
public struct TrailLoggingState: Sendable, Equatable {
    public var isLogging = false
    /// The latest start-logging time.
    public var startLoggingTime: Timestamp?
    /// The latest stop-logging time.
    public var stopLoggingTime: Timestamp?
    /// Where the current digest chain begins: the latest start of logging, or the time log file
    /// validation was enabled while logging. A digest that ends before it belongs to an older
    /// chain, so the next digest starts a new chain (previous fields null).
    public var chainStart: Timestamp?
    /// The last failed log delivery (time and cause), cleared by the next successful one.
    public var latestDeliveryError: String?
    /// The last failed digest delivery, cleared by the next successful one.
    public var latestDigestDeliveryError: String?

    public init() {}

    func stored() -> JSONValue {
        func time(_ value: Timestamp?) -> JSONValue { value.map { .string($0.iso8601) } ?? .null }
        func text(_ value: String?) -> JSONValue { value.map { .string($0) } ?? .null }
        return .object([
            ("IsLogging", .bool(isLogging)), ("StartLoggingTime", time(startLoggingTime)), ("StopLoggingTime", time(stopLoggingTime)),
            ("ChainStart", time(chainStart)), ("LatestDeliveryError", text(latestDeliveryError)),
            ("LatestDigestDeliveryError", text(latestDigestDeliveryError)),
        ])
    }

    init(stored value: JSONValue, source: String) throws {
        func refuse(_ why: String) -> TrailProofError { TrailProofError(.invalidInput, "trail state \(source) cannot be read: \(why)") }
        guard case .bool(let logging) = value["IsLogging"] else { throw refuse("no \"IsLogging\" true or false") }
        func time(_ key: String) throws -> Timestamp? {
            switch value[key] {
            case nil, .null: return nil
            case .string(let text): guard let time = Timestamp(iso8601: text) else { throw refuse("\"\(key)\" is not a time") }; return time
            default: throw refuse("\"\(key)\" is not a time")
            }
        }
        isLogging = logging
        startLoggingTime = try time("StartLoggingTime")
        stopLoggingTime = try time("StopLoggingTime")
        chainStart = try time("ChainStart")
        latestDeliveryError = value["LatestDeliveryError"]?.stringValue
        latestDigestDeliveryError = value["LatestDigestDeliveryError"]?.stringValue
    }
}

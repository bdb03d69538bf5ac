import ArgumentParser
import FoundationEssentials
import TrailProof

/// The options create-trail and update-trail share, with aws cloudtrail's names.
struct TrailSettingsOptions: ParsableArguments {
    @Option(name: .customLong("s3-bucket-name"), help: "The bucket the trail delivers to.")
    var s3BucketName: String?

    @Option(name: .customLong("s3-key-prefix"), help: "A key prefix before AWSLogs/.")
    var s3KeyPrefix: String?

    @Flag(inversion: .prefixedNo, help: "Whether the trail delivers the events of every region (default: no).")
    var isMultiRegionTrail: Bool?

    @Flag(inversion: .prefixedNo, help: "Whether the trail is an organization trail (needs --organization-id).")
    var isOrganizationTrail: Bool?

    @Option(help: "The organization ID (o-...) whose folder an organization trail writes into.")
    var organizationId: String?

    @Flag(inversion: .prefixedNo, help: "Whether digests are written (log file integrity validation; default: no, as AWS).")
    var enableLogFileValidation: Bool?

    @Flag(inversion: .prefixedNo, help: "Whether global service events (IAM, CloudFront, Route 53) are delivered (default: yes).")
    var includeGlobalServiceEvents: Bool?

    @Option(
        help: ArgumentHelp(
            "TrailProof: the trail's digests seal the gzip objects another shipper delivers under this prefix of its bucket (as digest --logs-from); an empty prefix on update-trail stops sealing.",
            valueName: "PREFIX"))
    var sealLogsFrom: String?

    @Option(
        help: ArgumentHelp("With --seal-logs-from: how many hours late an object may arrive and still be sealed (default 24).", valueName: "HOURS"))
    var lateWindow: Int64?

    @Flag(inversion: .prefixedNo, help: "With --seal-logs-from: leave objects that are not gzip out instead of refusing their hour.")
    var skipNonGzip: Bool?

    /// Applies the sealing options to `definition`.
    func applySealing(to definition: inout TrailDefinition, creating: Bool) {
        if let prefix = sealLogsFrom { definition.sealedPrefix = prefix.isEmpty && !creating ? nil : prefix }
        if let hours = lateWindow { definition.lateWindowHours = hours }
        if let skip = skipNonGzip { definition.skipNonGzip = skip }
    }
}

/// Names each object a sealing trail leaves out on standard error.
@Sendable func reportSkipped(_ object: String) {
    Console.error("not sealed, not gzip: \(TerminalText.escape(object))")
}

/// Reads a JSON argument as aws-cli does: the JSON text itself, or file://PATH.
func jsonArgument(_ text: String, option: String) throws -> JSONValue {
    var bytes = Array(text.utf8)
    if text.hasPrefix("file://") {
        let path = String(text.dropFirst("file://".count))
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TrailProofError(.invalidArgument, "\(option): cannot read \(path)")
        }
        bytes = Array(data)
    }
    do {
        return try StrictJSONParser.parse(bytes)
    } catch {
        throw TrailProofError(.invalidArgument, "\(option): not JSON: \(error)")
    }
}

/// Prints a JSON document on standard output, as aws-cli prints answers.
func printJSON(_ value: JSONValue) {
    Console.output(String(decoding: value.prettySerialized(), as: UTF8.self))
}

/// The region AWS would take from the CLI: --region, else AWS_REGION or AWS_DEFAULT_REGION.
func callerRegion(_ region: String?) throws -> String {
    let environment = ProcessInfo.processInfo.environment
    guard let region = region ?? environment["AWS_REGION"] ?? environment["AWS_DEFAULT_REGION"] else {
        throw TrailProofError(.invalidArgument, "give the trail's home region with --region (or AWS_REGION)")
    }
    return region
}

/// A time option that defaults to now.
func timeOption(_ text: String?, option: String) throws -> Timestamp {
    try text.map { try parseTime($0, option: option) } ?? Timestamp.now()
}

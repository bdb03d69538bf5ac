import ArgumentParser
import FoundationEssentials
import TrailProof

struct LookupEventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lookup-events",
        abstract: "Find events in a trail's archive, only from log files verified against valid digests in the same run.",
        discussion: """
            Validates the log files that can hold events of --start-time to --end-time (full checks; files \
            delivered up to an hour after the end), and prints the events that match --lookup-attributes \
            and --filter-pattern (CloudWatch's JSON filter patterns), newest first, in lookup-events' shape \
            or as JSON Lines. Events of log files that are INVALID, UNVERIFIED or UNREADABLE are left out, \
            counted and named on standard error (--include-unverified prints them, marked). Exit status as \
            validate-logs': 0 everything in range verified, 1 something INVALID, 4 something not \
            established, 5 nothing found.
            """)

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
        case json, jsonl
    }

    @OptionGroup var storeOptions: StoreOptions

    @Option(help: ArgumentHelp("Public keys in the ListPublicKeys shape.", valueName: "FILE"))
    var publicKeys: String

    @Option(help: "A trail defined with create-trail (instead of --trail-arn and --s3-bucket).")
    var trail: String?

    @Option(help: "The trail ARN, arn:aws:cloudtrail:REGION:ACCOUNT:trail/NAME.")
    var trailArn: String?

    @Option(help: "The bucket holding the trail's files.")
    var s3Bucket: String?

    @Option(help: "The key prefix before AWSLogs/.")
    var s3Prefix: String?

    @Option(help: "The account whose files to search (default: the ARN's).")
    var accountId: String?

    @Option(help: "The organization ID (o-...) of an organization trail.")
    var organizationId: String?

    @Option(help: "The region whose files to search (default: the ARN's).")
    var region: String?

    @Option(help: "Events at or after this time (ISO 8601; default: 90 days before the end, as AWS keeps).")
    var startTime: String?

    @Option(help: "Events at or before this time (default: now).")
    var endTime: String?

    @Option(
        parsing: .singleValue,
        help: ArgumentHelp(
            "AttributeKey=K,AttributeValue=V (EventId, EventName, ReadOnly, Username, ResourceType, ResourceName, EventSource, AccessKeyId); one, as AWS allows.",
            valueName: "ATTRIBUTE"))
    var lookupAttributes: [String] = []

    @Option(
        help: ArgumentHelp(
            "A CloudWatch Logs JSON filter pattern, e.g. '{ $.eventName = \"ConsoleLogin\" && $.responseElements.ConsoleLogin = \"Failure\" }'.",
            valueName: "PATTERN"))
    var filterPattern: String?

    @Option(help: "Print at most this many events (the newest).")
    var maxResults: Int?

    @Flag(help: "Also print the events of log files that are not verified, marked (Verified false in JSON Lines).")
    var includeUnverified = false

    @Option(help: "json: lookup-events' {\"Events\": [...]}; jsonl: one {LogFile, DigestFile, Verified, Event} per line.")
    var output: OutputFormat = .json

    @Option(help: "Log files read at once (default: number of processors).")
    var jobs = 0

    func validate() throws {
        guard (trail == nil) != (trailArn == nil) else { throw ValidationError("give --trail NAME, or --trail-arn with --s3-bucket") }
        guard trail != nil || s3Bucket != nil else { throw ValidationError("--trail-arn needs --s3-bucket") }
        if let maxResults, maxResults < 1 { throw ValidationError("--max-results must be at least 1") }
        guard jobs >= 0 else { throw ValidationError("--jobs must be 0 (automatic) or more") }
    }

    func run() async throws {
        let end = try endTime.map { try parseTime($0, option: "--end-time") } ?? Timestamp.now()
        let start = try startTime.map { try parseTime($0, option: "--start-time") } ?? end.adding(seconds: -90 * 86_400)
        var query = EventQuery(startTime: start, endTime: end)
        do {
            query.attribute = try LookupAttribute.parse(lookupAttributes)
            query.pattern = try filterPattern.map { try FilterPattern($0) }
        } catch let error as TrailProofError {
            throw TrailProofError(.invalidArgument, error.message)
        }
        let store: any ObjectStore
        var request: ValidationRequest
        let range = EventLookup.logRange(start: start, end: end)
        if let trail {
            let registry = try await storeOptions.trailRegistry()
            let definition = try await registry.trail(named: trail).definition
            store = registry.store
            request = try ValidationRequest(
                trail: try TrailARN(definition.arn), startTime: range.start, endTime: range.end, bucket: definition.bucket,
                prefix: definition.keyPrefix, accountID: definition.accountID, organizationID: definition.organizationID, region: region, jobs: jobs)
            request.sealedPrefix = definition.sealedPrefix
        } else {
            store = try await storeOptions.openStore(create: false)
            do {
                request = try ValidationRequest(
                    trail: try TrailARN(trailArn!), startTime: range.start, endTime: range.end, bucket: s3Bucket!, prefix: s3Prefix,
                    accountID: accountId, organizationID: organizationId, region: region, jobs: jobs)
            } catch let error as TrailProofError {
                throw TrailProofError(.invalidArgument, error.message)
            }
        }
        let keys = try PublicKeyList(contentsOfFile: publicKeys)
        let lookup = EventLookup(store: store, publicKeys: keys, request: request, query: query, includeUnverified: includeUnverified)
        // Whatever is not valid is printed on standard error as validate-logs prints it.
        var problems = TextReport(output: .init(standardOutput: { _ in }, standardError: { Console.rawError($0) }), verbose: false)
        let result = try await lookup.run { problems.write($0) }
        let events = maxResults.map { Array(result.events.prefix($0)) } ?? result.events
        switch output {
        case .json:
            Console.output(String(decoding: JSONValue.object([("Events", .array(events.map { $0.awsShape() }))]).prettySerialized(), as: UTF8.self))
        case .jsonl:
            var buffer: [UInt8] = []
            for event in events {
                buffer += event.jsonLine()
                if buffer.count > 1 << 20 {
                    Console.output(buffer)
                    buffer.removeAll(keepingCapacity: true)
                }
            }
            Console.output(buffer)
        }
        for (file, reason) in result.unreadableFiles {
            Console.error(
                "verified log file \(TerminalText.escape(file.uri)) is not a CloudTrail log document, its events are not searched: \(TerminalText.escape(reason))"
            )
        }
        let unverifiedEvents = events.filter { !$0.verified }.count
        Console.error(
            "trailproof: \(events.count) events\(events.count < result.events.count ? " (the newest of \(result.events.count))" : "") from \(result.verifiedFiles) verified log files; \(result.skippedFiles.count) log files not verified, "
                + (includeUnverified
                    ? "\(unverifiedEvents) of the events printed come from them (Verified false)"
                    : "their events left out (--include-unverified prints them)"))
        ExitStatus.exit(ValidateLogsCommand.exitStatus(result.summary.outcome, checks: .full))
    }
}

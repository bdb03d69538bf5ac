import ArgumentParser
import Foundation
import TrailProof

struct ValidateLogsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate-logs",
        abstract: "Validate digests and log files as `aws cloudtrail validate-logs` does, on a local store.",
        discussion: """
            Walks the digest chain back from the newest digest in the range, verifies every signature \
            and re-hashes every log file, printing aws-cli's lines: INVALID lines on standard error, \
            valid ones on standard output with --verbose. Exit status: 0 all valid, 1 something \
            INVALID, 2 bad arguments, 3 stopped (unreadable store or key list, no public keys in range).
            """
    )

    @OptionGroup var storeOptions: StoreOptions

    @Option(
        help: ArgumentHelp(
            "Public keys in the ListPublicKeys shape (keyring public-keys.json, or `aws cloudtrail list-public-keys` output).", valueName: "FILE"))
    var publicKeys: String

    @Option(help: "The trail ARN, arn:aws:cloudtrail:REGION:ACCOUNT:trail/NAME.")
    var trailArn: String

    @Option(help: "Validate logs delivered on or after this UTC time, e.g. 2026-01-08T05:21:42Z.")
    var startTime: String

    @Option(help: "… and on or before this time (default: now).")
    var endTime: String?

    @Option(help: "The bucket holding the digests.")
    var s3Bucket: String

    @Option(help: "The key prefix before AWSLogs/.")
    var s3Prefix: String?

    @Option(help: "The account whose files to validate (default: the ARN's; needed for organization trails).")
    var accountId: String?

    @Option(help: "The organization ID (o-...) of an organization trail.")
    var organizationId: String?

    @Option(help: "The region that delivered the files (default: the ARN's region).")
    var region: String?

    @Option(help: "Log files read at once (default: number of processors).")
    var jobs = 0

    @Flag(help: "Also print every valid digest and log file.")
    var verbose = false

    func validate() throws {
        guard jobs >= 0 else { throw ValidationError("--jobs must be 0 (automatic) or more") }
    }

    func run() async throws {
        let trail = try TrailARN(trailArn)
        let start = try parseTime(startTime, option: "--start-time")
        let end = try endTime.map { try parseTime($0, option: "--end-time") } ?? Timestamp.now()
        let request = try ValidationRequest(
            trail: trail, startTime: start, endTime: end, bucket: s3Bucket, prefix: s3Prefix, accountID: accountId,
            organizationID: organizationId, region: region, jobs: jobs)
        let keys = try PublicKeyList(contentsOfFile: publicKeys)
        let store = try storeOptions.openStore(create: false)
        var report = TextReport(
            output: TextReport.Output(standardOutput: Console.output, standardError: Console.rawError), verbose: verbose)
        report.writeStart(trail: trail, start: start, end: end)
        let validator = TrailValidator(store: store, publicKeys: keys, request: request)
        let summary = try await validator.validate { report.write($0) }
        report.writeSummary(summary)
        throw ExitCode(summary.isValid ? ExitStatus.valid : ExitStatus.invalid)
    }
}

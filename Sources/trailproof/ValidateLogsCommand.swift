public import ArgumentParser
import FoundationEssentials
import TrailProof

struct ValidateLogsCommand: AsyncParsableCommand {
    // _superCommandName: when TrailProofCommand.parseCommandLine() parses a validate-logs line
    // with this command first, ArgumentParser skips its completion-script check (two more commands reflected over,
    // about 0.7 ms of every run's start-up). A line that does not parse that way is parsed again
    // by the root, which checks for completion scripts and words help and errors as always.
    static let configuration = CommandConfiguration(
        commandName: "validate-logs",
        _superCommandName: "trailproof",
        abstract: "Validate digests and log files as `aws cloudtrail validate-logs` does, and what it cannot see.",
        discussion: """
            Walks the digest chain back from the newest digest in the range, verifies every signature \
            and link, re-hashes every log file, and prints aws-cli's lines: INVALID, UNVERIFIED and \
            UNREADABLE lines on standard error (keys escaped), valid ones on standard output with \
            --verbose. With --checks full (the default) it also reports broken links, every missing \
            digest that is overdue by the clock (whatever --end-time says), forks and other digests off \
            the chain, log files no digest lists, and keys used outside their validity. Exit status: 0 everything checked is \
            valid; 1 something is INVALID (evidence of tampering); 2 bad arguments; 3 stopped \
            (unreadable store or key list, a failed listing, no public keys in range); 4 nothing INVALID \
            but some objects UNVERIFIED or UNREADABLE; 5 nothing found to validate (with --checks \
            aws-cli: 0, as aws-cli).
            """
    )

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
        case text, json, junit
    }

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

    @Flag(help: "Validate every region's chain of the trail found under the bucket.")
    var allRegions = false

    @Flag(help: "Validate every account's chain found under the bucket (organization trails).")
    var allAccounts = false

    @Option(
        help: ArgumentHelp(
            "The digests seal the objects under this key prefix (digest --logs-from): with --checks full, report objects there that no valid digest lists.",
            valueName: "PREFIX"))
    var logsFrom: String?

    @Option(help: ArgumentHelp("With --logs-from: the late window the sealing used.", valueName: "HOURS"))
    var lateWindow: Int64 = 24

    @Option(help: ArgumentHelp("full: every check (default); aws-cli: only aws-cli's checks, for identical output.", valueName: "full|aws-cli"))
    var checks: ValidationRequest.CheckLevel = .full

    @Option(
        help: ArgumentHelp(
            "Digest signatures for a store without metadata (aws s3 sync): a JSON object of object key to hex signature.", valueName: "FILE"))
    var signatures: String?

    @Option(help: ArgumentHelp("Record the newest validated digest here; later runs must reach it through the chain.", valueName: "FILE"))
    var state: String?

    @Flag(help: "With --state: validate only what is newer than the recorded digest.")
    var onlyNew = false

    @Option(help: "What standard output gets: text (aws-cli's format), json or junit.")
    var output: OutputFormat = .text

    @Option(
        help: ArgumentHelp(
            "Also write a report to FILE: JUnit XML if it ends in .xml, a self-contained HTML evidence page (request, tool and commit, keys, totals, a timeline per chain, every finding) if it ends in .html, else JSON.",
            valueName: "FILE"))
    var report: String?

    @Option(help: "Log files read at once (default: number of processors).")
    var jobs = 0

    @Flag(help: "Also print every valid digest and log file.")
    var verbose = false

    func validate() throws {
        guard jobs >= 0 else { throw ValidationError("--jobs must be 0 (automatic) or more") }
        guard !onlyNew || state != nil else { throw ValidationError("--only-new needs --state FILE") }
        guard (0...24 * 366).contains(lateWindow) else { throw ValidationError("--late-window must be between 0 and 8784 hours") }
        guard checks == .full || (state == nil && signatures == nil && !onlyNew) else {
            throw ValidationError("--state, --only-new and --signatures need --checks full")
        }
    }

    /// The request as the command line gives it; anything wrong in it is a usage error (exit 2).
    private func makeRequest() throws -> ValidationRequest {
        do {
            let trail = try TrailARN(trailArn)
            let start = try parseTime(startTime, option: "--start-time")
            let end = try endTime.map { try parseTime($0, option: "--end-time") } ?? Timestamp.now()
            var request = try ValidationRequest(
                trail: trail, startTime: start, endTime: end, bucket: s3Bucket, prefix: s3Prefix, accountID: accountId,
                organizationID: organizationId, region: region, jobs: jobs)
            request.checks = checks
            request.onlyNew = onlyNew
            request.sealedPrefix = logsFrom
            request.lateWindow = lateWindow * 3600
            return request
        } catch let error as TrailProofError {
            throw TrailProofError(.invalidArgument, error.message)
        }
    }

    func run() async throws {
        var base = try makeRequest()
        let trail = base.trail
        base.signatures = try signatures.map(Self.readSignatures) ?? [:]
        let keys = try PublicKeyList(contentsOfFile: publicKeys)
        let store = try await storeOptions.openStore(create: false)
        let savedState = try state.map { try ValidationState(contentsOfFile: $0) }
        let scope: ValidationSession.Scope =
            switch (allAccounts, allRegions) {
            case (false, false): .requested
            case (false, true): .allRegions
            case (true, false): .allAccounts
            case (true, true): .allAccountsAndRegions
            }
        let counters = ValidationProgress()
        let session = ValidationSession(store: store, publicKeys: keys, request: base, scope: scope, state: savedState, progress: counters)

        let hours = Int((base.endTime.secondsSinceEpoch - base.startTime.secondsSinceEpoch + 3599) / 3600)
        let progress = ProgressLine(counters: counters, expectedDigests: scope == .requested ? max(1, hours) : nil)
        // No task when the line is not shown: a task at this point can make the pool start a
        // thread on the run's critical path.
        let drawing = progress.enabled ? Task { await progress.run() } : nil
        defer {
            progress.stop()
            drawing?.cancel()
        }
        let textOutput = TextReport.Output(
            standardOutput: { text in
                progress.clear(); Console.output(text)
            },
            standardError: { text in
                progress.clear(); Console.rawError(text)
            })
        let silent = TextReport.Output(standardOutput: { _ in }, standardError: { _ in })
        var text = TextReport(output: output == .text ? textOutput : silent, verbose: verbose)
        text.writeStart(trail: trail, start: base.startTime, end: base.endTime)
        // The machine report, when one is asked for, is spooled to scratch files as the run goes.
        let machine =
            output != .text || report != nil
            ? try ValidationReport(
                trail: trail, startTime: base.startTime, endTime: base.endTime, bucket: s3Bucket, prefix: base.location.prefix,
                organizationID: organizationId, checks: checks)
            : nil
        machine?.publicKeys = Array(keys.keysOverlapping(start: base.startTime, end: base.endTime).values)
        var spoolError: (any Error)?
        let result = try await session.run { chain, event in
            text.write(event)
            progress.count(event)
            do { try machine?.record(event, chain: chain) } catch { spoolError = spoolError ?? error }
        }
        if let spoolError { throw spoolError }
        for chain in result.chains { machine?.finish(chain: chain.chain, summary: chain.summary) }
        progress.stop()
        let summary = result.summary
        text.writeSummary(summary)
        switch output {
        case .text: break
        case .json: try machine?.writeJSON(to: Console.output)
        case .junit: try machine?.writeJUnit(to: Console.output)
        }
        if let report { try machine?.write(to: report) }
        if let state, let updated = result.state { try updated.write(to: state) }
        if checks == .full {
            explain(summary.outcome, base: base, listed: result.listedPrefix)
        }
        // The progress line was stopped before the summary; the exit ends its task.
        ExitStatus.exit(Self.exitStatus(summary.outcome, checks: checks))
    }

    /// The documented exit status of an outcome; aws-cli mode exits 0 when nothing was found, as aws-cli does.
    static func exitStatus(_ outcome: ValidationSummary.Outcome, checks: ValidationRequest.CheckLevel) -> Int32 {
        switch outcome {
        case .valid: return ExitStatus.valid
        case .invalid: return ExitStatus.invalid
        case .notEstablished: return ExitStatus.notEstablished
        case .nothingFound: return checks == .awsCLI ? ExitStatus.valid : ExitStatus.nothingFound
        }
    }

    /// Says on standard error why a run that found no INVALID object is not a success.
    private func explain(_ outcome: ValidationSummary.Outcome, base: ValidationRequest, listed prefix: String) {
        switch outcome {
        case .valid, .invalid:
            return
        case .notEstablished:
            Console.error(
                "trailproof: nothing INVALID, but some objects are UNVERIFIED or UNREADABLE: their integrity is not established (exit status 4)")
        case .nothingFound:
            let listed = "s3://\(base.location.bucket)/\(prefix)"
            Console.error(
                "trailproof: nothing was validated: no digest of trail \(base.trail.trailName) (home region \(base.trail.homeRegion)) was found under \(TerminalText.escape(listed)) for \(base.startTime) to \(base.endTime). Check --s3-bucket, --s3-prefix, --account-id, --organization-id and --region (exit status 5)"
            )
        }
    }

    /// Reads `{"KEY": "hex signature", …}` (keys may also be s3:// URIs).
    private static func readSignatures(_ path: String) throws -> [String: String] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TrailProofError(.invalidInput, "cannot read signatures file \(path)")
        }
        guard case .object(let members) = try? StrictJSONParser.parse(Array(data)) else {
            throw TrailProofError(.invalidInput, "signatures file \(path) is not a JSON object of object key to hex signature")
        }
        var signatures: [String: String] = [:]
        for member in members {
            guard let value = member.value.stringValue else {
                throw TrailProofError(.invalidInput, "signatures file \(path): the value for \(member.key) is not a string")
            }
            signatures[member.key] = value
        }
        return signatures
    }
}

extension ValidationRequest.CheckLevel: ExpressibleByArgument {}

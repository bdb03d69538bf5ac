import ArgumentParser
import TrailProof

struct DigestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "digest",
        abstract: "Write every missing hourly digest, signed and chained, up to the last whole hour.",
        discussion: """
            Each digest lists the SHA-256 of every log delivered in its hour (an empty hour gets an empty \
            digest), links to the previous digest and is signed with the keyring key valid at its end. \
            Re-running writes nothing twice, so it suits an hourly cron job, e.g. \
            5 * * * * trailproof digest --store ... --keyring ... With --trail, the trail's definition \
            decides: no digests while log file validation is off, a new chain after logging was started \
            again, none past the time logging stopped, every region of a multi-region trail.
            """
    )

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var locationOptions: TrailLocationOptions

    @Option(help: "The trail name (not with --trail).")
    var trailName: String?

    @Option(help: "The trail's home region (default: --region).")
    var homeRegion: String?

    @Option(help: ArgumentHelp("The keyring folder made by `keys generate`.", valueName: "DIR"))
    var keyring: String

    @Option(help: "Write digests for windows ending at or before this time (ISO 8601; default: now).")
    var until: String?

    @Flag(help: "Start a new chain (previous digest fields null), as after logging was stopped.")
    var restart = false

    @Option(
        help: ArgumentHelp(
            "Seal the gzip objects other shippers (Fluent Bit, Vector, Logstash) deliver under this key prefix of the bucket, by their last-modified time, instead of the trail's log files.",
            valueName: "PREFIX"))
    var logsFrom: String?

    @Option(
        help: ArgumentHelp("With --logs-from: how many hours late an object may arrive and still be sealed (in the next digest).", valueName: "HOURS")
    )
    var lateWindow: Int64 = 24

    @Flag(help: "With --logs-from: leave objects that are not gzip out (named on standard error) instead of refusing to seal their hour.")
    var skipNonGzip = false

    func validate() throws {
        if locationOptions.trail != nil {
            guard trailName == nil, homeRegion == nil, !restart, locationOptions.region == nil else {
                throw ValidationError(
                    "--trail takes the name, home region and chain from the trail; leave out --trail-name, --home-region, --region and --restart")
            }
        } else if trailName == nil {
            throw ValidationError("give --trail NAME, or --trail-name with the location options")
        }
    }

    func run() async throws {
        let limit = try until.map { try parseTime($0, option: "--until") } ?? Timestamp.now()
        guard (0...24 * 366).contains(lateWindow) else { throw ValidationError("--late-window must be between 0 and 8784 hours") }
        let sealing = try logsFrom.map {
            try LogSealing(prefix: $0, lateWindow: lateWindow * 3600, skipNonGzip: skipNonGzip, onSkipped: reportSkipped)
        }
        if let name = locationOptions.trail {
            let lifecycle = TrailLifecycle(registry: try await storeOptions.trailRegistry(create: true), onSkipped: reportSkipped)
            let written = try await lifecycle.writeDigests(
                name: name, until: limit, keyring: try Keyring(directory: keyring, mustExist: true), sealing: sealing)
            for object in written { Console.output(object.uri + "\n") }
            if written.isEmpty, try await !lifecycle.registry.trail(named: name).definition.logFileValidationEnabled {
                Console.error("no digests: trail \(name) has log file validation off")
            }
            return
        }
        let store = try await storeOptions.openStore(create: true)
        let location = try locationOptions.location()
        let producer = try DigestProducer(
            store: store, location: location, trailName: trailName!, homeRegion: homeRegion ?? location.region,
            keyring: try Keyring(directory: keyring, mustExist: true), sealing: sealing)
        for object in try await producer.run(until: limit, restart: restart) {
            Console.output(object.uri + "\n")
        }
    }
}

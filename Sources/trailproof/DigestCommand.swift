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
            5 * * * * trailproof digest --store ... --keyring ...
            """
    )

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var locationOptions: TrailLocationOptions

    @Option(help: "The trail name.")
    var trailName: String

    @Option(help: "The trail's home region (default: --region).")
    var homeRegion: String?

    @Option(help: ArgumentHelp("The keyring folder made by `keys generate`.", valueName: "DIR"))
    var keyring: String

    @Option(help: "Write digests for windows ending at or before this time (ISO 8601; default: now).")
    var until: String?

    @Flag(help: "Start a new chain (previous digest fields null), as after logging was stopped.")
    var restart = false

    func run() async throws {
        let store = try await storeOptions.openStore(create: true)
        let location = try locationOptions.location()
        let producer = try DigestProducer(
            store: store, location: location, trailName: trailName, homeRegion: homeRegion ?? location.region,
            keyring: try Keyring(directory: keyring, mustExist: true))
        let limit = try until.map { try parseTime($0, option: "--until") } ?? Timestamp.now()
        for object in try await producer.run(until: limit, restart: restart) {
            Console.output(object.uri + "\n")
        }
    }
}

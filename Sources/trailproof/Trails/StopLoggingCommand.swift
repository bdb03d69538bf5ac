import ArgumentParser
import TrailProof

struct StopLoggingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stop-logging",
        abstract: "Stop a trail's logging at --at, writing its final digest (covering up to --at) as CloudTrail does.",
        discussion: "Prints the digests written. deliver refuses logs for a stopped trail until start-logging.")

    @OptionGroup var storeOptions: StoreOptions

    @Option(help: "The trail's name or ARN.")
    var name: String

    @Option(help: ArgumentHelp("The keyring that signs the final digest (needed with log file validation).", valueName: "DIR"))
    var keyring: String?

    @Option(help: "When logging stops (ISO 8601; default: now).")
    var at: String?

    func run() async throws {
        let keys = try keyring.map { try Keyring(directory: $0, mustExist: true) }
        let lifecycle = TrailLifecycle(registry: try await storeOptions.trailRegistry(), onSkipped: reportSkipped)
        for object in try await lifecycle.stopLogging(name: name, at: try timeOption(at, option: "--at"), keyring: keys) {
            Console.output(object.uri + "\n")
        }
    }
}

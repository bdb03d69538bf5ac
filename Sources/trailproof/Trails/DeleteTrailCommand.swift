import ArgumentParser
import TrailProof

struct DeleteTrailCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete-trail",
        abstract: "Delete a trail's definition; a logging trail is stopped first (with its final digest).",
        discussion: "The trail's logs and digests stay in the bucket and still validate.")

    @OptionGroup var storeOptions: StoreOptions

    @Option(help: "The trail's name or ARN.")
    var name: String

    @Option(help: ArgumentHelp("The keyring that signs the final digest of a logging trail with log file validation.", valueName: "DIR"))
    var keyring: String?

    @Option(help: "When the trail is deleted (ISO 8601; default: now).")
    var at: String?

    func run() async throws {
        let registry = try await storeOptions.trailRegistry()
        let lifecycle = TrailLifecycle(registry: registry, onSkipped: reportSkipped)
        let keys = try keyring.map { try Keyring(directory: $0, mustExist: true) }
        for object in try await lifecycle.stopLogging(name: name, at: try timeOption(at, option: "--at"), keyring: keys) {
            Console.output(object.uri + "\n")
        }
        try await registry.delete(try await registry.trail(named: name).definition)
    }
}

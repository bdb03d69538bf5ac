import ArgumentParser
import TrailProof

struct StartLoggingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "start-logging",
        abstract: "Start a trail's logging at --at; with log file validation, its digests begin a new chain there.")

    @OptionGroup var storeOptions: StoreOptions

    @Option(help: "The trail's name or ARN.")
    var name: String

    @Option(help: "When logging starts (ISO 8601; default: now).")
    var at: String?

    func run() async throws {
        try await TrailLifecycle(registry: try await storeOptions.trailRegistry()).startLogging(name: name, at: try timeOption(at, option: "--at"))
    }
}

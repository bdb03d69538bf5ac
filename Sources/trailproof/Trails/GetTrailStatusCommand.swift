import ArgumentParser
import FoundationEssentials
import TrailProof

struct GetTrailStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get-trail-status",
        abstract: "Print a trail's logging status in AWS's GetTrailStatus shape, computed from the store.",
        discussion: """
            LatestDeliveryTime is the newest log file's delivery time, LatestDigestDeliveryTime the end of \
            the newest digest's window. With --check, exits 6 when a logging trail's next digest is overdue \
            (more than an hour past the hour after the newest digest) or the latest delivery failed, with \
            the reasons on standard error, so that a monitor can page on it.
            """)

    @OptionGroup var storeOptions: StoreOptions

    @Option(help: "The trail's name or ARN.")
    var name: String

    @Option(help: "The time to take the status at (ISO 8601; default: now).")
    var at: String?

    @Flag(help: "Exit 6 when the trail is unhealthy (overdue digest, failed delivery).")
    var check = false

    func run() async throws {
        let lifecycle = TrailLifecycle(registry: try await storeOptions.trailRegistry())
        let status = try await lifecycle.status(name: name, at: try timeOption(at, option: "--at"))
        printJSON(status.awsShape())
        if check, !status.problems.isEmpty {
            for problem in status.problems { Console.error("trailproof: trail \(name): \(problem)") }
            ExitStatus.exit(ExitStatus.unhealthy)
        }
    }
}

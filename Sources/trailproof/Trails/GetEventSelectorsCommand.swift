import ArgumentParser
import TrailProof

struct GetEventSelectorsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get-event-selectors",
        abstract: "Print what a trail logs, as aws cloudtrail get-event-selectors does (AWS's default when none were put).")

    @OptionGroup var storeOptions: StoreOptions

    @Option(help: "The trail's name or ARN.")
    var trailName: String

    func run() async throws {
        let definition = try await storeOptions.trailRegistry().trail(named: trailName).definition
        printJSON((definition.eventSelectors ?? EventSelectors.awsDefault).awsShape(trailARN: definition.arn))
    }
}

import ArgumentParser
import TrailProof

struct GetTrailCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get-trail", abstract: "Print one trail's definition, as aws cloudtrail get-trail does ({\"Trail\": {...}}).")

    @OptionGroup var storeOptions: StoreOptions

    @Option(help: "The trail's name or ARN.")
    var name: String

    func run() async throws {
        let trail = try await storeOptions.trailRegistry().trail(named: name)
        printJSON(.object([("Trail", trail.definition.awsShape(includeHomeRegion: true))]))
    }
}

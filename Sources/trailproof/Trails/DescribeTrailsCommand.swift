import ArgumentParser
import TrailProof

struct DescribeTrailsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "describe-trails",
        abstract: "List the trails defined in the store, as aws cloudtrail describe-trails does ({\"trailList\": [...]}).")

    @OptionGroup var storeOptions: StoreOptions

    @Option(parsing: .upToNextOption, help: "Only these trails (names or ARNs).")
    var trailNameList: [String] = []

    func run() async throws {
        let registry = try await storeOptions.trailRegistry()
        var trails: [TrailDefinition] = []
        if trailNameList.isEmpty {
            trails = try await registry.all()
        } else {
            for name in trailNameList { trails.append(try await registry.trail(named: name).definition) }
        }
        printJSON(.object([("trailList", .array(trails.map { $0.awsShape(includeHomeRegion: true) }))]))
    }
}

import ArgumentParser
import TrailProof

struct PutEventSelectorsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "put-event-selectors",
        abstract: "Set what a trail logs, as aws cloudtrail put-event-selectors does (basic or advanced selectors).",
        discussion: """
            JSON as aws-cli takes it, inline or file://PATH. Invalid selectors are refused with botocore's \
            messages for their structure and CloudTrail's exception for their values. deliver --trail keeps \
            only the records the selectors select.
            """)

    @OptionGroup var storeOptions: StoreOptions

    @Option(help: "The trail's name or ARN.")
    var trailName: String

    @Option(
        help: ArgumentHelp(
            "EventSelectors JSON: [{\"ReadWriteType\": ..., \"IncludeManagementEvents\": ..., \"DataResources\": [...]}]", valueName: "JSON"))
    var eventSelectors: String?

    @Option(
        help: ArgumentHelp(
            "AdvancedEventSelectors JSON: [{\"Name\": ..., \"FieldSelectors\": [{\"Field\": ..., \"Equals\": [...]}]}]", valueName: "JSON"))
    var advancedEventSelectors: String?

    func validate() throws {
        guard (eventSelectors == nil) != (advancedEventSelectors == nil) else {
            throw TrailProofError(
                .invalidArgument,
                "InvalidParameterCombinationException: give either --event-selectors or --advanced-event-selectors, not both and not neither")
        }
    }

    func run() async throws {
        let selectors =
            try eventSelectors.map { try EventSelectors(basic: try jsonArgument($0, option: "--event-selectors")) }
            ?? EventSelectors(advanced: try jsonArgument(advancedEventSelectors!, option: "--advanced-event-selectors"))
        let registry = try await storeOptions.trailRegistry()
        let current = try await registry.trail(named: trailName).definition
        var changed = current
        changed.eventSelectors = selectors
        try await registry.update(changed, was: current)
        printJSON(selectors.awsShape(trailARN: changed.arn))
    }
}

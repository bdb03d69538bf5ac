import ArgumentParser
import FoundationEssentials
import Glibc
import TrailProof

struct DeliverCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deliver",
        abstract: "Gzip log documents into log files named and placed as CloudTrail does.",
        discussion: """
            Each FILE is a JSON document {"Records": [...]} whose records all have an eventTime; - reads \
            standard input. Every input is checked before anything is written. Prints the keys written. \
            With --trail, the trail must be logging at --at; only the records its event selectors select \
            are kept (the count of the others goes to standard error) and Insights events go to the \
            CloudTrail-Insight folder.
            """
    )

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var locationOptions: TrailLocationOptions

    @Option(help: "Delivery time (ISO 8601, minute precision; default: now).")
    var at: String?

    @Argument(help: "Log documents to deliver, or - for standard input.")
    var files: [String]

    func run() async throws {
        let time = try at.map { try parseTime($0, option: "--at") } ?? Timestamp.now()
        var inputs: [LogDelivery.Input] = []
        for file in files {
            let bytes: [UInt8]
            if file == "-" {
                bytes = try FileDescriptorIO.readToEnd(STDIN_FILENO, naming: "standard input")
            } else {
                guard let data = FileManager.default.contents(atPath: file) else { throw TrailProofError(.invalidInput, "cannot read \(file)") }
                bytes = Array(data)
            }
            inputs.append(LogDelivery.Input(source: file == "-" ? "standard input" : file, bytes: bytes))
        }
        if let trailName = locationOptions.trail {
            let registry = try await storeOptions.trailRegistry(create: true)
            let delivery = TrailLogDelivery(registry: registry, trail: try await registry.trail(named: trailName))
            let outcome = try await delivery.deliver(inputs, at: time, region: locationOptions.region)
            for object in outcome.delivered { Console.output(object.uri + "\n") }
            if outcome.droppedBySelectors > 0 {
                Console.error("dropped \(outcome.droppedBySelectors) records that the trail's event selectors do not select")
            }
            if outcome.droppedGlobal > 0 {
                Console.error("dropped \(outcome.droppedGlobal) global service events: the trail does not include them")
            }
            if outcome.delivered.isEmpty { Console.error("nothing delivered: the trail selects none of the records") }
            return
        }
        let store = try await storeOptions.openStore(create: true)
        let delivery = LogDelivery(store: store, location: try locationOptions.location())
        for object in try await delivery.deliver(inputs, at: time) {
            Console.output(object.uri + "\n")
        }
    }
}

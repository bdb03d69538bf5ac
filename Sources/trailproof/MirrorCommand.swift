import ArgumentParser
import TrailProof

struct MirrorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mirror",
        abstract: "Copy a trail between stores (S3 to a local folder, or back), metadata included, verifying every copy.",
        discussion: """
            Copies every object of --bucket under --prefix. Objects already in the destination with the \
            same bytes and metadata are skipped, so an interrupted mirror resumes; an object that differs \
            is never overwritten and is reported as a conflict. Each copy is read back and compared by \
            SHA-256. Prints one line per object copied or in conflict and a summary; exit status 1 if \
            anything conflicted or failed.
            """
    )

    @Option(help: ArgumentHelp("The source: a local store folder, or s3.", valueName: "DIR|s3"))
    var from: String

    @Option(help: ArgumentHelp("The destination: a local store folder (created if needed), or s3.", valueName: "DIR|s3"))
    var to: String

    @Option(help: "The bucket to copy (the same name in both stores).")
    var bucket: String

    @Option(help: "Copy only keys starting with this prefix, e.g. AWSLogs/111122223333/.")
    var prefix = ""

    @Option(help: "Objects copied at once (default: chosen by the stores).")
    var jobs = 0

    @OptionGroup var s3: S3Options

    func run() async throws {
        let source: any ObjectStore = from == "s3" ? try await s3.openStore() : try LocalStore(root: from)
        let destination: any ObjectStore = to == "s3" ? try await s3.openStore() : try LocalStore.create(root: to)
        let mirror = try StoreMirror(source: source, destination: destination, bucket: bucket, prefix: prefix, jobs: jobs)
        var counts: [String: Int] = [:]
        _ = try await mirror.run { location, outcome in
            switch outcome {
            case .copied:
                counts["copied", default: 0] += 1
                Console.output("copied\t\(location.uri)\n")
            case .alreadyPresent:
                counts["present", default: 0] += 1
            case .conflict(let why):
                counts["conflict", default: 0] += 1
                Console.error("conflict\t\(location.uri)\t\(why)")
            case .failed(let why):
                counts["failed", default: 0] += 1
                Console.error("failed\t\(location.uri)\t\(why)")
            }
        }
        let problems = counts["conflict", default: 0] + counts["failed", default: 0]
        Console.output(
            "\(counts["copied", default: 0]) copied, \(counts["present", default: 0]) already present, \(counts["conflict", default: 0]) conflicts, \(counts["failed", default: 0]) failed\n"
        )
        ExitStatus.exit(problems == 0 ? ExitStatus.valid : ExitStatus.invalid)
    }
}

import ArgumentParser
import TrailProof

struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Generate, rotate and list the signing keys of a keyring.",
        subcommands: [Generate.self, List.self]
    )

    struct Generate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "generate",
            abstract: "Make an RSA-2048 key pair and publish DIR/public-keys.json (ListPublicKeys shape).",
            discussion: """
                The private key is written to DIR/private/FINGERPRINT.pem with mode 0600. Generating a key \
                for a region that has one rotates: the previous key's validity ends when the new one starts.
                """
        )

        @Option(help: ArgumentHelp("The keyring folder (created if needed).", valueName: "DIR"))
        var keyring: String

        @Option(help: "The region whose digests the key signs.")
        var region = "us-east-1"

        @Option(help: "Start of the validity window (ISO 8601, default: now).")
        var validFrom: String?

        @Option(help: "Length of the validity window in days.")
        var validDays = 30

        func run() async throws {
            var ring = try Keyring(directory: keyring)
            let start = try validFrom.map { try parseTime($0, option: "--valid-from") } ?? Timestamp.now()
            let key = try ring.generate(region: region, validFrom: start, validDays: validDays)
            Console.output("\(key.fingerprint)\t\(key.region)\t\(key.validityStart)\t\(key.validityEnd)\n")
            Console.output("published \(ring.publicKeysPath)\n")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "Print the keys: fingerprint, region, validity start and end.")

        @Option(help: ArgumentHelp("The keyring folder.", valueName: "DIR"))
        var keyring: String

        func run() async throws {
            let ring = try Keyring(directory: keyring, mustExist: true)
            for key in ring.keys {
                Console.output("\(key.fingerprint)\t\(key.region)\t\(key.validityStart)\t\(key.validityEnd)\n")
            }
        }
    }
}

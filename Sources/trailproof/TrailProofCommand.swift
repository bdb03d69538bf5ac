import ArgumentParser
import Foundation
import TrailProof

/// `trailproof`: produce and validate CloudTrail-format signed log chains.
@main
struct TrailProofCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trailproof",
        abstract: "Tamper-evident log delivery in the AWS CloudTrail log file integrity format.",
        discussion: """
            Stores: --store DIR for a local folder, or --store s3 (the default) with \
            --endpoint-url for S3-compatible servers. Exit status: 0 success, everything \
            valid; 1 validate-logs found something INVALID or UNVERIFIED, or mirror met a \
            conflict or a failed copy; 2 the command line is wrong; 3 the run was stopped by \
            an error (unreadable store or key list, a failed listing, no public keys in \
            range, a write refused).
            """,
        subcommands: [
            KeysCommand.self, DeliverCommand.self, DigestCommand.self, ValidateLogsCommand.self, MirrorCommand.self, DemoCommand.self,
        ]
    )

    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as TrailProofError {
            Console.error("trailproof: error: \(error.message)")
            Foundation.exit(error.code == .invalidArgument ? ExitStatus.usage : ExitStatus.stopped)
        } catch let code as ExitCode {
            Foundation.exit(code.rawValue)
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { Console.output(message + "\n") }
                Foundation.exit(ExitStatus.valid)
            }
            Console.error(message)
            Foundation.exit(ExitStatus.usage)
        }
    }
}

/// The documented exit statuses.
enum ExitStatus {
    static let valid: Int32 = 0
    static let invalid: Int32 = 1
    static let usage: Int32 = 2
    static let stopped: Int32 = 3
}

/// Writes to the standard streams without buffering surprises between them.
enum Console {
    static func output(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    static func error(_ text: String) {
        FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
    }

    static func rawError(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}

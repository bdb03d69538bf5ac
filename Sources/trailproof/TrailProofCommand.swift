import ArgumentParser
import CHeapTuning
import FoundationEssentials
import Glibc
import Logging
import Synchronization
import TrailProof

/// `trailproof`: produce and validate CloudTrail-format signed log chains.
@main
struct TrailProofCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trailproof",
        abstract: "Tamper-evident log delivery in the AWS CloudTrail log file integrity format.",
        discussion: """
            Stores: --store DIR for a local folder, or --store s3 (the default) with \
            --endpoint-url for S3-compatible servers. Exit status: 0 success (validate-logs: \
            something was checked and all of it is valid); 1 validate-logs found something \
            INVALID (evidence of tampering), or mirror met a conflict or a failed copy; 2 the \
            command line is wrong; 3 the run was stopped by an error (unreadable store or key \
            list, a failed listing, no public keys in range, a write refused, or output that \
            could not be written); 4 validate-logs found nothing INVALID but some objects \
            UNVERIFIED or UNREADABLE; 5 validate-logs found nothing to validate; 6 \
            get-trail-status --check found the trail unhealthy.
            """,
        version: "trailproof \(BuildInfo.description)",
        subcommands: [
            KeysCommand.self, DeliverCommand.self, DigestCommand.self, ValidateLogsCommand.self, MirrorCommand.self, DemoCommand.self,
            CreateTrailCommand.self, UpdateTrailCommand.self, DescribeTrailsCommand.self, GetTrailCommand.self, DeleteTrailCommand.self,
            StartLoggingCommand.self, StopLoggingCommand.self, GetTrailStatusCommand.self, PutEventSelectorsCommand.self,
            GetEventSelectorsCommand.self, LookupEventsCommand.self,
        ]
    )

    static func main() {
        // The heap grows 4 MB at a time, not by what each allocation needs: every growth is an
        // mprotect, which in a process with threads on other cores makes them flush their TLBs;
        // a validation of 6,000 small logs grew its heaps about 330 times (now about 13).
        _ = trailproof_set_heap_growth(4 << 20)
        // Before any other thread exists: a copy-on-write fault later, with threads on other
        // cores, also flushes their TLBs. --version 5.7 -> 5.2 ms.
        _ = trailproof_prefault_bss()
        // First: the crypto and decompression paths warm up on another core meanwhile.
        Warmup.begin(first: ParseWarmup.run)
        // Logs (--debug) go to standard error, never mixed into a report on standard output.
        LoggingSystem.bootstrap { label in StreamLogHandler.standardError(label: label) }
        let command: any ParsableCommand
        do {
            command = try parseCommandLine()
        } catch {
            end(with: error)
        }
        guard let asyncCommand = command as? any AsyncParsableCommand else {
            do {
                var command = command
                try command.run()
                ExitStatus.exit(ExitStatus.valid)
            } catch {
                end(with: error)
            }
        }
        // An asynchronous command runs on the cooperative pool and ends the process itself
        // (ExitStatus.exit); this thread waits for that. An async main() handed the run to the
        // pool too, then made this thread exit (dispatch_main), unwinding its whole stack on a
        // core the run needs: --version 5.9 -> 5.1 ms, 240 digests 16.5 -> 16.0 ms. Nothing here
        // runs on the main actor, which is therefore never served.
        let box = CommandBox(command: asyncCommand)
        Task.detached {
            do {
                var command = box.command
                try await command.run()
                ExitStatus.exit(ExitStatus.valid)
            } catch {
                end(with: error)
            }
        }
        while true { pause() }
    }

    /// Reports what stopped the command and ends the process with its status.
    private static func end(with error: any Error) -> Never {
        if let error = error as? TrailProofError {
            Console.error("trailproof: error: \(TerminalText.escape(error.message))")
            ExitStatus.exit(error.code == .invalidArgument ? ExitStatus.usage : ExitStatus.stopped)
        }
        if let code = error as? ExitCode { ExitStatus.exit(code.rawValue) }
        let code = exitCode(for: error)
        let message = fullMessage(for: error)
        if code == .success {
            if !message.isEmpty { Console.output(message + "\n") }
            ExitStatus.exit(ExitStatus.valid)
        }
        Console.error(message)
        ExitStatus.exit(ExitStatus.usage)
    }
}

/// The parsed command, handed to the task that runs it. `@unchecked Sendable`: the main thread
/// never touches it again.
private struct CommandBox: @unchecked Sendable {
    let command: any AsyncParsableCommand
}

extension TrailProofCommand {
    /// The command line, parsed first by the subcommand it names when that has no subcommands
    /// of its own: ArgumentParser then reflects over one command, not over all of them. When that
    /// does not give the command (help, an error, another command) the root parses it, and says
    /// what it always says.
    static func parseCommandLine() throws -> any ParsableCommand {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if let name = arguments.first,
            let subcommand = configuration.subcommands.first(where: { $0.configuration.commandName == name }),
            subcommand.configuration.subcommands.isEmpty,
            let command = try? subcommand.parseAsRoot(Array(arguments.dropFirst())),
            type(of: command) == subcommand
        {
            return command
        }
        return try parseAsRoot(arguments)
    }
}

/// The documented exit statuses.
enum ExitStatus {
    static let valid: Int32 = 0
    static let invalid: Int32 = 1
    static let usage: Int32 = 2
    static let stopped: Int32 = 3
    static let notEstablished: Int32 = 4
    static let nothingFound: Int32 = 5
    static let unhealthy: Int32 = 6

    /// Ends the process with `status` from where a command's run ends. Throwing ExitCode instead
    /// unwinds the run and tears down everything it held (folder handles, buffers) before the
    /// process ends, for nothing; with the async main() this replaced, main() also resumed on
    /// the main queue, a new dispatch thread: about 0.45 ms at the end of every run. If output
    /// was lost (``Console``), that is said on standard error and a run that would have exited
    /// 0 exits 3: its verdicts never reached their reader.
    static func exit(_ status: Int32) -> Never {
        guard let lost = Console.lostOutput else { Glibc.exit(status) }
        _ = try? FileDescriptorIO.write(Array("trailproof: error: \(lost)\n".utf8), to: STDERR_FILENO, naming: "standard error")
        Glibc.exit(status == valid ? stopped : status)
    }
}

/// Writes to the standard streams without buffering surprises between them. A write that fails
/// (standard output on a full disk, a closed pipe with SIGPIPE ignored) is remembered, and the
/// run goes on to its end, where ``ExitStatus/exit(_:)`` reports it: the run's own clean-up
/// (temporary folders, state files) still happens.
enum Console {
    private static let failure = Mutex<String?>(nil)

    /// Why output was lost, if it was: the first failed write.
    static var lostOutput: String? { failure.withLock { $0 } }

    static func output(_ text: String) {
        write(Array(text.utf8), to: STDOUT_FILENO)
    }

    static func output(_ bytes: [UInt8]) {
        write(bytes, to: STDOUT_FILENO)
    }

    static func error(_ text: String) {
        write(Array((text.hasSuffix("\n") ? text : text + "\n").utf8), to: STDERR_FILENO)
    }

    static func rawError(_ text: String) {
        write(Array(text.utf8), to: STDERR_FILENO)
    }

    private static func write(_ bytes: [UInt8], to file: Int32) {
        do {
            try FileDescriptorIO.write(bytes, to: file, naming: file == STDOUT_FILENO ? "standard output" : "standard error")
        } catch {
            let message = (error as? TrailProofError)?.message ?? "\(error)"
            failure.withLock { if $0 == nil { $0 = message } }
        }
    }
}

import Glibc

/// `credential_process`: runs the profile's command (split as Python's `shlex.split` does, as
/// botocore runs it: no shell) and reads the JSON it prints: `Version` 1, `AccessKeyId`,
/// `SecretAccessKey`, `SessionToken`, `Expiration`. A command that fails, prints something else
/// or runs longer than ``timeout`` seconds is an error naming the profile and what it printed.
struct ProcessCredentials: Sendable {
    let command: String
    let profile: String

    /// botocore waits without limit; a validation in CI must not hang.
    static let timeout: Double = 120
    /// What the command may print on each of its outputs.
    static let maximumOutput = 64 * 1024

    func load() throws -> AWSCredentials {
        let source = "credential_process of profile \(profile)"
        let arguments = try Self.split(command)
        guard !arguments.isEmpty else { throw TrailProofError(.invalidArgument, "\(source) is empty") }
        let (status, output, errors) = try Self.run(arguments, describedAs: source)
        guard status == 0 else {
            let detail = String(decoding: errors, as: UTF8.self).trimmingWhitespace()
            throw TrailProofError(
                .storageFailure, "\(source) (\(arguments[0])) exited with status \(status)\(detail.isEmpty ? "" : ": \(TerminalText.escape(detail))")"
            )
        }
        if case .object(let members) = try? StrictJSONParser.parse(output) {
            let version = members.first { $0.key == "Version" }?.value
            guard case .number(let number) = version, number == "1" else {
                throw TrailProofError(.storageFailure, "\(source) printed Version \(version.map { "\($0)" } ?? "(none)"); only Version 1 is known")
            }
        }
        return try AWSCredentials.fromJSON(output, source: source)
    }

    /// Python's `shlex.split` in POSIX mode: whitespace separates words; single quotes keep
    /// everything; double quotes keep everything but `\` before `\`, `"`, `$`, `` ` `` or a newline;
    /// a `\` outside quotes keeps the next character.
    static func split(_ text: String) throws -> [String] {
        var words: [String] = []
        var word = ""
        var inWord = false
        var quote: Character?
        var escaped = false
        for character in text {
            if escaped {
                if quote == "\"", !["\\", "\"", "$", "`", "\n"].contains(character) { word.append("\\") }
                word.append(character)
                escaped = false
                continue
            }
            switch (quote, character) {
            case (nil, "\\"), ("\"", "\\"):
                escaped = true
                inWord = true
            case (nil, "'"), (nil, "\""):
                quote = character
                inWord = true
            case ("'", "'"), ("\"", "\""):
                quote = nil
            case (nil, _) where character.isWhitespace:
                if inWord { words.append(word) }
                word = ""
                inWord = false
            default:
                word.append(character)
                inWord = true
            }
        }
        guard quote == nil, !escaped else {
            throw TrailProofError(.invalidArgument, "credential_process \"\(text)\" has an unclosed quote or a trailing \\")
        }
        if inWord { words.append(word) }
        return words
    }

    /// Runs `arguments` (the first found on PATH) and returns its status and outputs.
    private static func run(_ arguments: [String], describedAs source: String) throws -> (Int32, [UInt8], [UInt8]) {
        var outputPipe: [Int32] = [0, 0]
        var errorPipe: [Int32] = [0, 0]
        // The read ends must not leak into the command (nor into other processes spawned meanwhile).
        func makePipe(_ ends: inout [Int32]) -> Bool {
            guard pipe(&ends) == 0 else { return false }
            for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
            return true
        }
        guard makePipe(&outputPipe) else { throw TrailProofError(.storageFailure, "cannot run \(source): pipe failed") }
        guard makePipe(&errorPipe) else {
            close(outputPipe[0])
            close(outputPipe[1])
            throw TrailProofError(.storageFailure, "cannot run \(source): pipe failed")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, outputPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errorPipe[1], 2)
        var pid: pid_t = 0
        let argv = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        let spawned = posix_spawnp(&pid, arguments[0], &actions, nil, argv, environ)
        close(outputPipe[1])
        close(errorPipe[1])
        defer {
            close(outputPipe[0])
            close(errorPipe[0])
        }
        guard spawned == 0 else {
            throw TrailProofError(.invalidArgument, "cannot run \(source): \(arguments[0]): \(String(cString: strerror(spawned)))")
        }
        var outputs: [[UInt8]] = [[], []]
        var open = [true, true]
        let deadline = Timestamp.now().secondsSinceEpoch + Int64(timeout)
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while open.contains(true) {
            guard Timestamp.now().secondsSinceEpoch < deadline else {
                kill(pid, SIGKILL)
                var status: Int32 = 0
                waitpid(pid, &status, 0)
                throw TrailProofError(.storageFailure, "\(source) did not finish within \(Int(timeout)) seconds; it was stopped")
            }
            var fds = [pollfd(fd: outputPipe[0], events: Int16(POLLIN), revents: 0), pollfd(fd: errorPipe[0], events: Int16(POLLIN), revents: 0)]
            for index in 0..<2 where !open[index] { fds[index].fd = -1 }
            if poll(&fds, 2, 1000) < 0, errno != EINTR { break }
            for index in 0..<2 where open[index] && fds[index].revents != 0 {
                let count = read(fds[index].fd, &buffer, buffer.count)
                if count <= 0 {
                    if count < 0, errno == EINTR { continue }
                    open[index] = false
                    continue
                }
                guard outputs[index].count + count <= maximumOutput else {
                    kill(pid, SIGKILL)
                    var status: Int32 = 0
                    waitpid(pid, &status, 0)
                    throw TrailProofError(.storageFailure, "\(source) printed more than \(maximumOutput) bytes; it was stopped")
                }
                outputs[index].append(contentsOf: buffer[0..<count])
            }
        }
        // A command may close its outputs and go on running: it too is stopped at the deadline.
        var status: Int32 = 0
        while true {
            let waited = waitpid(pid, &status, WNOHANG)
            if waited == pid || (waited < 0 && errno != EINTR) { break }
            guard Timestamp.now().secondsSinceEpoch < deadline else {
                kill(pid, SIGKILL)
                waitpid(pid, &status, 0)
                throw TrailProofError(.storageFailure, "\(source) did not finish within \(Int(timeout)) seconds; it was stopped")
            }
            usleep(10_000)
        }
        // WIFEXITED / WEXITSTATUS are macros Swift does not import.
        let exitStatus = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return (exitStatus, outputs[0], outputs[1])
    }
}

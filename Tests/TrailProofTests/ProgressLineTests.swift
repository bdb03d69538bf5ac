import Foundation
import Testing

@testable import TrailProof

/// The progress line, driven in a real terminal (tmux): it shows on a terminal during a run that
/// takes more than a second, and never in a pipe or a file.
@Suite("Progress line in a terminal", .serialized)
struct ProgressLineTests {
    struct Tmux {
        let socket = "trailproof-test-\(UUID().uuidString.prefix(8))"

        /// Runs a tmux client. Not with Foundation's Process: the first client forks the tmux
        /// server, which lives on, and Process then waits for it.
        func callAsFunction(_ arguments: String...) throws -> ProcessResult {
            let output = try TestEnvironment.temporaryFolder("tmux").appendingPathComponent("out")
            defer { try? FileManager.default.removeItem(at: output.deletingLastPathComponent()) }
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 1, output.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
            let argv = (["tmux", "-L", socket] + arguments).map { strdup($0) } + [nil]
            defer { for pointer in argv { free(pointer) } }
            var pid: pid_t = 0
            guard posix_spawnp(&pid, "tmux", &actions, nil, argv, environ) == 0 else {
                throw TrailProofError(.storageFailure, "cannot run tmux")
            }
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0, errno == EINTR {}
            let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
            return ProcessResult(status: (status >> 8) & 0xff, standardOutput: text, standardError: "")
        }

        func start(_ name: String, _ command: String) throws {
            let result = try self("new-session", "-d", "-s", name, "-x", "220", "-y", "50", command)
            #expect(result.status == 0, "\(result)")
        }

        func screen(_ name: String) throws -> String { try self("capture-pane", "-p", "-t", name).standardOutput }

        /// Polls the pane until `done` holds for its text; returns every screen seen.
        func watch(_ name: String, seconds: Double, until done: (String) -> Bool) throws -> [String] {
            var screens: [String] = []
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                let text = try screen(name)
                screens.append(text)
                if done(text) { break }
                usleep(100_000)
            }
            return screens
        }

        func stop() { _ = try? self("kill-server") }
    }

    /// Single-quotes `text` for the shell.
    func quoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    @Test("On a terminal the line shows counts, bytes, rate and time left, then is erased; in a pipe it never appears")
    func terminalAndPipe() async throws {
        let folder = try TestEnvironment.temporaryFolder("progress")
        defer { try? FileManager.default.removeItem(at: folder) }
        let bucket = try await S3TestServer.newBucket("progress")
        let trail = try ScenarioTrail.make(in: folder.appendingPathComponent("trail"), bucket: bucket)
        let endpoint = try S3TestServer.endpoint
        let mirrored = try S3TestServer.trailproof(["mirror", "--from", trail.store, "--to", "s3", "--bucket", bucket, "--endpoint-url", endpoint])
        #expect(mirrored.status == 0, "\(mirrored)")

        // 150 ms each way and one request at a time: the run takes seconds.
        let portFile = folder.appendingPathComponent("port").path
        let proxy = Process()
        proxy.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        proxy.arguments = [
            "python3", TestEnvironment.repositoryRoot.appendingPathComponent("bench/latency_proxy.py").path, "--upstream",
            String(endpoint.dropFirst("http://".count)), "--delay-ms", "150", "--port-file", portFile,
        ]
        proxy.standardOutput = FileHandle.nullDevice
        proxy.standardError = FileHandle.nullDevice
        try proxy.run()
        defer { kill(proxy.processIdentifier, SIGKILL) }
        var port = ""
        for _ in 0..<100 where port.isEmpty {
            port = (try? String(contentsOfFile: portFile, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            if port.isEmpty { usleep(50_000) }
        }
        let credentials = try S3TestServer.credentialEnvironment.map { "\($0.key)=\(quoted($0.value))" }.joined(separator: " ")
        let command =
            "env \(credentials) \(quoted(TestEnvironment.executable)) validate-logs --endpoint-url http://127.0.0.1:\(port) --jobs 1 "
            + trail.validationArguments(verbose: false).map(quoted).joined(separator: " ")

        let tmux = Tmux()
        defer { tmux.stop() }
        try tmux.start("terminal", "\(command); echo TRAILPROOF-DONE $?; sleep 120")
        let screens = try tmux.watch("terminal", seconds: 90) { $0.contains("TRAILPROOF-DONE") }
        let progress = screens.flatMap { $0.split(separator: "\n") }.filter { $0.hasPrefix("validating: ") }
        #expect(!progress.isEmpty, "no progress line on the terminal: \(screens.last ?? "")")
        for line in progress {
            #expect(line.contains(" digests, ") && line.contains(" log files, ") && line.contains(" at ") && line.contains("/s"), "\(line)")
        }
        #expect(progress.contains { $0.contains(" left") }, "\(progress)")
        let final = try tmux.screen("terminal")
        #expect(final.contains("TRAILPROOF-DONE 0") && final.contains("log files valid"), "\(final)")
        #expect(!final.contains("validating:"), "the progress line was not erased:\n\(final)")

        let output = folder.appendingPathComponent("piped.txt").path
        try tmux.start("pipe", "\(command) 2>&1 | cat > \(quoted(output)); echo TRAILPROOF-DONE; sleep 120")
        _ = try tmux.watch("pipe", seconds: 90) { $0.contains("TRAILPROOF-DONE") }
        let piped = try String(contentsOfFile: output, encoding: .utf8)
        #expect(piped.contains("log files valid") && !piped.contains("validating") && !piped.contains("\r"), "\(piped)")
    }
}

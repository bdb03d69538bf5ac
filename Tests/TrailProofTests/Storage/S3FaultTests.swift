import Foundation
import Testing

@testable import TrailProof

/// S3 faults between trailproof and a real SeaweedFS server, injected by a proxy on loopback
/// (Tests/Interop/fault_proxy.py): 503 SlowDown, 500, a reset connection, a truncated body and a
/// body that stalls past the read timeout. Faults the retries absorb change no verdict; faults
/// that outlast them make the objects UNREADABLE (exit 4), never INVALID, never valid, no hang.
@Suite("S3 faults through a proxy")
struct S3FaultTests {
    /// A running fault proxy in front of the test server.
    final class FaultProxy {
        let process = Process()
        let endpoint: String
        let log: URL

        init(mode: String, target: String = "", folder: URL) throws {
            let upstream = try S3TestServer.endpoint.replacingOccurrences(of: "http://", with: "")
            let portFile = folder.appendingPathComponent("proxy-\(mode)-\(UUID().uuidString).port")
            log = folder.appendingPathComponent("proxy-\(mode)-\(UUID().uuidString).log")
            try Data().write(to: log)
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [
                "python3", TestEnvironment.repositoryRoot.appendingPathComponent("Tests/Interop/fault_proxy.py").path, "--upstream", upstream,
                "--port-file", portFile.path, "--mode", mode, "--target", target, "--stall", "4",
            ]
            process.standardError = try FileHandle(forWritingTo: log)
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            let deadline = Date().addingTimeInterval(20)
            while !FileManager.default.fileExists(atPath: portFile.path) && Date() < deadline { usleep(20_000) }
            let port = try String(contentsOf: portFile, encoding: .utf8)
            endpoint = "http://127.0.0.1:\(port)"
        }

        /// The faults injected so far, one line each: `fault KIND METHOD TARGET`.
        var faults: [String] {
            ((try? String(contentsOf: log, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init).filter { $0.hasPrefix("fault ") }
        }

        func stop() {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    private func validate(_ trail: ScenarioTrail, endpoint: String) throws -> ProcessResult {
        try run(
            TestEnvironment.executable,
            ["validate-logs", "--endpoint-url", endpoint, "--s3-read-timeout", "2", "--s3-max-attempts", "4", "--jobs", "4"]
                + trail.validationArguments(verbose: true),
            environment: try S3TestServer.credentialEnvironment, timeout: 300)
    }

    private func trailInS3(_ folder: URL, purpose: String) async throws -> ScenarioTrail {
        let bucket = try await S3TestServer.newBucket(purpose)
        let trail = try ScenarioTrail.make(in: folder, bucket: bucket)
        let mirror = try S3TestServer.trailproof([
            "mirror", "--from", trail.store, "--to", "s3", "--bucket", bucket, "--endpoint-url", try S3TestServer.endpoint,
        ])
        try #require(mirror.status == 0, "\(mirror)")
        return trail
    }

    @Test("Faults that retries absorb (each of the five kinds) leave every verdict as on a clean run")
    func absorbableFaults() async throws {
        let folder = try TestEnvironment.temporaryFolder("faults")
        defer { try? FileManager.default.removeItem(at: folder) }
        let trail = try await trailInS3(folder, purpose: "absorbable")
        let clean = try validate(trail, endpoint: try S3TestServer.endpoint)
        #expect(clean.status == 0 && clean.standardOutput.contains("6/6 digest files valid\n7/7 log files valid"), "\(clean)")
        let proxy = try FaultProxy(mode: "absorbable", folder: folder)
        defer { proxy.stop() }
        let faulty = try validate(trail, endpoint: proxy.endpoint)
        #expect(!faulty.timedOut)
        #expect(faulty == clean, "through the proxy:\n\(faulty)\nclean:\n\(clean)")
        let kinds = Set(proxy.faults.map { $0.split(separator: " ")[1] })
        #expect(kinds == ["slowdown", "internal", "reset", "truncated", "stall"], "injected: \(proxy.faults.joined(separator: "\n"))")
    }

    @Test("Faults that outlast the retries make a log and a digest UNREADABLE (exit 4), never INVALID or valid")
    func persistentFaults() async throws {
        let folder = try TestEnvironment.temporaryFolder("faults")
        defer { try? FileManager.default.removeItem(at: folder) }
        let trail = try await trailInS3(folder, purpose: "persistent")
        let log = trail.logs[0]![0]
        let digest = trail.digest(endingAt: 3)
        for (target, key) in [(String(log.suffix(24)), log), (String(digest.suffix(24)), digest)] {
            let proxy = try FaultProxy(mode: "persistent", target: target, folder: folder)
            defer { proxy.stop() }
            let result = try validate(trail, endpoint: proxy.endpoint)
            #expect(!result.timedOut && result.status == 4, "\(result)")
            #expect(result.standardError.contains("\(key)\tUNREADABLE: "), "\(result)")
            #expect(!result.standardError.contains("\tINVALID"), "\(result)")
            #expect(!result.standardOutput.contains("\(key)\tvalid"), "\(result)")
            #expect(!proxy.faults.isEmpty)
        }
    }
}

import Foundation
import Testing

@testable import TrailProof

/// `digest` killed at any moment leaves no partial object and, after a later run, no temporary
/// file, and a chain that trailproof and aws-cli accept.
@Suite("A killed producer")
struct KilledProducerTests {
    @Test("Twenty random SIGKILLs of digest, then a full run: no temporary file is left and both validators accept the chain")
    func randomKills() async throws {
        let folder = try TestEnvironment.temporaryFolder("killed")
        defer { try? FileManager.default.removeItem(at: folder) }
        let storePath = folder.appendingPathComponent("store").path
        let keyring = folder.appendingPathComponent("keyring").path
        _ = try trailproofLines(["keys", "generate", "--keyring", keyring, "--valid-from", "2025-12-31T00:00:00Z"])
        let store = try LocalStore.create(root: storePath)
        let location = try TrailLocation(bucket: "kill-bucket", prefix: nil, organizationID: nil, accountID: "123456789012", region: "us-east-1")
        let hours = 240
        for hour in 0..<hours {
            let time = Timestamp(year: 2026, month: 1, day: 1).adding(seconds: Int64(hour) * 3600 + 600)
            _ = try await LogDelivery(store: store, location: location)
                .deliver([.init(source: "h\(hour)", bytes: SampleTrail.sampleLog(at: time.adding(seconds: -60), user: "u\(hour)"))], at: time)
        }
        func until(hour: Int) -> String { Timestamp(year: 2026, month: 1, day: 1).adding(seconds: Int64(hour) * 3600).iso8601 }
        func arguments(until: String) -> [String] {
            [
                "digest", "--store", storePath, "--bucket", "kill-bucket", "--account-id", "123456789012", "--region", "us-east-1",
                "--trail-name", "kill-trail", "--keyring", keyring, "--until", until,
            ]
        }
        // Each run is given twelve more hours to seal, so that it has work to do when it is killed.
        var killedWhileRunning = 0
        for round in 0..<20 {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: TestEnvironment.executable)
            process.arguments = arguments(until: until(hour: 12 * (round + 1)))
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            usleep(UInt32.random(in: 2_000...60_000))
            if process.isRunning { killedWhileRunning += 1 }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        #expect(killedWhileRunning >= 5, "kills must land while digest runs: \(killedWhileRunning) of 20 did")
        // Whatever the kills left, one leftover is certain: this host's naming, a process id no process can have.
        let name = TemporaryFiles.name(prefix: "").split(separator: ".")
        let leftover = "\(storePath)/\(LocalStore.temporaryFolder)/\(name[0]).\(Int32.max - 7).\(name[2])"
        try Data("partial".utf8).write(to: URL(fileURLWithPath: leftover))
        let final = try trailproof(arguments(until: until(hour: hours)))
        #expect(final.status == 0, "\(final)")
        // Nothing temporary anywhere in the store.
        let leftovers = FileManager.default.enumerator(atPath: storePath)!.compactMap { $0 as? String }.filter {
            $0.contains("trailproof-tmp/") || ($0.contains("trailproof-tmp") && !$0.hasSuffix(".trailproof-tmp"))
        }
        #expect(leftovers.isEmpty, "\(leftovers)")
        let validation = [
            "--public-keys", keyring + "/public-keys.json", "--trail-arn", "arn:aws:cloudtrail:us-east-1:123456789012:trail/kill-trail",
            "--start-time", "2026-01-01T00:00:00Z", "--end-time", until(hour: hours), "--s3-bucket", "kill-bucket",
        ]
        let ours = try trailproof(["validate-logs", "--store", storePath] + validation)
        #expect(
            ours.status == 0 && ours.standardOutput.contains("\(hours)/\(hours) digest files valid\n\(hours)/\(hours) log files valid"), "\(ours)")
        let awscli = try run("python3", [TestEnvironment.oracle, storePath] + validation)
        #expect(awscli.status == 0 && awscli.standardOutput.contains("\(hours)/\(hours) digest files valid"), "\(awscli)")
    }
}

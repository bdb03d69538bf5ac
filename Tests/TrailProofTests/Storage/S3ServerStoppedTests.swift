import Foundation
import Testing

@testable import TrailProof

@Suite("S3 server stopped mid-run")
struct S3ServerStoppedTests {
    @Test("A server killed during validation gives per-object UNREADABLE verdicts and exit 4 or 3, never INVALID, a crash or a false valid")
    func serverKilledMidRun() async throws {
        let folder = try TestEnvironment.temporaryFolder("s3stop")
        defer { try? FileManager.default.removeItem(at: folder) }
        // A server of its own (started by .ci/test.sh), so that stopping it disturbs no other test.
        let given = ProcessInfo.processInfo.environment["TRAILPROOF_S3_STOPPABLE"] ?? ""
        let fields = given.split(separator: " ").map(String.init)
        try #require(fields.count == 4, "TRAILPROOF_S3_STOPPABLE (PID ENDPOINT KEY SECRET) is not set: run the tests with .ci/test.sh")
        let pid = try #require(Int32(fields[0]))
        defer { kill(pid, SIGKILL) }
        let environment = ["AWS_ACCESS_KEY_ID": fields[2], "AWS_SECRET_ACCESS_KEY": fields[3], "AWS_REGION": "us-east-1"]
        let store = S3Store(
            configuration: try await S3Configuration.resolve(endpoint: fields[1], region: "us-east-1", addressing: .path, environment: environment))
        try await store.createBucket("stop-bucket")

        // 800 log files over 8 hours, produced locally and mirrored up.
        let local = try LocalStore.create(root: folder.appendingPathComponent("store").path)
        let location = try TrailLocation(bucket: "stop-bucket", prefix: nil, organizationID: nil, accountID: "111122223333", region: "us-east-1")
        for hour in 0..<8 {
            let time = Timestamp(year: 2026, month: 1, day: 1, hour: hour, minute: 30)
            let inputs = (0..<100).map {
                LogDelivery.Input(source: "log \($0)", bytes: SampleTrail.sampleLog(at: time.adding(seconds: -60), user: "u\($0)"))
            }
            _ = try await LogDelivery(store: local, location: location).deliver(inputs, at: time)
        }
        let keyring = try Keyring(directory: TestEnvironment.repositoryRoot.appendingPathComponent("keys/test-keyring").path, mustExist: true)
        try await DigestProducer(store: local, location: location, trailName: "stop-trail", homeRegion: "us-east-1", keyring: keyring)
            .run(until: Timestamp(year: 2026, month: 1, day: 1, hour: 8))
        let outcomes = try await StoreMirror(source: local, destination: store, bucket: "stop-bucket", prefix: "").run()
        #expect(outcomes.count == 808 && outcomes.allSatisfy { $0.1 == .copied })

        let output = folder.appendingPathComponent("out")
        let errors = folder.appendingPathComponent("err")
        try Data().write(to: output)
        try Data().write(to: errors)
        let validation = Process()
        validation.executableURL = URL(fileURLWithPath: TestEnvironment.executable)
        validation.arguments = [
            "validate-logs", "--endpoint-url", fields[1], "--s3-max-attempts", "2", "--jobs", "4", "--verbose", "--public-keys",
            TestEnvironment.repositoryRoot.appendingPathComponent("keys/test-keyring/public-keys.json").path, "--trail-arn",
            "arn:aws:cloudtrail:us-east-1:111122223333:trail/stop-trail", "--start-time", "2026-01-01T00:00:00Z", "--end-time",
            "2026-01-01T08:00:00Z", "--s3-bucket", "stop-bucket",
        ]
        validation.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        validation.standardOutput = try FileHandle(forWritingTo: output)
        validation.standardError = try FileHandle(forWritingTo: errors)
        try validation.run()
        // Stop the server (SIGKILL, as a crash) as soon as the first log file has been checked.
        let deadline = Date().addingTimeInterval(60)
        while validation.isRunning, Date() < deadline, !(try String(contentsOf: output, encoding: .utf8)).contains("Log file\t") {
            try await Task.sleep(nanoseconds: 2_000_000)
        }
        kill(pid, SIGKILL)
        let stoppedWhileRunning = validation.isRunning
        while validation.isRunning { try await Task.sleep(nanoseconds: 20_000_000) }
        let standardOutput = try String(contentsOf: output, encoding: .utf8)
        let standardError = try String(contentsOf: errors, encoding: .utf8)
        try #require(stoppedWhileRunning, "the run ended before the server was stopped: \(standardOutput.suffix(300))")
        #expect(validation.terminationReason == .exit, "no crash")
        // Objects that could not be read are UNREADABLE (exit 4), never INVALID: nothing shows tampering.
        #expect(
            validation.terminationStatus == 4 || validation.terminationStatus == 3, "\(validation.terminationStatus)\n\(standardError.prefix(2000))")
        #expect(!standardOutput.contains("800/800 log files valid"))
        #expect(!standardError.contains("\tINVALID"), "\(standardError.prefix(2000))")
        let perObject = standardError.split(separator: "\n").filter { $0.hasPrefix("Log file\t") && $0.contains("\tUNREADABLE: cannot reach S3 at") }
        #expect(perObject.count > 100, "per-object errors: \(perObject.count)\n\(standardError.prefix(1500))")
        // The run ends with a summary that counts them (4), or, when a listing after the log
        // files fails too, it stops (3) saying why.
        if validation.terminationStatus == 4 {
            #expect(standardOutput.contains("log files UNREADABLE"), "\(standardOutput.suffix(500))")
        } else {
            #expect(
                standardError.hasSuffix("\n") && standardError.contains("trailproof: error: cannot reach S3 at \(fields[1])"),
                "\(standardError.suffix(500))")
        }
    }
}

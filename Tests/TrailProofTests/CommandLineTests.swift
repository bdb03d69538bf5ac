import Foundation
import Testing

@testable import TrailProof

@Suite("The trailproof command")
struct CommandLineTests {
    @Test("Exit statuses: 2 for a wrong command line, 3 for a run stopped by an error")
    func exitStatuses() throws {
        let folder = try TestEnvironment.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let missingFlag = try trailproof(["validate-logs", "--store", folder.path])
        #expect(missingFlag.status == 2 && missingFlag.standardError.contains("--public-keys"), "\(missingFlag)")
        let badARN = try trailproof([
            "validate-logs", "--store", folder.path, "--public-keys", "x", "--trail-arn", "nope", "--start-time", "2026-01-01", "--s3-bucket", "bkt",
        ])
        #expect(badARN.status == 2 && badARN.standardError.contains("Invalid trail ARN provided: nope"), "\(badARN)")
        let badRange = try trailproof([
            "validate-logs", "--store", folder.path, "--public-keys", "x", "--trail-arn", "arn:aws:cloudtrail:us-east-1:111122223333:trail/abc",
            "--start-time", "2026-01-02", "--end-time", "2026-01-01", "--s3-bucket", "bkt",
        ])
        #expect(badRange.status == 2 && badRange.standardError.contains("start-time must occur before end-time"), "\(badRange)")
        let missingKeys = try trailproof([
            "validate-logs", "--store", folder.path, "--public-keys", folder.path + "/none.json", "--trail-arn",
            "arn:aws:cloudtrail:us-east-1:111122223333:trail/abc", "--start-time", "2026-01-01", "--s3-bucket", "bkt",
        ])
        #expect(missingKeys.status == 3 && missingKeys.standardError.contains("none.json"), "\(missingKeys)")
        let missingStore = try trailproof([
            "validate-logs", "--store", folder.path + "/nowhere", "--public-keys",
            TestEnvironment.repositoryRoot.path + "/keys/test-keyring/public-keys.json",
            "--trail-arn", "arn:aws:cloudtrail:us-east-1:111122223333:trail/abc", "--start-time", "2026-01-01", "--s3-bucket", "bkt",
        ])
        #expect(missingStore.status == 3 && missingStore.standardError.contains("nowhere"), "\(missingStore)")
        let help = try trailproof(["--help"])
        #expect(help.status == 0 && help.standardOutput.contains("validate-logs"))
    }

    @Test("Output that cannot be written stops the run with status 3 and says so, never a silent pass")
    func unwritableOutput() throws {
        // Standard output on a full device: the verdicts never reach their reader. The run still
        // cleans up after itself (the demo's temporary folder).
        let temporary = try TestEnvironment.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: temporary) }
        for arguments in [["--version"], ["demo"]] {
            let result = try run(
                "/bin/sh", ["-c", "exec \"$0\" \"$@\" >/dev/full"] + [TestEnvironment.executable] + arguments,
                environment: ["TMPDIR": temporary.path])
            #expect(result.status == 3, "\(arguments): \(result)")
            #expect(result.standardError.contains("trailproof: error: cannot write standard output: No space left on device"), "\(result)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: temporary.path).isEmpty, "\(arguments) left files behind")
        }
    }

    @Test("--version names the version and the commit the project's scripts built it from")
    func version() throws {
        let result = try trailproof(["--version"])
        #expect(result.status == 0, "\(result)")
        let head = try run("git", ["-C", TestEnvironment.repositoryRoot.path, "rev-parse", "HEAD"]).standardOutput
            .trimmingCharacters(in: .whitespacesAndNewlines)
        // .ci/test.sh records the commit before it builds; "-dirty" marks uncommitted changes.
        #expect(result.standardOutput.hasPrefix("trailproof \(BuildInfo.version) (commit \(head)"), "\(result)")
        #expect(result.standardOutput.hasSuffix(")\n"), "\(result)")
    }

    @Test("Usage errors and help name the whole command, although a subcommand's line is parsed by it first")
    func subcommandFirstParsing() throws {
        let wrong = try trailproof(["validate-logs", "--bogus"])
        #expect(wrong.status == 2, "\(wrong)")
        #expect(wrong.standardError.contains("Usage: trailproof validate-logs"), "\(wrong)")
        #expect(wrong.standardError.contains("See 'trailproof validate-logs --help'"), "\(wrong)")
        let help = try trailproof(["validate-logs", "--help"])
        #expect(help.status == 0 && help.standardOutput.contains("USAGE: trailproof validate-logs"), "\(help)")
        #expect(try trailproof(["help", "validate-logs"]).standardOutput == help.standardOutput)
        let completion = try trailproof(["validate-logs", "--generate-completion-script", "bash"])
        #expect(completion.status == 0 && completion.standardOutput.contains("_trailproof"), "\(completion.standardError)")
        let version = try trailproof(["validate-logs", "--version"])
        #expect(version.status == 0 && version.standardOutput.hasPrefix("trailproof \(BuildInfo.version)"), "\(version)")
    }

    @Test("A command that ends while the start-up warm-up still runs exits cleanly, every time")
    func exitDuringWarmup() async throws {
        // --version ends within a millisecond or two, while Warmup's thread is inside OpenSSL:
        // an OpenSSL torn down at exit under it crashed about one run in seventy.
        try await withThrowingTaskGroup(of: [Int32].self) { group in
            for _ in 0..<4 {
                group.addTask { try (0..<125).map { _ in try trailproof(["--version"]).status } }
            }
            for try await statuses in group {
                #expect(statuses.allSatisfy { $0 == 0 }, "\(statuses.filter { $0 != 0 })")
            }
        }
    }

    @Test("deliver reads standard input and refuses a malformed file by name, writing nothing")
    func deliver() throws {
        let folder = try TestEnvironment.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let bad = folder.appendingPathComponent("bad.json")
        try Data("{\"Records\": [}".utf8).write(to: bad)
        let location = [
            "--store", folder.path + "/store", "--bucket", "bkt", "--account-id", "111122223333", "--region", "us-east-1", "--at",
            "2026-01-01T00:00:00Z",
        ]
        let refused = try trailproof(
            ["deliver"] + location + ["-", bad.path], input: Data(SampleTrail.sampleLog(at: Timestamp(year: 2026, month: 1, day: 1), user: "u")))
        #expect(refused.status == 3 && refused.standardError.contains("bad.json"), "\(refused)")
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/store/bkt"))
        let accepted = try trailproof(
            ["deliver"] + location + ["-"], input: Data(SampleTrail.sampleLog(at: Timestamp(year: 2026, month: 1, day: 1), user: "u")))
        #expect(
            accepted.status == 0
                && accepted.standardOutput.hasPrefix(
                    "s3://bkt/AWSLogs/111122223333/CloudTrail/us-east-1/2026/01/01/111122223333_CloudTrail_us-east-1_20260101T0000Z_")
        )
    }

    @Test("The demo catches the tampered log and digest")
    func demo() throws {
        let result = try trailproof(["demo"])
        #expect(result.status == 0, "\(result)")
        #expect(result.standardOutput.contains("INVALID: hash value doesn't match"))
        #expect(result.standardOutput.contains("INVALID: signature verification failed"))
        #expect(result.standardOutput.contains("UNVERIFIED: no valid digest covers its delivery time"))
    }
}

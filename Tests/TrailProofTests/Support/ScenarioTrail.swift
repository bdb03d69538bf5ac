import Foundation
import Testing

@testable import TrailProof

/// A trail made only with the `trailproof` command line, covering what a real trail has:
/// several hours, an empty hour, a key rotation, a stop and `--restart` (a gap), a prefix.
///
///     hour 0: 2 logs   hour 1: 1 log   hour 2: none   hour 3: 2 logs   (key rotated at 03:00)
///     hours 4-5: logging stopped, no digests
///     hour 6: 2 logs (new chain, --restart)   hour 7: none
struct ScenarioTrail {
    static let prefix = "team/audit"
    static let accountID = "123456789012"
    static let region = "us-east-1"
    static let trailName = "main-trail"
    static let trailARN = "arn:aws:cloudtrail:us-east-1:123456789012:trail/main-trail"
    static let start = "2026-01-01T00:00:00Z"
    static let end = "2026-01-01T08:00:00Z"

    let folder: URL
    /// The bucket the trail delivers to (unique per test where stores are shared).
    let bucket: String
    /// Log keys by the hour (0…7) they were delivered in.
    var logs: [Int: [String]] = [:]
    /// Digest keys, oldest first (windows ending 01:00 … 04:00, 07:00, 08:00).
    var digests: [String] = []

    var store: String { folder.appendingPathComponent("store").path }
    var keyring: String { folder.appendingPathComponent("keyring").path }
    var publicKeys: String { keyring + "/public-keys.json" }

    /// The digest whose window ends at `hour` (1…4, 7, 8).
    func digest(endingAt hour: Int) -> String {
        digests.first { $0.hasSuffix(String(format: "20260101T%02d0000Z.json.gz", hour)) }!
    }

    /// The file of an object in the store, and of its metadata.
    func objectPath(_ key: String) -> String { "\(store)/\(bucket)/\(key)" }
    func metadataPath(_ key: String) -> String { "\(store)/.metadata/\(bucket)/\(key).json" }

    /// Makes a scenario trail in a temporary folder, runs `body` on it, and removes the folder.
    static func with(_ body: (ScenarioTrail) async throws -> Void) async throws {
        let folder = try TestEnvironment.temporaryFolder("scenario")
        defer { try? FileManager.default.removeItem(at: folder) }
        try await body(try make(in: folder))
    }

    static func make(in folder: URL, bucket: String = "audit-bucket") throws -> ScenarioTrail {
        var trail = ScenarioTrail(folder: folder, bucket: bucket)
        let location = [
            "--store", trail.store, "--bucket", bucket, "--prefix", prefix, "--account-id", accountID, "--region", region,
        ]
        _ = try trailproofLines(["keys", "generate", "--keyring", trail.keyring, "--valid-from", "2025-12-31T00:00:00Z"])
        for (hour, minutes) in [(0, [5, 35]), (1, [20]), (3, [10, 50])] {
            trail.logs[hour] = try minutes.map { try trail.deliver(location, hour: hour, minute: $0) }
        }
        _ = try trailproofLines(["keys", "generate", "--keyring", trail.keyring, "--valid-from", "2026-01-01T03:00:00Z"])
        let digestArguments = location + ["--trail-name", trailName, "--keyring", trail.keyring]
        trail.digests += try trailproofLines(["digest"] + digestArguments + ["--until", "2026-01-01T04:00:00Z"])
        trail.logs[6] = try [15, 45].map { try trail.deliver(location, hour: 6, minute: $0) }
        trail.digests += try trailproofLines(["digest"] + digestArguments + ["--until", "2026-01-01T07:00:00Z", "--restart"])
        trail.digests += try trailproofLines(["digest"] + digestArguments + ["--until", "2026-01-01T08:30:00Z"])
        trail.digests = trail.digests.map { String($0.dropFirst("s3://\(bucket)/".count)) }
        #expect(trail.digests.count == 6, "digests written: \(trail.digests)")
        return trail
    }

    private func deliver(_ location: [String], hour: Int, minute: Int) throws -> String {
        let time = String(format: "2026-01-01T%02d:%02d:00Z", hour, minute)
        let document = SampleTrail.sampleLog(at: Timestamp(iso8601: time)!.adding(seconds: -240), user: "user\(hour)\(minute)")
        let lines = try trailproofLines(["deliver"] + location + ["--at", time, "-"], input: Data(document))
        return String(lines[0].dropFirst("s3://\(bucket)/".count))
    }

    /// The validate-logs arguments shared by trailproof and the oracle (without the store).
    func validationArguments(verbose: Bool, start: String = start, end: String = end) -> [String] {
        [
            "--public-keys", publicKeys, "--trail-arn", Self.trailARN, "--start-time", start, "--end-time", end,
            "--s3-bucket", bucket, "--s3-prefix", Self.prefix,
        ] + (verbose ? ["--verbose"] : [])
    }

    /// Runs `trailproof validate-logs` (with `--checks CHECKS`) and the aws-cli oracle on the
    /// same store and arguments.
    func validateWithBoth(verbose: Bool, start: String = start, end: String = end, checks: String = "aws-cli") throws -> (
        ours: ProcessResult, awscli: ProcessResult
    ) {
        let arguments = validationArguments(verbose: verbose, start: start, end: end)
        let ours = try trailproof(["validate-logs", "--store", store, "--checks", checks] + arguments)
        let awscli = try run("python3", [TestEnvironment.oracle, store] + arguments)
        return (ours, awscli)
    }
}

/// The object lines (`Digest file` / `Log file` and gaps) of an output, for comparing a full
/// run with aws-cli's: every line aws-cli prints must be in ours.
func objectLines(_ text: String) -> Set<String> {
    Set(text.split(separator: "\n").map(String.init).filter { $0.contains("\ts3://") || $0.hasPrefix("No log files were delivered") })
}

import Foundation
import Testing

@testable import TrailProof

/// `digest --logs-from`: sealing the gzip objects other shippers deliver, whatever their layout.
@Suite("Sealing logs delivered by other shippers")
struct LogSealingTests {
    static let keyring = TestEnvironment.repositoryRoot.appendingPathComponent("keys/test-keyring").path
    static let arn = "arn:aws:cloudtrail:us-east-1:111122223333:trail/sealer"

    /// Writes a gzip object into the local store with the given modification time.
    static func ship(_ store: String, _ key: String, modified: String, body: String? = nil) throws {
        let url = URL(fileURLWithPath: store + "/shipped/" + key)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(try Gzip.compress(Array((body ?? #"{"log":"\#(key)"}"# + "\n").utf8))).write(to: url)
        try FileManager.default.setAttributes(
            [.modificationDate: Date(timeIntervalSince1970: TimeInterval(Timestamp(iso8601: modified)!.secondsSinceEpoch))], ofItemAtPath: url.path)
    }

    static func seal(_ store: String, until: String, _ extra: [String] = []) throws -> ProcessResult {
        try trailproof(
            [
                "digest", "--store", store, "--bucket", "shipped", "--account-id", "111122223333", "--region", "us-east-1", "--trail-name", "sealer",
                "--keyring", keyring, "--until", until, "--logs-from", "",
            ] + extra)
    }

    static func listed(_ store: String) throws -> [String: [String]] {
        var result: [String: [String]] = [:]
        let root = store + "/shipped/AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/06/01/"
        for name in try FileManager.default.contentsOfDirectory(atPath: root) {
            let digest = try DigestFile(parsing: try GzipInflater.decompressWhole(Array(try Data(contentsOf: URL(fileURLWithPath: root + name)))))
            result[String(name.suffix("20260601T010000Z.json.gz".count).prefix(16))] = digest.logFiles.map(\.location.key)
        }
        return result
    }

    static func validationArguments(_ store: String, end: String = "2026-06-01T04:00:00Z") -> [String] {
        [
            store, "--public-keys", keyring + "/public-keys.json", "--trail-arn", arn, "--start-time", "2026-06-01T00:00:00Z", "--end-time", end,
            "--s3-bucket", "shipped",
        ]
    }

    @Test(
        "Fluent Bit and Vector layouts sealed hourly over several runs, late files in a later digest; aws-cli validates; edits and additions are reported"
    )
    func fluentBitAndVector() throws {
        let folder = try TestEnvironment.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = folder.appendingPathComponent("store").path
        // Fluent Bit's s3 output: $TAG/%Y/%m/%d/%H/%M/%S; Vector's: date=%F/ with a random suffix.
        try Self.ship(store, "app.web/2026/06/01/00/10/05", modified: "2026-06-01T00:10:05Z")
        try Self.ship(store, "app.web/2026/06/01/00/55/30", modified: "2026-06-01T00:55:30Z")
        try Self.ship(store, "date=2026-06-01/1717200900-8c2b.log.gz", modified: "2026-06-01T00:15:00Z")
        try Self.ship(store, "app.web/2026/06/01/01/20/00", modified: "2026-06-01T01:20:00Z")
        let first = try Self.seal(store, until: "2026-06-01T02:00:00Z")
        #expect(first.status == 0 && first.standardOutput.split(separator: "\n").count == 2, "\(first)")
        // Run two: a new file, and a late one dated into the sealed first hour.
        try Self.ship(store, "app.web/2026/06/01/02/05/00", modified: "2026-06-01T02:05:00Z")
        try Self.ship(store, "date=2026-06-01/1717201500-late.log.gz", modified: "2026-06-01T00:25:00Z")
        #expect(try Self.seal(store, until: "2026-06-01T03:00:00Z").status == 0)
        // Run three: nothing new, an empty digest for the hour.
        #expect(try Self.seal(store, until: "2026-06-01T04:00:00Z").standardOutput.split(separator: "\n").count == 1)
        #expect(
            try Self.listed(store) == [
                "20260601T010000Z": ["app.web/2026/06/01/00/10/05", "app.web/2026/06/01/00/55/30", "date=2026-06-01/1717200900-8c2b.log.gz"],
                "20260601T020000Z": ["app.web/2026/06/01/01/20/00"],
                "20260601T030000Z": ["app.web/2026/06/01/02/05/00", "date=2026-06-01/1717201500-late.log.gz"],
                "20260601T040000Z": [],
            ])
        let awscli = try run("python3", [TestEnvironment.oracle] + Self.validationArguments(store))
        #expect(awscli.status == 0 && awscli.standardOutput.hasSuffix("4/4 digest files valid\n6/6 log files valid\n"), "\(awscli)")
        let sealed = try trailproof(["validate-logs", "--store"] + Self.validationArguments(store) + ["--logs-from", ""])
        #expect(sealed.status == 0 && sealed.standardOutput.hasSuffix("4/4 digest files valid\n6/6 log files valid\n"), "\(sealed)")
        // Afterwards: one sealed file edited, one added into a sealed hour, one back-dated past the late window.
        try Self.ship(store, "app.web/2026/06/01/00/10/05", modified: "2026-06-01T00:10:05Z", body: #"{"log":"rewritten"}"#)
        try Self.ship(store, "app.web/2026/06/01/03/30/00", modified: "2026-06-01T03:30:00Z")
        var tooLate = try Self.seal(store, until: "2026-06-01T04:00:00Z")  // nothing due: the newest digest ends at 04:00
        #expect(tooLate.status == 0 && tooLate.standardOutput.isEmpty)
        let afterwards = try trailproof(["validate-logs", "--store"] + Self.validationArguments(store) + ["--logs-from", ""])
        #expect(afterwards.status == 1, "\(afterwards)")
        #expect(afterwards.standardError.contains("Log file\ts3://shipped/app.web/2026/06/01/00/10/05\tINVALID: hash value doesn't match"))
        #expect(
            afterwards.standardError.contains(
                "Log file\ts3://shipped/app.web/2026/06/01/03/30/00\tUNVERIFIED: not referenced by any digest: modified at 2026-06-01T03:30:00Z, in an hour already sealed"
            ))
        // A file dated more than the late window before the newest digest is never sealed, and is INVALID.
        try Self.ship(store, "app.web/2026/06/01/00/30/00", modified: "2026-06-01T00:30:00Z")
        tooLate = try Self.seal(store, until: "2026-06-01T05:00:00Z", ["--late-window", "2"])
        #expect(tooLate.status == 0)
        let backdated = try trailproof(
            ["validate-logs", "--store"] + Self.validationArguments(store, end: "2026-06-01T05:00:00Z") + ["--logs-from", "", "--late-window", "2"])
        #expect(
            backdated.standardError.contains("Log file\ts3://shipped/app.web/2026/06/01/00/30/00\tINVALID: not referenced by any digest"),
            "\(backdated)")
        // The late 03:30 file was sealed by the 05:00 run.
        #expect(try Self.listed(store)["20260601T050000Z"] == ["app.web/2026/06/01/03/30/00"])
    }

    @Test("Objects that are not gzip are refused with their names, or left out and named with --skip-non-gzip")
    func nonGzip() throws {
        let folder = try TestEnvironment.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = folder.appendingPathComponent("store").path
        try Self.ship(store, "logs/a.gz", modified: "2026-06-01T00:10:00Z")
        let plain = URL(fileURLWithPath: store + "/shipped/logs/b.json")
        try Data("{}\n".utf8).write(to: plain)
        let modified = Date(timeIntervalSince1970: TimeInterval(Timestamp(iso8601: "2026-06-01T00:15:00Z")!.secondsSinceEpoch))
        try FileManager.default.setAttributes([.modificationDate: modified], ofItemAtPath: plain.path)
        let refused = try Self.seal(store, until: "2026-06-01T01:00:00Z")
        #expect(
            refused.status == 3 && refused.standardError.contains("not gzip") && refused.standardError.contains("s3://shipped/logs/b.json"),
            "\(refused)")
        #expect(!FileManager.default.fileExists(atPath: store + "/shipped/AWSLogs"), "nothing written for a refused hour")
        let skipped = try Self.seal(store, until: "2026-06-01T01:00:00Z", ["--skip-non-gzip"])
        #expect(skipped.status == 0 && skipped.standardError.contains("not sealed, not gzip: s3://shipped/logs/b.json"), "\(skipped)")
        #expect(try Self.listed(store) == ["20260601T010000Z": ["logs/a.gz"]])
    }

    @Test("A trail defined to seal a prefix: digest --trail seals it, stop-logging's final digest seals the last part-hour, aws-cli validates")
    func sealingTrail() throws {
        let folder = try TestEnvironment.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = folder.appendingPathComponent("store").path
        let created = try trailproof([
            "create-trail", "--store", store, "--name", "sealer", "--s3-bucket-name", "shipped", "--account-id", "111122223333", "--region",
            "us-east-1",
            "--enable-log-file-validation", "--seal-logs-from", "fluent/", "--late-window", "6",
        ])
        #expect(created.status == 0, "\(created)")
        let definition = try String(contentsOfFile: store + "/shipped/.trailproof/trails/sealer.json", encoding: .utf8)
        #expect(definition.contains(#""Prefix": "fluent/""#) && definition.contains(#""LateWindowHours": 6"#), "\(definition)")
        _ = try trailproofLines(["start-logging", "--store", store, "--name", "sealer", "--at", "2026-06-01T00:00:00Z"])
        try Self.ship(store, "fluent/app/2026/06/01/00/20/00", modified: "2026-06-01T00:20:00Z")
        try Self.ship(store, "fluent/app/2026/06/01/01/10/00", modified: "2026-06-01T01:10:00Z")
        try Self.ship(store, "elsewhere/not-sealed.gz", modified: "2026-06-01T00:30:00Z")
        let hourly = try trailproofLines([
            "digest", "--store", store, "--trail", "sealer", "--keyring", Self.keyring, "--until", "2026-06-01T01:00:00Z",
        ])
        #expect(hourly.count == 1)
        let status = try trailproof(["get-trail-status", "--store", store, "--name", "sealer", "--at", "2026-06-01T01:30:00Z"])
        #expect(status.standardOutput.contains(#""LatestDeliveryTime": "2026-06-01T01:10:00+00:00""#), "\(status)")
        let stopped = try trailproofLines([
            "stop-logging", "--store", store, "--name", "sealer", "--keyring", Self.keyring, "--at", "2026-06-01T01:30:00Z",
        ])
        #expect(stopped.count == 1 && stopped[0].hasSuffix("_20260601T013000Z.json.gz"))
        #expect(
            try Self.listed(store) == [
                "20260601T010000Z": ["fluent/app/2026/06/01/00/20/00"], "20260601T013000Z": ["fluent/app/2026/06/01/01/10/00"],
            ])
        let awscli = try run("python3", [TestEnvironment.oracle] + Self.validationArguments(store, end: "2026-06-01T01:30:00Z"))
        #expect(awscli.status == 0 && awscli.standardOutput.hasSuffix("2/2 digest files valid\n2/2 log files valid\n"), "\(awscli)")
    }

    @Test("On SeaweedFS, objects are sealed by their LastModified and aws-cli validates them")
    func sealOnS3() async throws {
        #expect(S3TestServer.isConfigured, "run the tests with .ci/test.sh, which starts SeaweedFS")
        let bucket = try await S3TestServer.newBucket("sealing")
        let store = try await S3TestServer.store()
        let before = Timestamp.now()
        for key in ["fluent/app/2026/a", "vector/date=2026-06-01/b.log.gz"] {
            try await store.putObject(
                ObjectLocation(bucket: bucket, key: key), bytes: try Gzip.compress(Array("line \(key)\n".utf8)), metadata: [:], overwrite: true)
        }
        var listed: [ListedObject] = []
        try await store.listObjects(bucket: bucket, prefix: "", startAfter: nil) { listed += $0 }
        #expect(listed.map(\.key) == ["fluent/app/2026/a", "vector/date=2026-06-01/b.log.gz"])
        #expect(
            listed.allSatisfy {
                $0.size > 0 && $0.lastModified >= before.adding(seconds: -120) && $0.lastModified <= Timestamp.now().adding(seconds: 120)
            })
        let until = Timestamp.now().hourFloor.adding(seconds: 7200).iso8601
        let sealed = try S3TestServer.trailproof([
            "digest", "--endpoint-url", try S3TestServer.endpoint, "--bucket", bucket, "--account-id", "111122223333", "--region", "us-east-1",
            "--trail-name", "sealer", "--keyring", Self.keyring, "--until", until, "--logs-from", "",
        ])
        #expect(sealed.status == 0, "\(sealed)")
        let awscli = try S3TestServer.awscli([
            "--public-keys", Self.keyring + "/public-keys.json", "--trail-arn", Self.arn, "--start-time",
            before.hourFloor.adding(seconds: -3600).iso8601,
            "--end-time", until, "--s3-bucket", bucket,
        ])
        #expect(awscli.status == 0 && awscli.standardOutput.contains("2/2 log files valid"), "\(awscli)")
    }
}

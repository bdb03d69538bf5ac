import Foundation
import Testing

@testable import TrailProof

/// A trail's definition and life through the commands, on the local store and on SeaweedFS,
/// checked against moto's CloudTrail for the shapes and against aws-cli for the files.
@Suite("Trails: definitions, lifecycle and status")
struct TrailLifecycleTests {
    static let oracle = TestEnvironment.repositoryRoot.appendingPathComponent("Tests/Interop/cloudtrail_oracle.py").path
    static let account = "111122223333"
    static let arn = "arn:aws:cloudtrail:us-east-1:111122223333:trail/audit"

    static func json(_ text: String) throws -> JSONValue { try StrictJSONParser.parse(Array(text.utf8)) }

    /// A log document of management events delivered at `time`.
    static func document(at time: String) -> Data {
        Data(SampleTrail.sampleLog(at: Timestamp(iso8601: time)!.adding(seconds: -120), user: "alice"))
    }

    @Test("create-trail, get-trail and describe-trails answer in AWS's shapes (moto's CloudTrail as the reference)")
    func shapesMatchAWS() throws {
        let folder = try TestEnvironment.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = folder.appendingPathComponent("store").path
        let args = folder.appendingPathComponent("args.json")
        try Data(
            #"{"Name":"audit","S3BucketName":"trail-bucket","S3KeyPrefix":"team","IsMultiRegionTrail":true,"EnableLogFileValidation":true,"IncludeGlobalServiceEvents":true}"#
                .utf8
        ).write(to: args)
        let moto = try run("python3", [Self.oracle, "shapes", args.path])
        #expect(moto.status == 0, "\(moto)")
        let reference = try Self.json(moto.standardOutput)
        let created = try trailproof([
            "create-trail", "--store", store, "--name", "audit", "--s3-bucket-name", "trail-bucket", "--s3-key-prefix", "team",
            "--is-multi-region-trail", "--enable-log-file-validation", "--include-global-service-events", "--account-id", "123456789012",
            "--region", "us-east-1",
        ])
        #expect(created.status == 0, "\(created)")
        #expect(try Self.json(created.standardOutput) == reference["create"])
        // moto leaves HomeRegion out of GetTrail; AWS (and trailproof) give it.
        guard case .object(let got) = try Self.json(try trailproofLines(["get-trail", "--store", store, "--name", "audit"]).joined())["Trail"],
            case .object(let motoGot) = reference["get"]?["Trail"]
        else { throw TrailProofError(.invalidInput, "get-trail is not {\"Trail\": {...}}") }
        #expect(JSONValue.object(got.filter { $0.key != "HomeRegion" }) == .object(motoGot))
        #expect(got.first { $0.key == "HomeRegion" }?.value == .string("us-east-1"))
        let described = try trailproofLines(["describe-trails", "--store", store]).joined()
        #expect(try Self.json(described) == reference["describe"])
        // By ARN too, as AWS accepts.
        _ = try trailproofLines(["get-trail", "--store", store, "--name", "arn:aws:cloudtrail:us-east-1:123456789012:trail/audit"])
        let again = try trailproof([
            "create-trail", "--store", store, "--name", "audit", "--s3-bucket-name", "other-bucket", "--account-id", Self.account, "--region",
            "us-east-1",
        ])
        #expect(again.status == 3 && again.standardError.contains("TrailAlreadyExistsException: Trail audit already exists"), "\(again)")
        let missing = try trailproof(["get-trail", "--store", store, "--name", "nosuch"])
        #expect(missing.status == 3 && missing.standardError.contains("TrailNotFoundException: Unknown trail: nosuch"), "\(missing)")
    }

    @Test("Trail names are refused with CloudTrail's messages")
    func trailNames() throws {
        let folder = try TestEnvironment.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = folder.appendingPathComponent("store").path
        let names = ["ab", "-ab", "ab-", "a b", "x" + String(repeating: "y", count: 128), "ok_name-1.2"]
        let moto = try Self.json(try run("python3", [Self.oracle, "names"] + names).standardOutput)
        for name in names {
            let result = try trailproof([
                "create-trail", "--store", store, "--name=\(name)", "--s3-bucket-name", "names-bucket", "--account-id", Self.account, "--region",
                "us-east-1",
            ])
            guard let expected = moto[name]?.stringValue else { throw TrailProofError(.invalidInput, "moto gave nothing for \(name)") }
            if expected == "ok" {
                #expect(result.status == 0, "\(name): \(result)")
            } else {
                #expect(result.status == 2 && result.standardError == "trailproof: error: \(expected)\n", "\(name): \(result)")
            }
        }
        // Rules AWS documents that moto does not check.
        for (name, message) in [
            ("a..b", "Trail name cannot have adjacent periods (.), underscores (_) or dashes (-)."),
            ("10.0.0.1", "Trail name cannot be formatted as an IP address."),
        ] {
            let result = try trailproof([
                "create-trail", "--store", store, "--name", name, "--s3-bucket-name", "names-bucket", "--account-id", Self.account, "--region",
                "us-east-1",
            ])
            #expect(result.status == 2 && result.standardError.contains("InvalidTrailNameException: \(message)"), "\(name): \(result)")
        }
    }

    /// Create, start, deliver over hours, stop (final digest), deliver refused, start, deliver,
    /// digest; returns the validation arguments for the range.
    static func lifecycle(_ tool: ([String]) throws -> ProcessResult, store: [String], bucket: String, keyring: String) throws -> [String] {
        func ok(_ arguments: [String], input: Data? = nil) throws -> ProcessResult {
            let result = try tool(arguments)
            #expect(result.status == 0, "trailproof \(arguments.joined(separator: " "))\n\(result)")
            return result
        }
        _ = try ok(
            ["create-trail"] + store + [
                "--name", "audit", "--s3-bucket-name", bucket, "--account-id", account, "--region", "us-east-1", "--enable-log-file-validation",
            ])
        _ = try ok(["start-logging"] + store + ["--name", "audit", "--at", "2026-06-01T00:04:04Z"])
        let status = try tool(["get-trail-status"] + store + ["--name", "audit", "--at", "2026-06-01T00:05:00Z"])
        #expect(try json(status.standardOutput)["IsLogging"] == .bool(true), "\(status)")
        return [
            "--public-keys", keyring + "/public-keys.json", "--trail-arn", arn, "--start-time", "2026-06-01T00:00:00Z", "--end-time",
            "2026-06-01T04:10:00Z", "--s3-bucket", bucket, "--verbose",
        ]
    }

    /// The whole lifecycle with the tool (local or S3 arguments given by `store`).
    static func runLifecycle(store: [String], bucket: String, keyring: String, folder: URL, tool: ([String]) throws -> ProcessResult) throws
        -> [String]
    {
        let arguments = try lifecycle(tool, store: store, bucket: bucket, keyring: keyring)
        func deliver(_ time: String) throws -> ProcessResult {
            let file = folder.appendingPathComponent("log-\(time).json")
            try document(at: time).write(to: file)
            return try tool(["deliver"] + store + ["--trail", "audit", "--at", time, file.path])
        }
        for time in ["2026-06-01T00:20:00Z", "2026-06-01T01:20:00Z", "2026-06-01T02:10:00Z"] {
            let delivered = try deliver(time)
            #expect(delivered.status == 0 && delivered.standardOutput.contains("/CloudTrail/us-east-1/"), "\(delivered)")
        }
        let hourly = try tool(["digest"] + store + ["--trail", "audit", "--keyring", keyring, "--until", "2026-06-01T02:20:00Z"])
        #expect(hourly.status == 0 && hourly.standardOutput.split(separator: "\n").count == 2, "\(hourly)")
        let stopped = try tool(["stop-logging"] + store + ["--name", "audit", "--keyring", keyring, "--at", "2026-06-01T02:30:00Z"])
        #expect(stopped.status == 0 && stopped.standardOutput.hasSuffix("_20260601T023000Z.json.gz\n"), "final digest up to the stop: \(stopped)")
        let refused = try deliver("2026-06-01T02:40:00Z")
        #expect(
            refused.status == 3
                && refused.standardError.contains("trail audit is not logging at 2026-06-01T02:40:00Z (stopped at 2026-06-01T02:30:00Z)"),
            "\(refused)")
        let afterStop = try tool(["digest"] + store + ["--trail", "audit", "--keyring", keyring, "--until", "2026-06-01T05:00:00Z"])
        #expect(afterStop.status == 0 && afterStop.standardOutput.isEmpty, "a stopped trail gets no digest: \(afterStop)")
        #expect(try tool(["start-logging"] + store + ["--name", "audit", "--at", "2026-06-01T03:10:00Z"]).status == 0)
        #expect(try deliver("2026-06-01T03:20:00Z").status == 0)
        let restarted = try tool(["digest"] + store + ["--trail", "audit", "--keyring", keyring, "--until", "2026-06-01T05:00:00Z"])
        #expect(
            restarted.status == 0 && restarted.standardOutput.hasSuffix("_20260601T041000Z.json.gz\n"),
            "the new chain's windows start at the restart: \(restarted)")
        let status = try tool(["get-trail-status"] + store + ["--name", "audit", "--at", "2026-06-01T05:00:00Z", "--check"])
        #expect(status.status == 0, "\(status)")
        let fields = try json(status.standardOutput)
        #expect(fields["IsLogging"] == .bool(true))
        #expect(fields["LatestDeliveryTime"] == .string("2026-06-01T03:20:00+00:00"))
        #expect(fields["LatestDigestDeliveryTime"] == .string("2026-06-01T04:10:00+00:00"))
        #expect(fields["StartLoggingTime"] == .string("2026-06-01T03:10:00+00:00"))
        #expect(fields["StopLoggingTime"] == .string("2026-06-01T02:30:00+00:00"))
        #expect(fields["TimeLoggingStarted"] == .string("2026-06-01T03:10:00Z"))
        #expect(fields["TimeLoggingStopped"] == .string("2026-06-01T02:30:00Z"))
        let overdue = try tool(["get-trail-status"] + store + ["--name", "audit", "--at", "2026-06-01T06:11:00Z", "--check"])
        #expect(
            overdue.status == 6 && overdue.standardError.contains("next digest was due by 2026-06-01T06:10:00Z and has not been delivered"),
            "\(overdue)")
        let unchecked = try tool(["get-trail-status"] + store + ["--name", "audit", "--at", "2026-06-01T06:11:00Z"])
        #expect(unchecked.status == 0, "without --check the status is only printed: \(unchecked)")
        return arguments
    }

    static let expectedValidation = """
        Results requested for 2026-06-01T00:00:00Z to 2026-06-01T04:10:00Z
        Results found for 2026-06-01T00:04:04Z to 2026-06-01T04:10:00Z:

        4/4 digest files valid
        4/4 log files valid

        """

    @Test("Lifecycle on the local store: start, deliver, stop (final digest), refused, start, deliver; aws-cli validates with one gap line")
    func lifecycleLocal() throws {
        let folder = try TestEnvironment.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = folder.appendingPathComponent("store").path
        let keyring = TestEnvironment.repositoryRoot.appendingPathComponent("keys/test-keyring").path
        let arguments = try Self.runLifecycle(store: ["--store", store], bucket: "trail-files", keyring: keyring, folder: folder) {
            try trailproof($0)
        }
        let awscli = try run("python3", [TestEnvironment.oracle, store] + arguments)
        #expect(awscli.status == 0 && awscli.standardOutput.hasSuffix(Self.expectedValidation), "\(awscli)")
        #expect(
            awscli.standardError.trimmingCharacters(in: .newlines)
                == "No log files were delivered by CloudTrail between 2026-06-01T02:30:00Z and 2026-06-01T03:10:00Z",
            "exactly one gap line: \(awscli)")
        let ours = try trailproof(["validate-logs", "--store", store] + arguments)
        #expect(ours.status == 0 && ours.standardOutput.hasSuffix(Self.expectedValidation), "full checks: \(ours)")
        #expect(ours.standardError == awscli.standardError)
    }

    @Test("Lifecycle on SeaweedFS (--store s3://BUCKET): aws-cli validates with one gap line")
    func lifecycleS3() async throws {
        #expect(S3TestServer.isConfigured, "run the tests with .ci/test.sh, which starts SeaweedFS")
        let folder = try TestEnvironment.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let bucket = try await S3TestServer.newBucket("lifecycle")
        let keyring = TestEnvironment.repositoryRoot.appendingPathComponent("keys/test-keyring").path
        let store = ["--store", "s3://\(bucket)", "--endpoint-url", try S3TestServer.endpoint]
        let arguments = try Self.runLifecycle(store: store, bucket: bucket, keyring: keyring, folder: folder) { try S3TestServer.trailproof($0) }
        let awscli = try S3TestServer.awscli(arguments)
        #expect(awscli.status == 0 && awscli.standardOutput.hasSuffix(Self.expectedValidation), "\(awscli)")
        #expect(
            awscli.standardError.trimmingCharacters(in: .newlines)
                == "No log files were delivered by CloudTrail between 2026-06-01T02:30:00Z and 2026-06-01T03:10:00Z",
            "exactly one gap line: \(awscli)")
        let ours = try S3TestServer.trailproof(["validate-logs", "--endpoint-url", try S3TestServer.endpoint] + arguments)
        #expect(ours.status == 0 && ours.standardOutput.hasSuffix(Self.expectedValidation), "\(ours)")
        // The definition is an object in the trail's bucket, under the reserved prefix.
        let keys = try await S3TestServer.store().listKeys(bucket: bucket, prefix: TrailRegistry.reservedPrefix, startAfter: nil)
        #expect(keys == [".trailproof/trails/audit.json", ".trailproof/trails/audit.state.json"])
        // Without a bucket, trails are found in every bucket (ListBuckets).
        let everywhere = try S3TestServer.trailproof(["describe-trails", "--store", "s3", "--endpoint-url", try S3TestServer.endpoint])
        #expect(everywhere.status == 0 && everywhere.standardOutput.contains("\"S3BucketName\": \"\(bucket)\""), "\(everywhere)")
    }

    @Test("Log file validation off: logs but no digests; turned on while logging, a chain starts then")
    func validationToggle() throws {
        let folder = try TestEnvironment.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = folder.appendingPathComponent("store").path
        let keyring = TestEnvironment.repositoryRoot.appendingPathComponent("keys/test-keyring").path
        let log = folder.appendingPathComponent("log.json")
        try Self.document(at: "2026-06-01T00:20:00Z").write(to: log)
        _ = try trailproofLines([
            "create-trail", "--store", store, "--name", "plain", "--s3-bucket-name", "plain-bucket", "--account-id", Self.account, "--region",
            "us-east-1",
        ])
        _ = try trailproofLines(["start-logging", "--store", store, "--name", "plain", "--at", "2026-06-01T00:00:00Z"])
        #expect(try trailproofLines(["deliver", "--store", store, "--trail", "plain", "--at", "2026-06-01T00:20:00Z", log.path]).count == 1)
        let none = try trailproof(["digest", "--store", store, "--trail", "plain", "--keyring", keyring, "--until", "2026-06-01T03:00:00Z"])
        #expect(none.status == 0 && none.standardOutput.isEmpty && none.standardError.contains("log file validation off"), "\(none)")
        let updated = try trailproof([
            "update-trail", "--store", store, "--name", "plain", "--enable-log-file-validation", "--at", "2026-06-01T01:30:00Z",
        ])
        let updatedShape = try Self.json(updated.standardOutput)
        #expect(updated.status == 0 && updatedShape["LogFileValidationEnabled"] == .bool(true), "\(updated)")
        let digests = try trailproofLines(["digest", "--store", store, "--trail", "plain", "--keyring", keyring, "--until", "2026-06-01T03:40:00Z"])
        #expect(
            digests.count == 2 && digests[0].hasSuffix("_20260601T023000Z.json.gz") && digests[1].hasSuffix("_20260601T033000Z.json.gz"), "\(digests)"
        )
        // Stop without the keyring is refused when a final digest is due.
        let stop = try trailproof(["stop-logging", "--store", store, "--name", "plain", "--at", "2026-06-01T03:45:00Z"])
        #expect(stop.status == 2 && stop.standardError.contains("give --keyring"), "\(stop)")
        // delete-trail stops first (final digest), then the definition is gone; the files stay.
        let deleted = try trailproof(["delete-trail", "--store", store, "--name", "plain", "--keyring", keyring, "--at", "2026-06-01T03:45:00Z"])
        #expect(deleted.status == 0 && deleted.standardOutput.hasSuffix("_20260601T034500Z.json.gz\n"), "\(deleted)")
        #expect(try trailproof(["get-trail", "--store", store, "--name", "plain"]).status == 3)
        let folderListing = try FileManager.default.subpathsOfDirectory(atPath: store + "/plain-bucket")
        #expect(!folderListing.contains { $0.contains("audit.json") || $0.hasPrefix(".trailproof/trails/plain") })
    }

    @Test("A multi-region trail takes other regions' events and writes digests per region; a single-region trail refuses them")
    func multiRegion() throws {
        let folder = try TestEnvironment.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = folder.appendingPathComponent("store").path
        let keyring = TestEnvironment.repositoryRoot.appendingPathComponent("keys/test-keyring").path
        let log = folder.appendingPathComponent("log.json")
        try Self.document(at: "2026-06-01T00:20:00Z").write(to: log)
        for (name, multi) in [("single", false), ("multi", true)] {
            _ = try trailproofLines(
                [
                    "create-trail", "--store", store, "--name", name, "--s3-bucket-name", "\(name)-bucket", "--account-id", Self.account, "--region",
                    "us-east-1",
                ]
                    + (multi ? ["--is-multi-region-trail"] : []) + ["--enable-log-file-validation"])
            _ = try trailproofLines(["start-logging", "--store", store, "--name", name, "--at", "2026-06-01T00:00:00Z"])
        }
        let refused = try trailproof([
            "deliver", "--store", store, "--trail", "single", "--region", "eu-west-1", "--at", "2026-06-01T00:20:00Z", log.path,
        ])
        #expect(refused.status == 2 && refused.standardError.contains("single-region trail of us-east-1"), "\(refused)")
        for region in ["us-east-1", "eu-west-1"] {
            _ = try trailproofLines(["deliver", "--store", store, "--trail", "multi", "--region", region, "--at", "2026-06-01T00:20:00Z", log.path])
        }
        let digests = try trailproofLines(["digest", "--store", store, "--trail", "multi", "--keyring", keyring, "--until", "2026-06-01T01:00:00Z"])
        #expect(
            digests.sorted() == [
                "s3://multi-bucket/AWSLogs/111122223333/CloudTrail-Digest/eu-west-1/2026/06/01/111122223333_CloudTrail-Digest_eu-west-1_multi_us-east-1_20260601T010000Z.json.gz",
                "s3://multi-bucket/AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/06/01/111122223333_CloudTrail-Digest_us-east-1_multi_us-east-1_20260601T010000Z.json.gz",
            ], "\(digests)")
        let validated = try trailproof([
            "validate-logs", "--store", store, "--public-keys", keyring + "/public-keys.json", "--trail-arn",
            "arn:aws:cloudtrail:us-east-1:111122223333:trail/multi", "--start-time", "2026-06-01T00:00:00Z", "--end-time", "2026-06-01T01:00:00Z",
            "--s3-bucket", "multi-bucket", "--all-regions",
        ])
        #expect(
            validated.status == 0 && validated.standardOutput.contains("2/2 digest files valid")
                && validated.standardOutput.contains("2/2 log files valid"), "\(validated)")
    }
}

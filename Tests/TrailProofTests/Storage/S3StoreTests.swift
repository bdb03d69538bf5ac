import Foundation
import Testing

@testable import TrailProof

/// The S3 store against a real SeaweedFS server (started by .ci/test.sh), with SigV4 checked.
@Suite("S3 store on SeaweedFS")
struct S3StoreTests {
    @Test("A server is configured for these tests")
    func serverConfigured() {
        #expect(S3TestServer.isConfigured, "run the tests with .ci/test.sh, which starts SeaweedFS")
    }

    @Test("Objects, metadata, listing across pages, no-overwrite and not-found behave as in the local store")
    func roundTrip() async throws {
        let bucket = try await S3TestServer.newBucket("roundtrip")
        var configuration = try await S3TestServer.store().configuration
        configuration.listPageSize = 3
        let store = S3Store(configuration: configuration)
        let keys = ["a/b/2", "a/b/10", "a/c d+e=f~g", "a/bz", "b", "a/B", "a/b/é"]
        for key in keys {
            try await store.putObject(ObjectLocation(bucket: bucket, key: key), bytes: Array(key.utf8), metadata: [:], overwrite: false)
        }
        let object = ObjectLocation(bucket: bucket, key: "a/b/2")
        try await store.putObject(object, bytes: [1, 2, 3], metadata: ["signature": "ab", "signature-algorithm": "SHA256withRSA"], overwrite: true)
        let stored = try await store.getObject(object)
        #expect(stored.bytes == [1, 2, 3])
        #expect(stored.metadata == ["signature": "ab", "signature-algorithm": "SHA256withRSA"])
        #expect(
            try await store.listKeys(bucket: bucket, prefix: "a/", startAfter: nil) == ["a/B", "a/b/10", "a/b/2", "a/b/é", "a/bz", "a/c d+e=f~g"])
        #expect(try await store.listKeys(bucket: bucket, prefix: "a/b", startAfter: "a/b/10") == ["a/b/2", "a/b/é", "a/bz"])
        var streamed: [UInt8] = []
        try await store.readObject(ObjectLocation(bucket: bucket, key: "a/c d+e=f~g")) { streamed += $0 }
        #expect(streamed == Array("a/c d+e=f~g".utf8))
        await #expect(throws: TrailProofError(.objectExists, "")) {
            try await store.putObject(object, bytes: [9], metadata: [:], overwrite: false)
        }
        #expect(try await store.getObject(object).bytes == [1, 2, 3])
        await #expect(throws: TrailProofError(.objectNotFound, "")) { try await store.getObject(ObjectLocation(bucket: bucket, key: "missing")) }
        let present = try await store.objectExists(object)
        let absent = try await store.objectExists(ObjectLocation(bucket: bucket, key: "missing"))
        #expect(present && !absent)
        await #expect(throws: TrailProofError(.invalidObjectKey, "")) { try await store.getObject(ObjectLocation(bucket: bucket, key: "a/../b")) }
    }

    @Test(
        "The parity suite over S3: same lines as aws-cli against the same server, and as on the local store",
        arguments: AWSCLIParityTests.Tamper.allCases)
    func parityOverS3(_ tamper: AWSCLIParityTests.Tamper) async throws {
        let folder = try TestEnvironment.temporaryFolder("s3parity")
        defer { try? FileManager.default.removeItem(at: folder) }
        let bucket = try await S3TestServer.newBucket(tamper.rawValue)
        let trail = try ScenarioTrail.make(in: folder, bucket: bucket)
        let expectedLine = try tamper.apply(to: trail)
        let mirror = try S3TestServer.trailproof([
            "mirror", "--from", trail.store, "--to", "s3", "--bucket", bucket, "--endpoint-url", try S3TestServer.endpoint,
        ])
        #expect(mirror.status == 0, "\(mirror)")
        for verbose in [true, false] {
            let arguments = trail.validationArguments(verbose: verbose)
            let onS3 = try S3TestServer.trailproof(["validate-logs", "--endpoint-url", try S3TestServer.endpoint, "--checks", "aws-cli"] + arguments)
            let awscli = try S3TestServer.awscli(arguments)
            let local = try trailproof(["validate-logs", "--store", trail.store, "--checks", "aws-cli"] + arguments)
            #expect(onS3 == awscli, "verbose \(verbose)")
            #expect(onS3 == local, "verbose \(verbose)")
            let fullOnS3 = try S3TestServer.trailproof(["validate-logs", "--endpoint-url", try S3TestServer.endpoint] + arguments)
            let fullLocal = try trailproof(["validate-logs", "--store", trail.store] + arguments)
            #expect(fullOnS3 == fullLocal, "verbose \(verbose)")
            if !expectedLine.hasSuffix("\tvalid") { #expect(awscli.standardError.contains(expectedLine), "\(awscli)") }
        }
    }

    @Test("A trail produced into S3 and mirrored to a folder gets identical verdicts, also from aws-cli")
    func producedInS3() async throws {
        let folder = try TestEnvironment.temporaryFolder("s3produce")
        defer { try? FileManager.default.removeItem(at: folder) }
        let bucket = try await S3TestServer.newBucket("produce")
        let endpoint = ["--endpoint-url", try S3TestServer.endpoint]
        let keyring = folder.appendingPathComponent("keyring").path
        #expect(try S3TestServer.trailproof(["keys", "generate", "--keyring", keyring, "--valid-from", "2026-01-01T00:00:00Z"]).status == 0)
        let location = ["--store", "s3", "--bucket", bucket, "--prefix", "p", "--account-id", "123456789012", "--region", "us-east-1"] + endpoint
        for (index, time) in ["2026-01-01T00:10:00Z", "2026-01-01T00:50:00Z", "2026-01-01T02:30:00Z"].enumerated() {
            let file = folder.appendingPathComponent("log\(index).json")
            try Data(SampleTrail.sampleLog(at: Timestamp(iso8601: time)!.adding(seconds: -60), user: "u\(index)")).write(to: file)
            let delivered = try S3TestServer.trailproof(["deliver"] + location + ["--at", time, file.path])
            #expect(delivered.status == 0, "\(delivered)")
        }
        let digests = try S3TestServer.trailproof(
            ["digest"] + location + ["--trail-name", "s3-trail", "--keyring", keyring, "--until", "2026-01-01T03:00:00Z"])
        #expect(digests.status == 0 && digests.standardOutput.split(separator: "\n").count == 3, "\(digests)")
        let again = try S3TestServer.trailproof(
            ["digest"] + location + ["--trail-name", "s3-trail", "--keyring", keyring, "--until", "2026-01-01T03:00:00Z"])
        #expect(again.status == 0 && again.standardOutput.isEmpty, "re-running writes nothing: \(again)")
        let local = folder.appendingPathComponent("mirror").path
        #expect(try S3TestServer.trailproof(["mirror", "--from", "s3", "--to", local, "--bucket", bucket] + endpoint).status == 0)
        let arguments = [
            "--public-keys", keyring + "/public-keys.json", "--trail-arn", "arn:aws:cloudtrail:us-east-1:123456789012:trail/s3-trail",
            "--start-time", "2026-01-01T00:00:00Z", "--end-time", "2026-01-01T03:00:00Z", "--s3-bucket", bucket, "--s3-prefix", "p", "--verbose",
        ]
        let onS3 = try S3TestServer.trailproof(["validate-logs"] + endpoint + arguments)
        let onMirror = try trailproof(["validate-logs", "--store", local] + arguments)
        let awscli = try S3TestServer.awscli(arguments)
        #expect(onS3.status == 0 && onS3.standardOutput.contains("3/3 digest files valid\n3/3 log files valid\n"), "\(onS3)")
        #expect(onS3 == onMirror)
        #expect(try S3TestServer.trailproof(["validate-logs", "--checks", "aws-cli"] + endpoint + arguments) == awscli)
    }

    @Test("--debug and TRAILPROOF_LOG_LEVEL log each S3 request and the credential source to standard error, never a secret")
    func debugLog() async throws {
        let bucket = try await S3TestServer.newBucket("debug")
        let environment = try S3TestServer.credentialEnvironment
        let secret = try #require(environment["AWS_SECRET_ACCESS_KEY"])
        let arguments = [
            "validate-logs", "--endpoint-url", try S3TestServer.endpoint, "--public-keys",
            TestEnvironment.repositoryRoot.appendingPathComponent("keys/test-keyring/public-keys.json").path, "--trail-arn",
            "arn:aws:cloudtrail:us-east-1:111122223333:trail/abc", "--start-time", "2026-01-01T00:00:00Z", "--end-time", "2026-01-01T02:00:00Z",
            "--s3-bucket", bucket,
        ]
        let flagged = try run(TestEnvironment.executable, arguments + ["--debug"], environment: environment)
        let variable = try run(TestEnvironment.executable, arguments, environment: environment.merging(["TRAILPROOF_LOG_LEVEL": "debug"]) { $1 })
        for result in [flagged, variable] {
            #expect(result.status == 5, "nothing found: \(result)")
            let lines = result.standardError.split(separator: "\n")
            let requests = lines.filter { $0.contains("S3 request") && $0.contains("method=GET") }
            #expect(!requests.isEmpty, "\(result)")
            for line in requests {
                #expect(line.contains("status=200") && line.contains("attempt=1") && line.contains("elapsed_ms=") && line.contains("path=/\(bucket)"))
            }
            #expect(lines.contains { $0.contains("credentials found") && $0.contains("source=environment") }, "\(result)")
            #expect(!result.standardError.contains(secret) && !result.standardError.contains("Signature="), "\(result)")
            #expect(result.standardOutput.isEmpty || !result.standardOutput.contains("S3 request"))
        }
        let quiet = try run(TestEnvironment.executable, arguments, environment: environment)
        #expect(quiet.status == 5 && !quiet.standardError.contains("S3 request"), "\(quiet)")
        let wrong = try run(TestEnvironment.executable, arguments, environment: environment.merging(["TRAILPROOF_LOG_LEVEL": "loud"]) { $1 })
        #expect(wrong.status == 2 && wrong.standardError.contains("TRAILPROOF_LOG_LEVEL=loud"), "\(wrong)")
    }

    @Test("A wrong secret key stops the run with a message that says which key to check")
    func wrongSecret() async throws {
        let bucket = try await S3TestServer.newBucket("secret")
        var environment = try S3TestServer.credentialEnvironment
        environment["AWS_SECRET_ACCESS_KEY"] = "not-the-secret"
        let result = try run(
            TestEnvironment.executable,
            [
                "validate-logs", "--endpoint-url", try S3TestServer.endpoint, "--public-keys",
                TestEnvironment.repositoryRoot.appendingPathComponent("keys/test-keyring/public-keys.json").path, "--trail-arn",
                "arn:aws:cloudtrail:us-east-1:111122223333:trail/abc", "--start-time", "2026-01-01T00:00:00Z", "--end-time", "2026-01-01T01:00:00Z",
                "--s3-bucket", bucket,
            ], environment: environment)
        #expect(result.status == 3, "\(result)")
        #expect(result.standardError.contains("SignatureDoesNotMatch") && result.standardError.contains("check AWS_SECRET_ACCESS_KEY"), "\(result)")
    }
}

@Suite("S3 answers")
struct S3ResponseXMLTests {
    @Test(
        "XML that crashed Foundation's parser under the fuzzer is refused, not parsed",
        arguments: ["s3-xml-invalid-utf8-element.xml", "s3-xml-processing-instruction.xml"])
    func fuzzRegression(_ file: String) throws {
        let url = TestEnvironment.repositoryRoot.appendingPathComponent("testdata/fuzz-regressions/\(file)")
        let bytes = Array(try Data(contentsOf: url))
        #expect(throws: TrailProofError(.storageFailure, "")) { try S3ResponseXML.listPage(bytes) }
        #expect(S3ResponseXML.errorDocument(bytes).code == nil)
    }

    @Test("A ListObjectsV2 page and an error document are read: entities, CDATA, comments, attributes")
    func answersAreRead() throws {
        let page = try S3ResponseXML.listPage(
            Array(
                #"<?xml version="1.0" encoding="UTF-8"?><!-- c --><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><IsTruncated>true</IsTruncated><NextContinuationToken>t&amp;1</NextContinuationToken><Contents><Key>a/&lt;b&#62;&#x20;é</Key></Contents><Contents><Key><![CDATA[c&d]]></Key><Size/></Contents></ListBucketResult>"#
                    .utf8))
        #expect(page.keys == ["a/<b> é", "c&d"] && page.isTruncated && page.nextContinuationToken == "t&1")
        let error = S3ResponseXML.errorDocument(Array("<Error><Code>NoSuchKey</Code><Region>eu-west-1</Region></Error>".utf8))
        #expect(error.code == "NoSuchKey" && error.region == "eu-west-1")
        for bad in ["<a><b></a></b>", "<a>", "<!DOCTYPE a><a/>", "<a/><b/>", "<a>&foo;</a>", "text<a/>"] {
            #expect(throws: TrailProofError(.storageFailure, ""), "\(bad)") { try S3ResponseXML.listPage(Array(bad.utf8)) }
        }
    }
}

import Foundation
import Testing

@testable import TrailProof

@Suite("Organization trails")
struct OrganizationTrailTests {
    @Test("An organization trail made by trailproof validates with aws-cli's code, given the organization ID")
    func organizationTrailValidates() throws {
        let folder = try TestEnvironment.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = folder.appendingPathComponent("store").path
        let keyring = folder.appendingPathComponent("keyring").path
        let organization = "o-exampleorg1"
        let location = [
            "--store", store, "--bucket", "org-bucket", "--prefix", "central", "--account-id", "444455556666", "--region", "us-east-1",
            "--organization-id", organization,
        ]
        _ = try trailproofLines(["keys", "generate", "--keyring", keyring, "--valid-from", "2026-01-01T00:00:00Z"])
        for time in ["2026-01-01T00:10:00Z", "2026-01-01T02:30:00Z"] {
            let document = SampleTrail.sampleLog(at: Timestamp(iso8601: time)!.adding(seconds: -60), user: "member")
            _ = try trailproofLines(["deliver"] + location + ["--at", time, "-"], input: Data(document))
        }
        let digests = try trailproofLines(
            ["digest"] + location + ["--trail-name", "org-trail", "--keyring", keyring, "--until", "2026-01-01T03:00:00Z"])
        #expect(digests.count == 3 && digests.allSatisfy { $0.contains("/AWSLogs/\(organization)/444455556666/CloudTrail-Digest/") })
        let arguments = [
            "--public-keys", keyring + "/public-keys.json", "--trail-arn", "arn:aws:cloudtrail:us-east-1:111122223333:trail/org-trail",
            "--start-time", "2026-01-01T00:00:00Z", "--end-time", "2026-01-01T03:00:00Z", "--s3-bucket", "org-bucket",
            "--s3-prefix", "central", "--account-id", "444455556666", "--verbose",
        ]
        let awscli = try run(
            "python3", [TestEnvironment.organizationOracle, store] + arguments,
            environment: [
                "TRAILPROOF_ORGANIZATION_ID": organization,
                "TRAILPROOF_SHARED_INTEROP": TestEnvironment.shared.appendingPathComponent("interop").path,
            ])
        let ours = try trailproof(["validate-logs", "--store", store, "--organization-id", organization] + arguments)
        #expect(awscli.status == 0 && awscli.standardOutput.contains("3/3 digest files valid\n2/2 log files valid\n"), "\(awscli)")
        #expect(ours == awscli)
        // aws-cli itself, given --s3-bucket, never looks under the organization path: it finds
        // nothing and exits 0. trailproof needs --organization-id for the same reason.
        let blind = try run("python3", [TestEnvironment.oracle, store] + arguments)
        #expect(blind.status == 0 && blind.standardOutput.hasSuffix("No digests found\n"), "\(blind)")
    }

    @Test("--all-accounts validates every member account's chain of an organization trail")
    func allAccounts() throws {
        let folder = try TestEnvironment.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = folder.appendingPathComponent("store").path
        let keyring = folder.appendingPathComponent("keyring").path
        _ = try trailproofLines(["keys", "generate", "--keyring", keyring, "--valid-from", "2026-01-01T00:00:00Z"])
        for account in ["444455556666", "777788889999"] {
            let location = [
                "--store", store, "--bucket", "org-bucket", "--account-id", account, "--region", "us-east-1", "--organization-id", "o-exampleorg1",
            ]
            let document = SampleTrail.sampleLog(at: Timestamp(iso8601: "2026-01-01T00:05:00Z")!, user: account)
            _ = try trailproofLines(["deliver"] + location + ["--at", "2026-01-01T00:10:00Z", "-"], input: Data(document))
            _ = try trailproofLines(["digest"] + location + ["--trail-name", "org-trail", "--keyring", keyring, "--until", "2026-01-01T02:00:00Z"])
        }
        // A member's log file injected into the second account's chain is found there.
        let injected =
            "AWSLogs/o-exampleorg1/777788889999/CloudTrail/us-east-1/2026/01/01/777788889999_CloudTrail_us-east-1_20260101T0130Z_InjectedInjected.json.gz"
        try FileManager.default.createDirectory(
            atPath: (store + "/org-bucket/" + injected as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(try Gzip.compress(SampleTrail.sampleLog(at: Timestamp(iso8601: "2026-01-01T01:25:00Z")!, user: "eve"))).write(
            to: URL(fileURLWithPath: store + "/org-bucket/" + injected))
        let result = try trailproof([
            "validate-logs", "--store", store, "--public-keys", keyring + "/public-keys.json", "--trail-arn",
            "arn:aws:cloudtrail:us-east-1:111122223333:trail/org-trail", "--start-time", "2026-01-01T00:00:00Z", "--end-time",
            "2026-01-01T02:00:00Z", "--s3-bucket", "org-bucket", "--organization-id", "o-exampleorg1", "--all-accounts",
        ])
        #expect(result.status == 1, "\(result)")
        #expect(result.standardOutput.contains("4/4 digest files valid\n2/3 log files valid, 1/3 log files INVALID\n"), "\(result)")
        #expect(result.standardError == "Log file\ts3://org-bucket/\(injected)\tINVALID: not referenced by any digest\n\n", "\(result)")
    }
}

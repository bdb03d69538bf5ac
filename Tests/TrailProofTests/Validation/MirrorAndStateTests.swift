import Foundation
import Testing

@testable import TrailProof

@Suite("Offline mirrors, saved anchors and reports")
struct MirrorAndStateTests {
    /// The signature metadata of every chain head, as one would collect it from S3.
    private func signatures(of trail: ScenarioTrail, hours: [Int]) throws -> URL {
        var collected: [String: String] = [:]
        for hour in hours {
            let key = trail.digest(endingAt: hour)
            let metadata =
                try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: trail.metadataPath(key)))) as! [String: String]
            collected[key] = metadata["signature"]
        }
        let url = trail.folder.appendingPathComponent("signatures.json")
        try JSONSerialization.data(withJSONObject: collected).write(to: url)
        return url
    }

    @Test("An aws s3 sync copy (no metadata) validates but for each chain's newest digest, which --signatures vouches for")
    func syncedMirror() async throws {
        try await ScenarioTrail.with { trail in
            let signatureFile = try signatures(of: trail, hours: [4, 8])
            try FileManager.default.removeItem(atPath: trail.store + "/.metadata")
            // aws-cli cannot validate such a copy at all.
            #expect(try trail.validateWithBoth(verbose: false).awscli.standardError.contains("INVALID: signature verification failed"))
            let unvouched = try trail.validateFull()
            // Signatures authenticate themselves: every digest a newer one links to verifies with the
            // signature that link records, so only each chain's newest digest stays UNVERIFIED.
            #expect(unvouched.status == 4, "not established, nothing INVALID: \(unvouched)")
            #expect(unvouched.standardOutput.contains("4/6 digest files valid, 2/6 digest files UNVERIFIED\n"), "\(unvouched)")
            for hour in [4, 8] {
                #expect(
                    unvouched.standardError.contains(
                        "Digest file\ts3://\(trail.bucket)/\(trail.digest(endingAt: hour))\tUNVERIFIED: no signature: the object has no metadata"
                    ),
                    "\(unvouched)")
            }
            #expect(!unvouched.standardError.contains("\tINVALID"), "only the unvouched heads and what they list: \(unvouched)")
            let vouched = try trail.validateFull(["--signatures", signatureFile.path, "--verbose"])
            #expect(vouched.status == 0, "\(vouched)")
            #expect(vouched.standardOutput.contains("6/6 digest files valid\n7/7 log files valid\n"), "\(vouched)")
            // A wrong signature from the file is caught like a wrong one in metadata.
            try Data("{\"\(trail.digest(endingAt: 8))\": \"\(String(repeating: "ab", count: 256))\"}".utf8).write(to: signatureFile)
            let wrong = try trail.validateFull(["--signatures", signatureFile.path])
            #expect(wrong.standardError.contains("\(trail.digest(endingAt: 8))\tINVALID: signature verification failed"), "\(wrong)")
        }
    }

    @Test("--state: a rollback of the chain fails the next run, naming both digests")
    func stateRollback() async throws {
        try await ScenarioTrail.with { trail in
            let state = trail.folder.appendingPathComponent("state.json").path
            #expect(try trail.validateFull(["--state", state]).status == 0)
            let recorded = try ValidationState(contentsOfFile: state)
            #expect(recorded.anchors.count == 1 && recorded.anchors[0].location.key == trail.digest(endingAt: 8))
            for key in [trail.digest(endingAt: 8), trail.digest(endingAt: 7)] + trail.logs[6]! { try trail.remove(key) }
            let result = try trail.validateFull(["--state", state])
            #expect(result.status == 1)
            #expect(
                result.standardError.contains(
                    "Digest file\ts3://\(trail.bucket)/\(trail.digest(endingAt: 8))\tINVALID: not reached through the chain: an earlier run vouched for this digest (end 2026-01-01T08:00:00Z, SHA-256 \(recorded.anchors[0].sha256)); the chain now reaches back from s3://\(trail.bucket)/\(trail.digest(endingAt: 4))"
                ), "\(result)")
            #expect(try ValidationState(contentsOfFile: state) == recorded, "a failed run keeps the anchor")
        }
    }

    @Test("--state: a chain replaced by one signed elsewhere fails the next run")
    func stateFork() async throws {
        try await ScenarioTrail.with { trail in
            let state = trail.folder.appendingPathComponent("state.json").path
            #expect(try trail.validateFull(["--state", state]).status == 0)
            // The newest digest is rewritten and signed with another key (the repository's test
            // key), which the key list also publishes: it verifies, but it is not the one vouched for.
            var digest = try await trail.digestFile(trail.digest(endingAt: 8))
            digest.newestEventTime = nil
            digest.oldestEventTime = nil
            try await SignedDigests.put(digest, into: trail.localStore)
            var keys = try PublicKeyList(contentsOfFile: trail.publicKeys)
            keys.entries += try SignedDigests.testPublicKeys.entries
            try Data(keys.serialized()).write(to: URL(fileURLWithPath: trail.publicKeys))
            #expect(try trail.validateFull().status == 0, "without the state, the forged head looks valid")
            let result = try trail.validateFull(["--state", state])
            #expect(result.status == 1)
            #expect(
                result.standardError.contains(
                    "Digest file\ts3://\(trail.bucket)/\(trail.digest(endingAt: 8))\tINVALID: differs from the digest recorded by an earlier run"
                ),
                "\(result)")
        }
    }

    @Test("--state --only-new: an hourly run after one more hour validates only that hour")
    func onlyNew() async throws {
        try await ScenarioTrail.with { trail in
            let state = trail.folder.appendingPathComponent("state.json").path
            #expect(try trail.validateFull(["--state", state]).status == 0)
            let location = [
                "--store", trail.store, "--bucket", trail.bucket, "--prefix", ScenarioTrail.prefix, "--account-id", ScenarioTrail.accountID,
                "--region", ScenarioTrail.region,
            ]
            let document = SampleTrail.sampleLog(at: Timestamp(iso8601: "2026-01-01T08:15:00Z")!, user: "next")
            let log = try trailproofLines(["deliver"] + location + ["--at", "2026-01-01T08:20:00Z", "-"], input: Data(document))[0]
            let digest = try trailproofLines(
                ["digest"] + location + ["--trail-name", ScenarioTrail.trailName, "--keyring", trail.keyring, "--until", "2026-01-01T09:00:00Z"])[0]
            let result = try trail.validateFull(["--state", state, "--only-new", "--verbose"], end: "2026-01-01T09:00:00Z")
            #expect(result.status == 0, "\(result)")
            let lines = result.standardOutput.split(separator: "\n").filter { $0.contains("\ts3://") }
            #expect(lines == ["Digest file\t\(digest)\tvalid", "Log file\t\(log)\tvalid"], "\(result)")
            #expect(try ValidationState(contentsOfFile: state).anchors[0].endTime == Timestamp(iso8601: "2026-01-01T09:00:00Z"))
        }
    }

    @Test("JSON and JUnit reports pass their schemas; --report writes one while the terminal gets text")
    func reportsMatchSchemas() async throws {
        try await ScenarioTrail.with { trail in
            try trail.remove(trail.digest(endingAt: 2))
            try Data().write(to: URL(fileURLWithPath: trail.objectPath(trail.logs[3]![0])))
            let schema = TestEnvironment.repositoryRoot.appendingPathComponent(
                "Sources/TrailProof/Reporting/Schemas/validate-logs-report.schema.json"
            ).path
            let xsd = TestEnvironment.repositoryRoot.appendingPathComponent("Tests/Schemas/junit.xsd").path
            let checker = TestEnvironment.repositoryRoot.appendingPathComponent("Tests/Schemas/check_schema.py").path
            let json = try trail.validateFull(["--output", "json", "--verbose"])
            #expect(json.status == 1 && !json.standardOutput.contains("Validating log files"), "\(json)")
            let jsonFile = trail.folder.appendingPathComponent("report.json")
            try Data(json.standardOutput.utf8).write(to: jsonFile)
            let jsonCheck = try run("python3", [checker, "json", schema, jsonFile.path])
            #expect(jsonCheck.status == 0, "\(jsonCheck)")
            let parsed = try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as! [String: Any]
            let totals = (parsed["summary"] as! [String: Any])["digests"] as! [String: Int]
            #expect(totals["invalid"] == 1 && totals["valid"] == 5, "\(totals)")
            // A report that breaks the schema is caught: the check can fail.
            let broken = json.standardOutput.replacingOccurrences(
                of: #""verdict"\s*:\s*"invalid""#, with: #""verdict": "bad""#, options: .regularExpression)
            #expect(broken != json.standardOutput)
            try Data(broken.utf8).write(to: jsonFile)
            #expect(try run("python3", [checker, "json", schema, jsonFile.path]).status == 1)

            let xmlFile = trail.folder.appendingPathComponent("report.xml")
            let text = try trail.validateFull(["--report", xmlFile.path])
            #expect(text.standardOutput.hasPrefix("Validating log files for trail") && text.status == 1, "\(text)")
            let xml = try String(contentsOf: xmlFile, encoding: .utf8)
            #expect(xml.contains("type=\"hash-mismatch\"") && xml.contains("type=\"not-found\""), "\(xml)")
            let xmlCheck = try run("python3", [checker, "xml", xsd, xmlFile.path])
            #expect(xmlCheck.status == 0, "\(xmlCheck)")
            try Data(xml.replacingOccurrences(of: "<testcase classname=", with: "<testcase bogus=\"1\" classname=").utf8).write(to: xmlFile)
            #expect(try run("python3", [checker, "xml", xsd, xmlFile.path]).status == 1)
        }
    }

    @Test("--all-regions validates every region's chain of the trail, with one combined summary")
    func allRegions() async throws {
        try await ScenarioTrail.with { trail in
            let location = [
                "--store", trail.store, "--bucket", trail.bucket, "--prefix", ScenarioTrail.prefix, "--account-id", ScenarioTrail.accountID,
                "--region", "eu-west-1",
            ]
            let document = SampleTrail.sampleLog(at: Timestamp(iso8601: "2026-01-01T05:10:00Z")!, user: "eu")
            _ = try trailproofLines(["deliver"] + location + ["--at", "2026-01-01T05:15:00Z", "-"], input: Data(document))
            _ = try trailproofLines(
                ["digest"] + location + [
                    "--trail-name", ScenarioTrail.trailName, "--home-region", ScenarioTrail.region, "--keyring", trail.keyring, "--until",
                    "2026-01-01T08:00:00Z",
                ])
            let result = try trail.validateFull(["--all-regions", "--output", "json"])
            #expect(result.status == 0, "\(result)")
            let parsed = try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as! [String: Any]
            let regions = (parsed["chains"] as! [[String: Any]]).map { $0["region"] as! String }
            #expect(regions == ["eu-west-1", "us-east-1"])
            let logs = (parsed["summary"] as! [String: Any])["logs"] as! [String: Int]
            #expect(logs["valid"] == 8, "7 logs in us-east-1 and 1 in eu-west-1: \(logs)")
        }
    }
}

import Foundation
import Testing

@testable import TrailProof

/// What aws-cli cannot see, on trails made by the project: each is reported with its own
/// reason, and the run exits 1.
@Suite("Full checks: what aws-cli misses")
struct FullChecksTests {
    private func expectFinding(_ result: ProcessResult, _ line: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.status == 1, "\(result)", sourceLocation: sourceLocation)
        #expect(result.standardError.contains(line), "expected: \(line)\n\(result)", sourceLocation: sourceLocation)
    }

    @Test("An injected log file is not referenced by any digest")
    func injectedLog() async throws {
        try await ScenarioTrail.with { trail in
            let location = try TrailLocation(
                bucket: trail.bucket, prefix: ScenarioTrail.prefix, organizationID: nil, accountID: ScenarioTrail.accountID,
                region: ScenarioTrail.region)
            let key = location.logKey(deliveredAt: Timestamp(iso8601: "2026-01-01T03:30:00Z")!, unique: "InjectedByEve001")
            let forged = SampleTrail.sampleLog(at: Timestamp(iso8601: "2026-01-01T03:25:00Z")!, user: "eve")
            try await trail.localStore.putObject(trail.object(key), bytes: try Gzip.compress(forged), metadata: [:], overwrite: false)
            let awscli = try trail.validateWithBoth(verbose: false).awscli
            #expect(awscli.status == 0, "aws-cli does not see it: \(awscli)")
            expectFinding(try trail.validateFull(), "Log file\ts3://\(trail.bucket)/\(key)\tINVALID: not referenced by any digest")
        }
    }

    @Test("The newest digests and their logs deleted: the tail is reported as truncated, naming the range")
    func tailTruncation() async throws {
        try await ScenarioTrail.with { trail in
            for key in [trail.digest(endingAt: 8), trail.digest(endingAt: 7)] + trail.logs[6]! { try trail.remove(key) }
            let awscli = try trail.validateWithBoth(verbose: false).awscli
            #expect(awscli.status == 0, "aws-cli does not see it: \(awscli)")
            let expected = trail.digest(endingAt: 4).replacingOccurrences(of: "20260101T040000Z", with: "20260101T050000Z")
            expectFinding(
                try trail.validateFull(),
                "Digest file\ts3://\(trail.bucket)/\(expected)\tINVALID: not found: no digest covers 2026-01-01T04:00:00Z to 2026-01-01T08:00:00Z"
            )
        }
    }

    @Test("Two consecutive digests deleted: both are reported (aws-cli reports one)")
    func twoConsecutiveDigestsDeleted() async throws {
        try await ScenarioTrail.with { trail in
            try trail.remove(trail.digest(endingAt: 2))
            try trail.remove(trail.digest(endingAt: 3))
            let awscli = try trail.validateWithBoth(verbose: false).awscli
            #expect(awscli.standardError.components(separatedBy: "INVALID: not found").count - 1 == 1, "\(awscli)")
            let full = try trail.validateFull()
            for hour in [2, 3] {
                expectFinding(full, "Digest file\ts3://\(trail.bucket)/\(trail.digest(endingAt: hour))\tINVALID: not found")
            }
            // The log of the hour whose digest is gone is no longer vouched for.
            expectFinding(full, "Log file\ts3://\(trail.bucket)/\(trail.logs[1]![0])\tUNVERIFIED: no valid digest covers its delivery time")
        }
    }

    @Test("A re-signed digest whose previousDigestHashValue does not match the older digest")
    func previousHashMismatch() async throws {
        try await ScenarioTrail.with { trail in
            try await trail.resign(trail.digest(endingAt: 4)) { $0.previous?.hashValue = String(repeating: "0", count: 64) }
            #expect(try trail.validateWithBoth(verbose: false).awscli.status == 0)
            expectFinding(
                try trail.validateFull(),
                "Digest file\ts3://\(trail.bucket)/\(trail.digest(endingAt: 3))\tINVALID: SHA-256 ")
            #expect(try trail.validateFull().standardError.contains("does not match previousDigestHashValue \(String(repeating: "0", count: 64))"))
        }
    }

    @Test("A re-signed digest whose previousDigestSignature does not match the older digest's signature")
    func previousSignatureMismatch() async throws {
        try await ScenarioTrail.with { trail in
            try await trail.resign(trail.digest(endingAt: 4)) { digest in
                let signature = digest.previous!.signature
                digest.previous?.signature = (signature.first == "a" ? "b" : "a") + signature.dropFirst()
            }
            #expect(try trail.validateWithBoth(verbose: false).awscli.status == 0)
            expectFinding(
                try trail.validateFull(),
                "Digest file\ts3://\(trail.bucket)/\(trail.digest(endingAt: 3))\tINVALID: signature does not match previousDigestSignature in s3://"
            )
        }
    }

    @Test("A digest signed with a key outside its validity window")
    func keyOutsideValidity() async throws {
        try await ScenarioTrail.with { trail in
            // The first key's window ends at 03:00 (rotation); the 08:00 digest is re-signed with it.
            try await trail.resign(trail.digest(endingAt: 8), signingTime: Timestamp(iso8601: "2026-01-01T02:00:00Z")!)
            #expect(try trail.validateWithBoth(verbose: false).awscli.status == 0)
            expectFinding(
                try trail.validateFull(), "Digest file\ts3://\(trail.bucket)/\(trail.digest(endingAt: 8))\tINVALID: signed with key ")
            #expect(try trail.validateFull().standardError.contains("not at digestEndTime 2026-01-01T08:00:00Z"))
        }
    }

    @Test("Data appended after the gzip stream, of a log and of a digest")
    func appendedData() async throws {
        try await ScenarioTrail.with { trail in
            let log = trail.logs[3]![0]
            let digest = trail.digest(endingAt: 2)
            for key in [log, digest] {
                let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: trail.objectPath(key)))
                try handle.seekToEnd()
                try handle.write(contentsOf: Data(try Gzip.compress(Array("{\"Records\":[]}".utf8))))
                try handle.close()
            }
            #expect(try trail.validateWithBoth(verbose: false).awscli.status == 0, "aws-cli reads only the first gzip member")
            let full = try trail.validateFull()
            expectFinding(full, "Log file\ts3://\(trail.bucket)/\(log)\tINVALID: data after the end of the gzip stream")
            expectFinding(full, "Digest file\ts3://\(trail.bucket)/\(digest)\tINVALID: invalid format")
        }
    }

    @Test("A correctly signed digest with a duplicated logFiles key is invalid format")
    func duplicatedKey() async throws {
        try await ScenarioTrail.with { trail in
            let key = trail.digest(endingAt: 4)
            let digest = try await trail.digestFile(key)
            // Python's json keeps the last duplicate, so aws-cli sees an empty list of logs.
            let text = String(decoding: digest.serialized(), as: UTF8.self).replacingOccurrences(of: "}]}", with: "}],\"logFiles\":[]}")
            let (_, privateKey) = try Keyring(directory: trail.keyring, mustExist: true).signingKey(region: ScenarioTrail.region, at: digest.endTime)
            try await trail.writeSigned(Array(text.utf8), digest: digest, privateKey: privateKey)
            #expect(try trail.validateWithBoth(verbose: false).awscli.status == 0, "aws-cli takes the last duplicate")
            expectFinding(try trail.validateFull(), "Digest file\ts3://\(trail.bucket)/\(key)\tINVALID: invalid format")
            let report = try trail.validateFull(["--output", "json"])
            #expect(report.standardOutput.contains("duplicate key \\\"logFiles\\\""), "\(report)")
        }
    }
}

import Foundation
import Testing

@testable import TrailProof

/// The real aws-cli (through the shared oracle) and `trailproof validate-logs` must print the
/// same lines on the same streams and exit alike, on intact and tampered trails.
@Suite("Parity with aws cloudtrail validate-logs")
struct AWSCLIParityTests {
    @Test("A trail made by trailproof validates with the real aws-cli, every digest and log valid")
    func scenarioValidatesWithAWSCLI() throws {
        let folder = try TestEnvironment.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let trail = try ScenarioTrail.make(in: folder)
        #expect(try trail.validateWithBoth(verbose: true, checks: "full").ours == trail.validateWithBoth(verbose: true).ours)
        let (ours, awscli) = try trail.validateWithBoth(verbose: true)
        #expect(awscli.status == 0, "\(awscli)")
        #expect(!awscli.standardError.contains("INVALID") && !awscli.standardOutput.contains("INVALID"))
        #expect(awscli.standardOutput.contains("6/6 digest files valid\n7/7 log files valid\n"), "\(awscli)")
        // After a valid line on stdout, aws-cli starts an error block with a blank line.
        #expect(
            awscli.standardError
                == "\nNo log files were delivered by CloudTrail between 2026-01-01T04:00:00Z and 2026-01-01T06:00:00Z\n\n")
        #expect(ours == awscli)
    }

    /// Ways to tamper with the scenario trail, each with the line both tools must print.
    enum Tamper: String, CaseIterable, CustomTestStringConvertible {
        case logModified, logRecompressed, logDeleted, logTruncated, logNotGzip, logEmpty
        case digestDeleted, digestModified, signatureCorrupted, metadataRemoved, digestCopiedOverAnotherHour
        case digestNotGzip, digestNotJSON, hourLogsDeleted, hourDeletedEntirely

        var testDescription: String { rawValue }

        /// Changes the trail; returns a text that both outputs must then contain.
        func apply(to trail: ScenarioTrail) throws -> String {
            let fileManager = FileManager.default
            let log = trail.logs[3]![0]
            let digest = trail.digest(endingAt: 2)
            switch self {
            case .logModified:
                let forged = SampleTrail.sampleLog(at: Timestamp(iso8601: "2026-01-01T03:06:00Z")!, user: "mallory")
                try Data(try Gzip.compress(forged)).write(to: URL(fileURLWithPath: trail.objectPath(log)))
                return "Log file\ts3://\(trail.bucket)/\(log)\tINVALID: hash value doesn't match"
            case .logRecompressed:
                let original = try Data(contentsOf: URL(fileURLWithPath: trail.objectPath(log)))
                let recompressed = try Gzip.compress(try GzipInflater.decompressWhole(Array(original)), level: 1)
                #expect(Data(recompressed) != original)
                try Data(recompressed).write(to: URL(fileURLWithPath: trail.objectPath(log)))
                return "Log file\ts3://\(trail.bucket)/\(log)\tvalid"
            case .logDeleted:
                try fileManager.removeItem(atPath: trail.objectPath(log))
                return "Log file\ts3://\(trail.bucket)/\(log)\tINVALID: not found"
            case .logTruncated:
                let original = try Data(contentsOf: URL(fileURLWithPath: trail.objectPath(log)))
                try original.prefix(original.count / 2).write(to: URL(fileURLWithPath: trail.objectPath(log)))
                return "Log file\ts3://\(trail.bucket)/\(log)\tINVALID: hash value doesn't match"
            case .logNotGzip:
                try Data("{\"Records\": []}".utf8).write(to: URL(fileURLWithPath: trail.objectPath(log)))
                return "Log file\ts3://\(trail.bucket)/\(log)\tINVALID: invalid format"
            case .logEmpty:
                try Data().write(to: URL(fileURLWithPath: trail.objectPath(log)))
                return "Log file\ts3://\(trail.bucket)/\(log)\tINVALID: hash value doesn't match"
            case .digestDeleted:
                try fileManager.removeItem(atPath: trail.objectPath(digest))
                try fileManager.removeItem(atPath: trail.metadataPath(digest))
                return "Digest file\ts3://\(trail.bucket)/\(digest)\tINVALID: not found"
            case .digestModified:
                let original = try Data(contentsOf: URL(fileURLWithPath: trail.objectPath(digest)))
                let text = String(decoding: try GzipInflater.decompressWhole(Array(original)), as: UTF8.self)
                let edited = text.replacingOccurrences(of: "\"newestEventTime\":\"2026-01-01T01:", with: "\"newestEventTime\":\"2026-01-01T00:")
                #expect(edited != text)
                try Data(try Gzip.compress(Array(edited.utf8))).write(to: URL(fileURLWithPath: trail.objectPath(digest)))
                return "Digest file\ts3://\(trail.bucket)/\(digest)\tINVALID: signature verification failed"
            case .signatureCorrupted:
                let path = trail.metadataPath(digest)
                var metadata = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: String]
                let signature = metadata["signature"]!
                metadata["signature"] = (signature.first == "0" ? "1" : "0") + signature.dropFirst()
                try JSONSerialization.data(withJSONObject: metadata).write(to: URL(fileURLWithPath: path))
                return "Digest file\ts3://\(trail.bucket)/\(digest)\tINVALID: signature verification failed"
            case .metadataRemoved:
                try fileManager.removeItem(atPath: trail.metadataPath(digest))
                return "Digest file\ts3://\(trail.bucket)/\(digest)\tINVALID: signature verification failed"
            case .digestCopiedOverAnotherHour:
                let other = trail.digest(endingAt: 1)
                for (from, to) in [(trail.objectPath(other), trail.objectPath(digest)), (trail.metadataPath(other), trail.metadataPath(digest))] {
                    try fileManager.removeItem(atPath: to)
                    try fileManager.copyItem(atPath: from, toPath: to)
                }
                return "Digest file\ts3://\(trail.bucket)/\(digest)\tINVALID: has been moved from its original location"
            case .digestNotGzip:
                try Data("not a gzip file".utf8).write(to: URL(fileURLWithPath: trail.objectPath(digest)))
                return "Digest file\ts3://\(trail.bucket)/\(digest)\tINVALID: invalid format"
            case .digestNotJSON:
                try Data(try Gzip.compress(Array("{\"awsAccountId\": ".utf8))).write(to: URL(fileURLWithPath: trail.objectPath(digest)))
                return "Digest file\ts3://\(trail.bucket)/\(digest)\tINVALID: invalid format"
            case .hourLogsDeleted:
                for key in trail.logs[3]! { try fileManager.removeItem(atPath: trail.objectPath(key)) }
                return "Log file\ts3://\(trail.bucket)/\(trail.logs[3]![1])\tINVALID: not found"
            case .hourDeletedEntirely:
                // A middle hour: aws-cli cannot see the newest digest of a chain go (tail truncation).
                let hourDigest = trail.digest(endingAt: 1)
                for key in trail.logs[0]! { try fileManager.removeItem(atPath: trail.objectPath(key)) }
                try fileManager.removeItem(atPath: trail.objectPath(hourDigest))
                try fileManager.removeItem(atPath: trail.metadataPath(hourDigest))
                return "Digest file\ts3://\(trail.bucket)/\(hourDigest)\tINVALID: not found"
            }
        }
    }

    @Test("Tampered trails: same lines, same streams, same exit status as aws-cli", arguments: Tamper.allCases)
    func tamperedTrailMatchesAWSCLI(_ tamper: Tamper) throws {
        let folder = try TestEnvironment.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let trail = try ScenarioTrail.make(in: folder)
        let expectedLine = try tamper.apply(to: trail)
        for verbose in [true, false] {
            let (ours, awscli) = try trail.validateWithBoth(verbose: verbose)
            #expect(ours == awscli, "verbose: \(verbose)")
            // The full checks see at least what aws-cli sees, and fail whenever it fails.
            let full = try trail.validateWithBoth(verbose: verbose, checks: "full").ours
            let missing = objectLines(awscli.standardOutput + awscli.standardError)
                .subtracting(objectLines(full.standardOutput + full.standardError))
            if tamper == .metadataRemoved {
                // The newer digest's previousDigestSignature vouches for the stripped digest.
                #expect(missing == [expectedLine], "\(full)")
            } else {
                #expect(missing.isEmpty, "lines aws-cli printed that the full checks did not: \(missing)\n\(full)")
            }
            if tamper == .metadataRemoved {
                #expect(full.status == 0, "\(full)")
            } else {
                #expect(awscli.status == 0 || full.status == 1, "\(full)")
            }
            if expectedLine.hasSuffix("\tvalid") {
                #expect(awscli.status == 0)
                if verbose { #expect(awscli.standardOutput.contains(expectedLine + "\n"), "\(awscli)") }
            } else {
                #expect(awscli.status == 1)
                #expect(awscli.standardError.contains(expectedLine + "\n\n"), "\(awscli)")
            }
        }
    }

    @Test("Parity holds for a range that starts and ends inside the chain")
    func partialRangeMatchesAWSCLI() throws {
        let folder = try TestEnvironment.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let trail = try ScenarioTrail.make(in: folder)
        let ranges = [
            ("2026-01-01T01:30:00Z", "2026-01-01T03:15:00Z"), ("2026-01-01T05:00:00Z", "2026-01-01T06:30:00Z"),
            ("2026-01-10T00:00:00Z", "2026-01-11T00:00:00Z"),  // after the last digest: aws-cli finds nothing
        ]
        for (start, end) in ranges {
            let (ours, awscli) = try trail.validateWithBoth(verbose: true, start: start, end: end)
            #expect(ours == awscli, "range \(start) to \(end)")
        }
    }

    @Test("No public key in range stops the run with its own exit status (aws-cli: 255) and the same sentence")
    func noPublicKeysStopsTheRun() throws {
        let folder = try TestEnvironment.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let trail = try ScenarioTrail.make(in: folder)
        let (ours, awscli) = try trail.validateWithBoth(verbose: false, start: "2026-06-01T00:00:00Z", end: "2026-06-02T00:00:00Z")
        let sentence = "No public keys found between 2026-06-01T00:00:00Z and 2026-06-02T02:00:00Z"
        #expect(awscli.status == 255 && awscli.standardError.contains(sentence), "\(awscli)")
        #expect(ours.status == 3)
        #expect(ours.standardError == "trailproof: error: \(sentence)\n")
        #expect(ours.standardOutput == awscli.standardOutput)
    }
}

@Suite("Backfill digests")
struct BackfillParityTests {
    @Test("A backfill digest, as AWS writes one, validates in aws-cli's second pass and in ours alike")
    func backfillMatchesAWSCLI() async throws {
        let folder = try TestEnvironment.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let trail = try ScenarioTrail.make(in: folder)
        let store = try LocalStore(root: trail.store)
        let location = try TrailLocation(
            bucket: trail.bucket, prefix: ScenarioTrail.prefix, organizationID: nil, accountID: ScenarioTrail.accountID,
            region: ScenarioTrail.region)
        // A late log for hour 1, covered by a backfill digest signed with the test key.
        let late = try await LogDelivery(store: store, location: location)
            .deliver(
                [.init(source: "late", bytes: SampleTrail.sampleLog(at: Timestamp(year: 2026, month: 1, day: 1, hour: 1, minute: 40), user: "late"))],
                at: Timestamp(year: 2026, month: 1, day: 1, hour: 8, minute: 55))[0]
        let end = Timestamp(year: 2026, month: 1, day: 1, hour: 2)
        let object = ObjectLocation(
            bucket: trail.bucket,
            key: location.digestKey(trailName: ScenarioTrail.trailName, homeRegion: ScenarioTrail.region, endTime: end, backfill: true))
        let document = try GzipInflater.decompressWhole(try await store.getObject(late).bytes)
        let digest = DigestFile(
            awsAccountID: ScenarioTrail.accountID, startTime: end.adding(seconds: -3600), endTime: end, location: object,
            publicKeyFingerprint: "", newestEventTime: "2026-01-01T01:41:00Z", oldestEventTime: "2026-01-01T01:40:00Z", previous: nil,
            logFiles: [
                .init(
                    location: late, hashValue: MessageDigest.sha256Hex(document), newestEventTime: "2026-01-01T01:41:00Z",
                    oldestEventTime: "2026-01-01T01:40:00Z")
            ])
        try await SignedDigests.put(digest, into: store)
        var metadata = try await store.getObject(object).metadata
        metadata["backfill-generation-timestamp"] = "2026-01-01T08:56:00Z"
        try await store.putObject(object, bytes: try await store.getObject(object).bytes, metadata: metadata, overwrite: true)
        // The scenario's keyring does not hold the test key: publish both.
        var keys = try PublicKeyList(contentsOfFile: trail.publicKeys)
        keys.entries += try SignedDigests.testPublicKeys.entries
        try Data(keys.serialized()).write(to: URL(fileURLWithPath: trail.publicKeys))

        let (ours, awscli) = try trail.validateWithBoth(verbose: true)
        #expect(
            awscli.status == 0 && awscli.standardOutput.contains("(backfill) Digest file\ts3://\(trail.bucket)/\(object.key)\tvalid"),
            "\(awscli)")
        #expect(awscli.standardOutput.contains("1/1 backfill digest files valid"), "\(awscli)")
        #expect(ours == awscli)

        // Without its generation timestamp a backfill digest is invalid format, for both.
        metadata["backfill-generation-timestamp"] = nil
        try await store.putObject(object, bytes: try await store.getObject(object).bytes, metadata: metadata, overwrite: true)
        let (ours2, awscli2) = try trail.validateWithBoth(verbose: false)
        #expect(
            awscli2.status == 1
                && awscli2.standardError.contains("(backfill) Digest file\ts3://\(trail.bucket)/\(object.key)\tINVALID: invalid format"),
            "\(awscli2)")
        #expect(ours2 == awscli2)

        // A generation time with no published key an hour either side, and one that is no time.
        for (generated, line) in [
            ("2040-01-01T00:00:00Z", "INVALID: No public keys found between 2039-12-31T23:00:00Z and 2040-01-01T01:00:00Z"),
            ("yesterday", "INVALID: Unable to parse date value: yesterday"),
        ] {
            metadata["backfill-generation-timestamp"] = generated
            try await store.putObject(object, bytes: try await store.getObject(object).bytes, metadata: metadata, overwrite: true)
            let (ours3, awscli3) = try trail.validateWithBoth(verbose: false)
            #expect(
                awscli3.status == 1 && awscli3.standardError.contains("(backfill) Digest file\ts3://\(trail.bucket)/\(object.key)\t\(line)"),
                "\(awscli3)")
            #expect(ours3 == awscli3)
        }
    }
}

@Suite("Signatures that are not hex")
struct SignatureTextParityTests {
    // (S3 metadata is ASCII: a non-ASCII value never reaches aws-cli as it was stored.)
    @Test(
        "A 0x-prefixed or odd-length signature prints Python's unhexlify error, as aws-cli does",
        arguments: [
            ("0x", "Non-hexadecimal digit found"), ("a", "Odd-length string"),
        ])
    func signatureNotHex(_ prefix: String, _ message: String) async throws {
        let folder = try TestEnvironment.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let trail = try ScenarioTrail.make(in: folder)
        let key = trail.digest(endingAt: 2)
        var metadata = try await trail.localStore.getObject(trail.object(key)).metadata
        metadata["signature"] = prefix + metadata["signature"]!
        try await trail.localStore.putObject(
            trail.object(key), bytes: try await trail.localStore.getObject(trail.object(key)).bytes, metadata: metadata, overwrite: true)
        let (ours, awscli) = try trail.validateWithBoth(verbose: true)
        #expect(awscli.status == 1 && awscli.standardError.contains("\(key)\tINVALID: \(message)"), "\(awscli)")
        #expect(ours == awscli)
        let full = try trail.validateFull()
        #expect(full.status == 1 && full.standardError.contains("\(key)\tINVALID: \(message)"), "\(full)")
    }
}

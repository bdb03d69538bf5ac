import Foundation
import Testing

@testable import TrailProof

/// What someone with write access to the bucket (and, where said, the signing key) can try:
/// none of it may pass as valid, hang the run, or exhaust memory.
@Suite("A hostile bucket")
struct HostileBucketTests {
    private var location: TrailLocation {
        get throws {
            try TrailLocation(
                bucket: "audit-bucket", prefix: ScenarioTrail.prefix, organizationID: nil, accountID: ScenarioTrail.accountID,
                region: ScenarioTrail.region)
        }
    }

    private func locationArguments(_ trail: ScenarioTrail) -> [String] {
        [
            "--store", trail.store, "--bucket", trail.bucket, "--prefix", ScenarioTrail.prefix, "--account-id", ScenarioTrail.accountID,
            "--region", ScenarioTrail.region,
        ]
    }

    /// Delivers one sample log at `time` with the command line and returns its key.
    private func deliver(_ trail: ScenarioTrail, at time: String) throws -> String {
        let document = SampleTrail.sampleLog(at: Timestamp(iso8601: time)!.adding(seconds: -60), user: "late")
        let lines = try trailproofLines(["deliver"] + locationArguments(trail) + ["--at", time, "-"], input: Data(document))
        return String(lines[0].dropFirst("s3://\(trail.bucket)/".count))
    }

    private func digest(_ trail: ScenarioTrail, until: String) throws -> ProcessResult {
        try trailproof(
            ["digest"] + locationArguments(trail) + ["--trail-name", ScenarioTrail.trailName, "--keyring", trail.keyring, "--until", until],
            timeout: 120)
    }

    @Test("The newest digest deleted and a log of its hour edited, --end-time at its end: INVALID, the log UNVERIFIED")
    func tailDeletedInsideTheGrace() async throws {
        try await ScenarioTrail.with { trail in
            let log = try deliver(trail, at: "2026-01-01T08:10:00Z")
            #expect(try digest(trail, until: "2026-01-01T09:00:00Z").status == 0)
            let newest = trail.digest(endingAt: 8).replacingOccurrences(of: "T080000Z", with: "T090000Z")
            try trail.remove(newest)
            let edited = SampleTrail.sampleLog(at: Timestamp(iso8601: "2026-01-01T08:05:00Z")!, user: "mallory")
            try await trail.localStore.putObject(trail.object(log), bytes: try Gzip.compress(edited), metadata: [:], overwrite: true)
            let result = try trail.validateFull(end: "2026-01-01T09:00:00Z")
            #expect(result.status == 1, "\(result)")
            #expect(
                result.standardError.contains(
                    "\(newest)\tINVALID: not found: no digest covers 2026-01-01T08:00:00Z to 2026-01-01T09:00:00Z; the next digest was due by 2026-01-01T10:00:00Z"
                ), "\(result)")
            #expect(
                result.standardError.contains(
                    "\(log)\tUNVERIFIED: no valid digest covers its delivery time 2026-01-01T08:10:00Z: its digest is overdue"), "\(result)")
            #expect(result.standardOutput.contains("1/1 log files UNVERIFIED") || result.standardOutput.contains("log files UNVERIFIED"), "\(result)")
        }
    }

    @Test("By the clock: a log of the current hour is UNVERIFIED as not yet due; once its digest is overdue, the tail is INVALID")
    func notYetDueThenOverdue() async throws {
        try await ScenarioTrail.with { trail in
            let log = try deliver(trail, at: "2026-01-01T08:20:00Z")
            var request = try ValidationRequest(
                trail: try TrailARN(ScenarioTrail.trailARN), startTime: Timestamp(iso8601: ScenarioTrail.start)!,
                endTime: Timestamp(iso8601: "2026-01-01T08:30:00Z")!, bucket: trail.bucket, prefix: ScenarioTrail.prefix)
            let keys = try PublicKeyList(contentsOfFile: trail.publicKeys)
            for (now, expected) in [
                (
                    "2026-01-01T08:40:00Z",
                    "no digest covers its delivery time 2026-01-01T08:20:00Z yet: its digest is not yet due (due by 2026-01-01T10:20:00Z)"
                ),
                (
                    "2026-01-01T10:30:00Z",
                    "no valid digest covers its delivery time 2026-01-01T08:20:00Z: its digest is overdue (due by 2026-01-01T10:20:00Z)"
                ),
            ] {
                request.now = Timestamp(iso8601: now)!
                var events: [ValidationEvent] = []
                let summary = try await TrailValidator(store: try trail.localStore, publicKeys: keys, request: request).validate { events.append($0) }
                #expect(
                    events.contains(.log(location: trail.object(log), verdict: .unverified(Finding(.noValidDigest, expected)))), "\(now): \(events)")
                let truncated = events.contains { event in
                    if case .digest(_, _, .invalid(let finding)) = event { return finding.code == .tailTruncated }
                    return false
                }
                // Not yet due: nothing is INVALID, the run is not established (exit 4); overdue: the missing digest is INVALID.
                #expect(truncated == (now == "2026-01-01T10:30:00Z"), "\(now): \(events)")
                #expect(summary.outcome == (truncated ? .invalid : .notEstablished), "\(now): \(summary)")
            }
        }
    }

    @Test("A chain's last digest deleted before a restart: the hour whose logs it listed is reported as a lost digest")
    func lastDigestBeforeRestartDeleted() async throws {
        try await ScenarioTrail.with { trail in
            try trail.remove(trail.digest(endingAt: 4))
            let result = try trail.validateFull()
            #expect(result.status == 1, "\(result)")
            #expect(
                result.standardError.contains(
                    "\(trail.digest(endingAt: 4))\tINVALID: not found: no digest covers the log files delivered between 2026-01-01T03:00:00Z and 2026-01-01T04:00:00Z"
                ), "\(result)")
            for log in trail.logs[3]! {
                #expect(result.standardError.contains("\(log)\tUNVERIFIED: no valid digest covers its delivery time"), "\(result)")
            }
        }
    }

    @Test("Nothing found is never success: a wrong prefix exits 5 naming what was listed; aws-cli mode keeps aws-cli's 0")
    func nothingFound() async throws {
        try await ScenarioTrail.with { trail in
            let arguments = [
                "validate-logs", "--store", trail.store, "--public-keys", trail.publicKeys, "--trail-arn", ScenarioTrail.trailARN,
                "--start-time", ScenarioTrail.start, "--end-time", ScenarioTrail.end, "--s3-bucket", trail.bucket,
            ]
            let wrong = try trailproof(arguments + ["--s3-prefix", "team/audti"])
            #expect(wrong.status == 5, "\(wrong)")
            #expect(wrong.standardOutput.contains("No digests found"), "\(wrong)")
            #expect(
                wrong.standardError.contains(
                    "nothing was validated: no digest of trail main-trail (home region us-east-1) was found under s3://audit-bucket/team/audti/AWSLogs/123456789012/CloudTrail-Digest/us-east-1/"
                ), "\(wrong)")
            let awscliMode = try trailproof(arguments + ["--s3-prefix", "team/audti", "--checks", "aws-cli"])
            #expect(awscliMode.status == 0, "\(awscliMode)")
            // An empty prefix is no prefix: the listing is of AWSLogs/, not /AWSLogs/.
            let empty = try trailproof(arguments + ["--s3-prefix", "", "--all-accounts"])
            #expect(empty.status == 5, "\(empty)")
            #expect(empty.standardError.contains("found under s3://audit-bucket/AWSLogs/ for"), "\(empty)")
            let found = try trailproof(arguments + ["--s3-prefix", "team/audit/", "--all-accounts"])
            #expect(found.status == 0, "\(found)")
        }
    }

    @Test("An empty --s3-prefix finds a trail delivered at the bucket's root")
    func emptyPrefixIsNoPrefix() async throws {
        let folder = try TestEnvironment.temporaryFolder("rootprefix")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = folder.appendingPathComponent("store").path
        let keyring = folder.appendingPathComponent("keyring").path
        let location = ["--store", store, "--bucket", "root-bucket", "--account-id", "123456789012", "--region", "us-east-1"]
        _ = try trailproofLines(["keys", "generate", "--keyring", keyring, "--valid-from", "2025-12-31T00:00:00Z"])
        let document = SampleTrail.sampleLog(at: Timestamp(iso8601: "2026-01-01T00:05:00Z")!, user: "root")
        _ = try trailproofLines(["deliver"] + location + ["--at", "2026-01-01T00:10:00Z", "-"], input: Data(document))
        _ = try trailproofLines(["digest"] + location + ["--trail-name", "root-trail", "--keyring", keyring, "--until", "2026-01-01T01:00:00Z"])
        for extra in [["--s3-prefix", ""], ["--s3-prefix", "", "--all-accounts"], ["--s3-prefix", "", "--all-regions"]] {
            let result = try trailproof(
                [
                    "validate-logs", "--store", store, "--public-keys", keyring + "/public-keys.json", "--trail-arn",
                    "arn:aws:cloudtrail:us-east-1:123456789012:trail/root-trail", "--start-time", "2026-01-01T00:00:00Z", "--end-time",
                    "2026-01-01T01:00:00Z", "--s3-bucket", "root-bucket",
                ] + extra)
            #expect(result.status == 0 && result.standardOutput.contains("1/1 digest files valid"), "\(extra)\n\(result)")
        }
    }

    @Test("Named pipes at a log, a digest and a metadata file are refused at once, never waited on")
    func namedPipes() async throws {
        try await ScenarioTrail.with { trail in
            let log = trail.logs[0]![0]
            try trail.remove(log)
            #expect(mkfifo(trail.objectPath(log), 0o644) == 0)
            try trail.remove(trail.digest(endingAt: 2))
            #expect(mkfifo(trail.objectPath(trail.digest(endingAt: 2)), 0o644) == 0)
            try FileManager.default.removeItem(atPath: trail.metadataPath(trail.digest(endingAt: 3)))
            #expect(mkfifo(trail.metadataPath(trail.digest(endingAt: 3)), 0o644) == 0)
            let result = try trail.validateFull(timeoutSeconds: 60)
            #expect(!result.timedOut && result.status == 4, "\(result)")
            #expect(result.standardError.contains("\(log)\tUNREADABLE: s3://\(trail.bucket)/\(log) in local store"), "\(result)")
            #expect(result.standardError.contains("is a named pipe, not a regular file; refusing to read it"), "\(result)")
            #expect(result.standardError.contains("\(trail.digest(endingAt: 2))\tUNREADABLE: "), "\(result)")
            #expect(result.standardError.contains("\(trail.digest(endingAt: 3))\tUNREADABLE: metadata of "), "\(result)")
            #expect(!result.standardError.contains("\tINVALID"), "\(result)")
        }
    }

    @Test("A named pipe at a log key stops digest production with its name; nothing is signed")
    func namedPipeUnderTheProducer() async throws {
        try await ScenarioTrail.with { trail in
            let log = try deliver(trail, at: "2026-01-01T08:20:00Z")
            try trail.remove(log)
            #expect(mkfifo(trail.objectPath(log), 0o644) == 0)
            let result = try digest(trail, until: "2026-01-01T09:00:00Z")
            #expect(!result.timedOut && result.status == 3, "\(result)")
            #expect(result.standardError.contains("\(log) in local store") && result.standardError.contains("is a named pipe"), "\(result)")
            #expect(
                !FileManager.default.fileExists(
                    atPath: trail.objectPath(trail.digest(endingAt: 8).replacingOccurrences(of: "T080000Z", with: "T090000Z"))))
        }
    }

    /// Writes gzip(`head` + `count` bytes of the byte `filler` + `tail`) to `path`, streaming.
    private func writeBomb(_ path: String, head: String = "", filler: UInt8, count: Int, tail: String = "") throws {
        let script = """
            import sys, zlib
            path, head, filler, count, tail = sys.argv[1], sys.argv[2].encode(), bytes([int(sys.argv[3])]), int(sys.argv[4]), sys.argv[5].encode()
            c = zlib.compressobj(9, zlib.DEFLATED, 31)
            chunk = filler * (1 << 20)
            with open(path, "wb") as f:
                f.write(c.compress(head))
                for _ in range(count >> 20):
                    f.write(c.compress(chunk))
                f.write(c.compress(tail))
                f.write(c.flush())
            """
        let result = try run("python3", ["-c", script, path, head, String(filler), String(count), tail])
        try #require(result.status == 0, "\(result)")
        let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int
        try #require(size < 2 << 20, "a bomb is small: \(size) bytes")
    }

    /// Runs trailproof under `/usr/bin/time -v` and returns its result and peak RSS in KB.
    private func measured(_ arguments: [String]) throws -> (ProcessResult, Int) {
        let result = try run("/usr/bin/time", ["-v", TestEnvironment.executable] + arguments, timeout: 300)
        let line = result.standardError.split(separator: "\n").first { $0.contains("Maximum resident set size (kbytes)") }
        let kilobytes = line.flatMap { Int($0.split(separator: ":").last!.trimmingCharacters(in: .whitespaces)) } ?? Int.max
        return (result, kilobytes)
    }

    @Test("A 1 GiB digest bomb and a 1 GiB log bomb: refused or hashed in bounded memory (peak RSS under 100 MB)")
    func decompressionBombs() async throws {
        try await ScenarioTrail.with { trail in
            // A digest that inflates to 1 GiB, keeping its signature metadata.
            try writeBomb(trail.objectPath(trail.digest(endingAt: 2)), filler: 0, count: 1 << 30)
            // A log that inflates to 1 GiB: hashed as a stream, it cannot match.
            try writeBomb(trail.objectPath(trail.logs[3]![0]), filler: 0, count: 1 << 30)
            let (validation, validationKB) = try measured(["validate-logs", "--store", trail.store] + trail.validationArguments(verbose: false))
            #expect(validation.status == 1, "\(validation)")
            #expect(
                validation.standardError.contains(
                    "\(trail.digest(endingAt: 2))\tINVALID: invalid format"), "\(validation)")
            #expect(validation.standardError.contains("\(trail.logs[3]![0])\tINVALID: hash value doesn't match"), "\(validation)")
            #expect(validationKB < 100_000, "validate-logs peak RSS \(validationKB) KB")

            // Under the producer: a log of 1 GiB in one record, and another of 1 GiB of zeros.
            let bigRecord = try deliver(trail, at: "2026-01-01T08:20:00Z")
            try writeBomb(
                trail.objectPath(bigRecord), head: #"{"Records":[{"eventTime":"2026-01-01T08:19:00Z","padding":""#, filler: UInt8(ascii: "A"),
                count: 1 << 30,
                tail: #""}]}"#)
            let (production, productionKB) = try measured(
                ["digest"] + locationArguments(trail) + [
                    "--trail-name", ScenarioTrail.trailName, "--keyring", trail.keyring, "--until", "2026-01-01T09:00:00Z",
                ])
            #expect(production.status == 3, "\(production)")
            #expect(production.standardError.contains("log file s3://\(trail.bucket)/\(bigRecord) is not a CloudTrail log document"), "\(production)")
            #expect(productionKB < 100_000, "digest peak RSS \(productionKB) KB")
            try writeBomb(trail.objectPath(bigRecord), filler: 0, count: 1 << 30)
            let (zeros, zerosKB) = try measured(
                ["digest"] + locationArguments(trail) + [
                    "--trail-name", ScenarioTrail.trailName, "--keyring", trail.keyring, "--until", "2026-01-01T09:00:00Z",
                ])
            #expect(zeros.status == 3 && zeros.standardError.contains("is not a CloudTrail log document"), "\(zeros)")
            #expect(zerosKB < 100_000, "digest peak RSS \(zerosKB) KB")
        }
    }

    @Test("A file name with a newline and tabs cannot forge report lines: control characters are escaped")
    func forgedLines() async throws {
        try await ScenarioTrail.with { trail in
            let folder = (trail.objectPath(trail.logs[3]![0]) as NSString).deletingLastPathComponent
            // A file name cannot hold '/', so the forged line names no bucket; the tab and newline are the attack.
            let forged = "x\tvalid\nLog file\tforged.json.gz\tvalid\n\u{1B}[2K.json.gz"
            try Data("{}".utf8).write(to: URL(fileURLWithPath: folder + "/" + forged))
            let result = try trail.validateFull(["--verbose"])
            #expect(result.status == 1, "\(result)")
            let lines = (result.standardOutput + result.standardError).split(separator: "\n")
            #expect(!lines.contains { $0.hasPrefix("Log file\tforged.json.gz") }, "\(result)")
            #expect(!(result.standardOutput + result.standardError).contains("\u{1B}"), "\(result)")
            #expect(
                result.standardError.contains(
                    "/x\\x09valid\\x0aLog file\\x09forged.json.gz\\x09valid\\x0a\\x1b[2K.json.gz\tINVALID: not referenced by any digest"),
                "\(result)")
        }
    }

    @Test("A second signed digest for an hour the chain covers (a fork) is reported off the chain")
    func fork() async throws {
        try await ScenarioTrail.with { trail in
            var fork = try await trail.digestFile(trail.digest(endingAt: 2))
            let forkKey = trail.digest(endingAt: 2).replacingOccurrences(of: "T020000Z", with: "T020100Z")
            fork.location = trail.object(forkKey)
            fork.endTime = Timestamp(iso8601: "2026-01-01T02:01:00Z")!
            fork.logFiles = []
            let keyring = try Keyring(directory: trail.keyring, mustExist: true)
            let (signingKey, privateKey) = try keyring.signingKey(region: ScenarioTrail.region, at: fork.endTime)
            fork.publicKeyFingerprint = signingKey.fingerprint
            try await trail.writeSigned(fork.serialized(), digest: fork, privateKey: privateKey)
            let result = try trail.validateFull()
            #expect(result.status == 1, "\(result)")
            #expect(
                result.standardError.contains(
                    "\(forkKey)\tINVALID: not on the chain: no digest links to it and the walk back passed its time"), "\(result)")
            #expect(result.standardOutput.contains("6/7 digest files valid, 1/7 digest files INVALID"), "\(result)")
        }
    }

    @Test("A digest whose digestEndTime is not the time in its name, re-signed, is INVALID")
    func bodyTimeDisagreesWithKey() async throws {
        try await ScenarioTrail.with { trail in
            try await trail.resign(trail.digest(endingAt: 8)) { $0.endTime = Timestamp(iso8601: "2026-01-01T08:00:30Z")! }
            let result = try trail.validateFull()
            #expect(result.status == 1, "\(result)")
            #expect(
                result.standardError.contains(
                    "\(trail.digest(endingAt: 8))\tINVALID: digestEndTime 2026-01-01T08:00:30Z is not the time 2026-01-01T08:00:00Z in its object name"
                ), "\(result)")
        }
    }

    @Test("A log listed by a digest whose window is hours from the log's delivery time is INVALID, though its hash matches")
    func logListedFarFromItsWindow() async throws {
        try await ScenarioTrail.with { trail in
            let early = try await trail.digestFile(trail.digest(endingAt: 1)).logFiles[0]
            try await trail.resign(trail.digest(endingAt: 8)) {
                $0.logFiles = [early]
                $0.newestEventTime = early.newestEventTime
                $0.oldestEventTime = early.oldestEventTime
            }
            let result = try trail.validateFull()
            #expect(result.status == 1, "\(result)")
            #expect(
                result.standardError.contains(
                    "Log file\ts3://\(trail.bucket)/\(early.location.key)\tINVALID: listed by s3://\(trail.bucket)/\(trail.digest(endingAt: 8)) whose window 2026-01-01T07:00:00Z to 2026-01-01T08:00:00Z is more than an hour from its delivery time 2026-01-01T00:05:00Z"
                ), "\(result)")
        }
    }

    @Test("A public key list with an out-of-range epoch time is a clear error, not a crash")
    func outOfRangeKeyTime() async throws {
        try await ScenarioTrail.with { trail in
            let text = try String(contentsOfFile: trail.publicKeys, encoding: .utf8)
            let edited = text.replacingOccurrences(
                of: #""ValidityStartTime": "2025-12-31T00:00:00Z""#, with: #""ValidityStartTime": 1e19"#)
            #expect(edited != text, "the key list's layout changed: \(text.prefix(300))")
            let path = trail.folder.appendingPathComponent("keys-1e19.json").path
            try edited.write(toFile: path, atomically: true, encoding: .utf8)
            let result = try trailproof(
                ["validate-logs", "--store", trail.store] + trail.validationArguments(verbose: false).map { $0 == trail.publicKeys ? path : $0 })
            #expect(result.status == 3, "\(result)")
            #expect(result.standardError.contains("entry 0 has no readable ValidityStartTime and ValidityEndTime"), "\(result)")
        }
    }

    @Test("An invalid bucket or trail name is a usage error (exit 2)")
    func invalidNamesAreUsageErrors() async throws {
        for (bucket, arn) in [
            ("b", "arn:aws:cloudtrail:us-east-1:123456789012:trail/main"), ("bucket", "arn:aws:cloudtrail:us-east-1:123456789012:trail/a b"),
        ] {
            let result = try trailproof([
                "validate-logs", "--store", "/tmp", "--public-keys", "/nonexistent", "--trail-arn", arn, "--start-time",
                "2026-01-01T00:00:00Z", "--s3-bucket", bucket,
            ])
            #expect(result.status == 2, "\(bucket) \(arn): \(result)")
        }
    }
}

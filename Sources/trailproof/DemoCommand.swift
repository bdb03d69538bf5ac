import ArgumentParser
import FoundationEssentials
import TrailProof

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Make a sample trail, validate it, tamper with a log and a digest, and show what is caught.",
        discussion: "Works in a temporary folder, removed at the end unless --keep is given."
    )

    @Flag(help: "Keep the temporary store and keyring and print where they are.")
    var keep = false

    func run() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("trailproof-demo-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer {
            if keep {
                Console.output("The sample store and keyring are kept in \(folder)\n")
            } else {
                try? FileManager.default.removeItem(atPath: folder)
            }
        }
        let store = try LocalStore.create(root: folder + "/store")
        Console.output("== Making a sample trail: \(SampleTrail.hours) hours, 2 log files an hour, a signed digest an hour\n")
        let sample = try await SampleTrail.make(store: store, keyringDirectory: folder + "/keyring")
        Console.output("   \(sample.logs.count) log files and \(sample.digests.count) digests in \(store.root)\n\n")

        Console.output("== 1. Validating the untouched trail\n")
        let clean = try await validate(store: store, sample: sample)

        let tamperedLog = sample.logs[1]
        let tamperedDigest = sample.digests[1]
        Console.output("== 2. Tampering: rewriting an event in \(tamperedLog.uri)\n")
        Console.output("                 and editing \(tamperedDigest.uri) (its signature kept)\n\n")
        let forged = SampleTrail.sampleLog(at: SampleTrail.firstHour.adding(seconds: 300), user: "mallory")
        try await store.putObject(tamperedLog, bytes: try Gzip.compress(forged), metadata: [:], overwrite: true)
        let original = try await store.getObject(tamperedDigest)
        var edited = try GzipInflater.decompressWhole(original.bytes)
        edited = Array(String(decoding: edited, as: UTF8.self).replacing("\"logFiles\":[", with: "\"logFiles\":[ ").utf8)
        try await store.putObject(tamperedDigest, bytes: try Gzip.compress(edited), metadata: original.metadata, overwrite: true)

        Console.output("== 3. Validating again\n")
        let tampered = try await validate(store: store, sample: sample)

        guard clean.isValid, !tampered.isValid, tampered.invalidLogs >= 1, tampered.invalidDigests >= 1 else {
            throw TrailProofError(.invalidInput, "the demo did not behave as expected; please report this")
        }
        Console.output(
            """
            == Caught: \(tampered.invalidDigests) digest and \(tampered.invalidLogs) log file INVALID, and the \
            \(tampered.unverifiedLogs) log files the edited digest listed are UNVERIFIED (no valid digest \
            vouches for them any more); validate-logs exits 1 on such a trail, 0 on the untouched one.\n
            """)
    }

    private func validate(store: LocalStore, sample: SampleTrail) async throws -> ValidationSummary {
        let request = try ValidationRequest(
            trail: SampleTrail.trailARN, startTime: SampleTrail.firstHour, endTime: SampleTrail.lastHourEnd,
            bucket: SampleTrail.bucket)
        Console.output("$ trailproof validate-logs --store STORE --public-keys KEYRING/public-keys.json --verbose \\\n")
        Console.output("    --trail-arn \(SampleTrail.trailARN) --s3-bucket \(SampleTrail.bucket) \\\n")
        Console.output("    --start-time \(SampleTrail.firstHour) --end-time \(SampleTrail.lastHourEnd)\n")
        var report = TextReport(output: TextReport.Output(standardOutput: Console.output, standardError: Console.output), verbose: true)
        report.writeStart(trail: SampleTrail.trailARN, start: request.startTime, end: request.endTime)
        let summary = try await TrailValidator(store: store, publicKeys: sample.keyring.publicKeyList, request: request)
            .validate { report.write($0) }
        report.writeSummary(summary)
        Console.output("(exit status \(ValidateLogsCommand.exitStatus(summary.outcome, checks: request.checks)))\n\n")
        return summary
    }
}

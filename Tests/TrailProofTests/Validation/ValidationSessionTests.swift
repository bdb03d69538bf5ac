import Foundation
import Testing

@testable import TrailProof

/// The library's one entry point for a run, in process: chains found, events per chain, anchors.
@Suite("Validation session")
struct ValidationSessionTests {
    private func request(_ trail: ScenarioTrail, prefix: String = ScenarioTrail.prefix) throws -> ValidationRequest {
        try ValidationRequest(
            trail: try TrailARN(ScenarioTrail.trailARN), startTime: Timestamp(iso8601: ScenarioTrail.start)!,
            endTime: Timestamp(iso8601: ScenarioTrail.end)!, bucket: trail.bucket, prefix: prefix)
    }

    @Test("One chain: every event reaches the caller with its chain, and the totals are the validator's")
    func oneChain() async throws {
        try await ScenarioTrail.with { trail in
            let keys = try PublicKeyList(contentsOfFile: trail.publicKeys)
            let session = ValidationSession(store: try trail.localStore, publicKeys: keys, request: try request(trail))
            var events: [(ChainID, ValidationEvent)] = []
            let result = try await session.run { events.append(($0, $1)) }
            let chain = ChainID(accountID: ScenarioTrail.accountID, region: ScenarioTrail.region)
            #expect(result.chains.map(\.chain) == [chain])
            #expect(events.allSatisfy { $0.0 == chain })
            #expect(result.summary.outcome == .valid && result.summary.validDigests == 6 && result.summary.validLogs == 7, "\(result.summary)")
            let alone = try await TrailValidator(store: try trail.localStore, publicKeys: keys, request: try request(trail)).validate()
            #expect(alone == result.chains[0].summary)
        }
    }

    @Test("A state's anchor advances after a valid run and must be reached by the next; a rollback is INVALID")
    func anchors() async throws {
        try await ScenarioTrail.with { trail in
            let keys = try PublicKeyList(contentsOfFile: trail.publicKeys)
            let first = try await ValidationSession(
                store: try trail.localStore, publicKeys: keys, request: try request(trail), state: ValidationState()
            ).run()
            let state = try #require(first.state)
            #expect(state.anchors.map(\.location.key) == [trail.digest(endingAt: 8)])
            try trail.remove(trail.digest(endingAt: 8))
            var events: [ValidationEvent] = []
            let second = try await ValidationSession(store: try trail.localStore, publicKeys: keys, request: try request(trail), state: state)
                .run { events.append($1) }
            #expect(second.summary.outcome == .invalid)
            #expect(
                events.contains { event in
                    if case .digest(_, _, .invalid(let finding)) = event { return finding.code == .anchorNotReached }
                    return false
                }, "\(events)")
            #expect(second.state == state, "a failed run does not move the anchor")
        }
    }

    @Test("Nothing under a wrong prefix: no chain is found, the outcome is nothing-found and the listed prefix is named")
    func nothingFound() async throws {
        try await ScenarioTrail.with { trail in
            let keys = try PublicKeyList(contentsOfFile: trail.publicKeys)
            for scope in [ValidationSession.Scope.allRegions, .allAccounts, .allAccountsAndRegions] {
                let result = try await ValidationSession(
                    store: try trail.localStore, publicKeys: keys, request: try request(trail, prefix: "elsewhere"), scope: scope
                ).run()
                #expect(result.chains.isEmpty && result.summary.outcome == .nothingFound, "\(scope)")
                #expect(result.listedPrefix.hasPrefix("elsewhere/AWSLogs/"), "\(scope): \(result.listedPrefix)")
            }
            let found = try await ValidationSession(
                store: try trail.localStore, publicKeys: keys, request: try request(trail), scope: .allAccountsAndRegions
            ).run()
            #expect(found.chains.map(\.chain) == [ChainID(accountID: ScenarioTrail.accountID, region: ScenarioTrail.region)])
        }
    }

    @Test("Several chains validated at once report exactly what one at a time reports, in chain order")
    func chainsInParallel() async throws {
        try await ScenarioTrail.with { trail in
            // Three more regions, each with a chain of its own; one has a tampered log.
            var tampered = ""
            for (index, region) in ["ap-south-1", "eu-west-1", "sa-east-1"].enumerated() {
                let location = [
                    "--store", trail.store, "--bucket", trail.bucket, "--prefix", ScenarioTrail.prefix, "--account-id", ScenarioTrail.accountID,
                    "--region", region,
                ]
                for hour in 0..<3 {
                    let time = String(format: "2026-01-01T%02d:%02d:00Z", hour, 10 + index)
                    let document = SampleTrail.sampleLog(at: Timestamp(iso8601: time)!.adding(seconds: -60), user: region)
                    let key = try trailproofLines(["deliver"] + location + ["--at", time, "-"], input: Data(document))[0]
                    if region == "eu-west-1" && hour == 1 { tampered = String(key.dropFirst("s3://\(trail.bucket)/".count)) }
                }
                _ = try trailproofLines(
                    ["digest"] + location + [
                        "--trail-name", ScenarioTrail.trailName, "--home-region", ScenarioTrail.region, "--keyring", trail.keyring, "--until",
                        "2026-01-01T08:00:00Z",
                    ])
            }
            let forged = SampleTrail.sampleLog(at: Timestamp(iso8601: "2026-01-01T01:05:00Z")!, user: "mallory")
            try await trail.localStore.putObject(trail.object(tampered), bytes: try Gzip.compress(forged), metadata: [:], overwrite: true)
            let keys = try PublicKeyList(contentsOfFile: trail.publicKeys)
            var reports: [[String]] = []
            for parallel in [1, 2, 4] {
                var session = ValidationSession(store: try trail.localStore, publicKeys: keys, request: try request(trail), scope: .allRegions)
                session.concurrentChains = parallel
                var lines: [String] = []
                let result = try await session.run { chain, event in lines.append("\(chain) \(event)") }
                #expect(result.chains.map(\.chain.region) == ["ap-south-1", "eu-west-1", "sa-east-1", "us-east-1"])
                #expect(result.summary.outcome == .invalid && result.summary.invalidLogs == 1, "\(result.summary)")
                reports.append(lines)
            }
            #expect(reports[0].count > 20)
            #expect(reports[1] == reports[0] && reports[2] == reports[0])
        }
    }
}

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
}

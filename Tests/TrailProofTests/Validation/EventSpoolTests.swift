import Testing

@testable import TrailProof

@Suite("Event spool")
struct EventSpoolTests {
    @Test("Every kind of event and verdict comes back as it went in, hostile keys and messages included")
    func roundTrip() throws {
        let odd = ObjectLocation(bucket: "b-1", key: "AWSLogs/x\n\"\\\u{1b}[31m\u{202e}é\u{0}/ключ.json.gz")
        let events: [ValidationEvent] = [
            .digest(location: odd, isBackfill: false, verdict: .valid),
            .digest(location: odd, isBackfill: true, verdict: .invalid(Finding(.signatureVerificationFailed, "signature verification failed"))),
            .log(location: ObjectLocation(bucket: "b-1", key: "k"), verdict: .valid),
            .log(location: odd, verdict: .unverified(Finding(.noValidDigest, "no valid digest\ncovers it", detail: "d\t\"e\""))),
            .log(location: odd, verdict: .unreadable(Finding(.readFailure, "cannot read", detail: nil))),
            .gap(from: Timestamp(secondsSinceEpoch: 1_767_225_600), to: Timestamp(secondsSinceEpoch: 1_767_229_200), isBackfill: true),
        ]
        let spool = try EventSpool()
        for _ in 0..<3_000 { for event in events { try spool.append(event) } }
        var back: [ValidationEvent] = []
        try spool.replay { back.append($0) }
        #expect(spool.count == events.count * 3_000 && back.count == spool.count)
        for (index, event) in back.enumerated() where event != events[index % events.count] {
            Issue.record("event \(index) came back as \(event)")
            break
        }
    }
}

import Foundation
import Testing

@testable import TrailProof

/// The spooled machine report, in process.
@Suite("Machine report")
struct ValidationReportTests {
    @Test("Chains recorded one after another come out in chain order, with their records and totals; interleaved chains are refused")
    func spooledChains() throws {
        let start = Timestamp(year: 2026, month: 1, day: 1)
        let report = try ValidationReport(
            trail: try TrailARN("arn:aws:cloudtrail:us-east-1:111122223333:trail/t-1"), startTime: start, endTime: start.adding(seconds: 3600),
            bucket: "bkt", prefix: nil, organizationID: nil, checks: .full)
        let west = ChainID(accountID: "111122223333", region: "us-west-2")
        let east = ChainID(accountID: "111122223333", region: "us-east-1")
        let log = ObjectLocation(bucket: "bkt", key: "a/log\u{e9}\n.json.gz")
        try report.record(.log(location: log, verdict: .invalid(Finding(.hashMismatch, "hash value doesn't match"))), chain: west)
        try report.record(.digest(location: ObjectLocation(bucket: "bkt", key: "d"), isBackfill: false, verdict: .valid), chain: west)
        try report.record(.gap(from: start, to: start.adding(seconds: 60), isBackfill: false), chain: east)
        #expect(throws: TrailProofError(.invalidArgument, "")) {
            try report.record(.digest(location: ObjectLocation(bucket: "bkt", key: "e"), isBackfill: false, verdict: .valid), chain: west)
        }
        var summary = ValidationSummary(requestedStart: start, requestedEnd: start.adding(seconds: 3600))
        summary.invalidLogs = 1
        report.finish(chain: west, summary: summary)
        report.finish(chain: east, summary: ValidationSummary(requestedStart: start, requestedEnd: start.adding(seconds: 3600)))
        let parsed = try JSONSerialization.jsonObject(with: Data(try report.json())) as! [String: Any]
        let chains = parsed["chains"] as! [[String: Any]]
        #expect(chains.map { $0["region"] as! String } == ["us-east-1", "us-west-2"])
        #expect((chains[0]["gaps"] as! [Any]).count == 1 && (chains[0]["logs"] as! [Any]).isEmpty)
        let logs = chains[1]["logs"] as! [[String: Any]]
        #expect(logs.count == 1 && logs[0]["key"] as? String == log.key && logs[0]["reason"] as? String == "hash-mismatch")
        #expect(((parsed["summary"] as! [String: Any])["result"] as? String) == "invalid")
        let junit = String(decoding: try report.junit(), as: UTF8.self)
        #expect(junit.contains(#"tests="2" failures="1""#) && junit.contains("type=\"hash-mismatch\""), "\(junit)")
    }
}

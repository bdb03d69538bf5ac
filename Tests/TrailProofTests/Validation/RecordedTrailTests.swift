import Foundation
import Testing

@testable import TrailProof

/// The trails in testdata/ with aws-cli's recorded answers (made by testdata/make-testdata.sh).
@Suite("Recorded trails in testdata/")
struct RecordedTrailTests {
    static let cases: [String] = {
        let folder = TestEnvironment.repositoryRoot.appendingPathComponent("testdata")
        return ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter {
            FileManager.default.fileExists(atPath: folder.appendingPathComponent("\($0)/arguments").path)
        }.sorted()
    }()

    struct Recorded {
        let store: String
        let arguments: [String]
        let expected: ProcessResult

        init(_ name: String) throws {
            let folder = TestEnvironment.repositoryRoot.appendingPathComponent("testdata/\(name)")
            func text(_ file: String) throws -> String { try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8) }
            store = folder.appendingPathComponent("store").path
            let keys = TestEnvironment.repositoryRoot.appendingPathComponent("keys/test-keyring/public-keys.json").path
            arguments = try text("arguments").split(separator: "\n").map { $0 == "KEYS" ? keys : String($0) }
            expected = ProcessResult(
                status: Int32(try text("expected.status").trimmingCharacters(in: .whitespacesAndNewlines))!,
                standardOutput: try text("expected.stdout"), standardError: try text("expected.stderr"))
        }
    }

    @Test("There are recorded cases, valid and tampered")
    func casesExist() {
        #expect(Self.cases.contains("valid") && Self.cases.count >= 5, "\(Self.cases)")
    }

    @Test("trailproof prints aws-cli's recorded answer; the full checks print at least its lines", arguments: cases)
    func matchesRecording(_ name: String) throws {
        let recorded = try Recorded(name)
        let ours = try trailproof(["validate-logs", "--store", recorded.store, "--checks", "aws-cli"] + recorded.arguments)
        #expect(ours == recorded.expected)
        let full = try trailproof(["validate-logs", "--store", recorded.store] + recorded.arguments)
        let expectedLines = objectLines(recorded.expected.standardOutput + recorded.expected.standardError)
        #expect(expectedLines.isSubset(of: objectLines(full.standardOutput + full.standardError)), "\(full)")
        #expect(full.status == recorded.expected.status, "\(full)")
    }

    @Test("The recording is still what the real aws-cli answers", arguments: cases)
    func recordingIsCurrent(_ name: String) throws {
        let recorded = try Recorded(name)
        let awscli = try run("python3", [TestEnvironment.oracle, recorded.store] + recorded.arguments)
        #expect(awscli == recorded.expected)
    }

    @Test("Output is the same byte for byte whatever the number of parallel jobs")
    func deterministicOrder() throws {
        for name in ["valid", "log-modified", "digest-deleted"] {
            let recorded = try Recorded(name)
            let outputs = try [1, 2, 8].map { jobs in
                try trailproof(["validate-logs", "--store", recorded.store, "--checks", "aws-cli", "--jobs", String(jobs)] + recorded.arguments)
            }
            #expect(outputs.allSatisfy { $0 == recorded.expected }, "\(name)")
        }
    }
}

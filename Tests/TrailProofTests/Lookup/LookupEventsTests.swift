import Foundation
import Testing

@testable import TrailProof

/// lookup-events against a Python reference filter written from the documented rules
/// (Tests/Interop/lookup_reference.py), on a trail of varied records.
@Suite("lookup-events over verified log files")
struct LookupEventsTests {
    static let reference = TestEnvironment.repositoryRoot.appendingPathComponent("Tests/Interop/lookup_reference.py").path
    static let keyring = TestEnvironment.repositoryRoot.appendingPathComponent("keys/test-keyring").path

    struct Trail {
        let folder: URL
        var store: String { folder.appendingPathComponent("store").path }

        func lookup(_ arguments: [String], range: Bool = true) throws -> ProcessResult {
            try trailproof(
                [
                    "lookup-events", "--store", store, "--public-keys", LookupEventsTests.keyring + "/public-keys.json", "--trail-arn",
                    "arn:aws:cloudtrail:us-east-1:111122223333:trail/lookup", "--s3-bucket", "lookup-bucket",
                ] + (range ? ["--start-time", "2026-06-01T00:00:00Z", "--end-time", "2026-06-01T05:00:00Z"] : []) + arguments)
        }

        /// The reference's cases, with the expected event IDs, leaving out `excluded` log keys.
        func cases(excluding excluded: [String] = []) throws -> [(name: String, arguments: [String], expected: [String])] {
            let result = try run("python3", [LookupEventsTests.reference, "cases", store, "lookup-bucket"] + excluded.flatMap { ["--exclude", $0] })
            guard result.status == 0, let list = try StrictJSONParser.parse(Array(result.standardOutput.utf8)).arrayValue else {
                throw TrailProofError(.invalidInput, "reference failed: \(result)")
            }
            return list.map { item in
                (
                    item["name"]!.stringValue!, item["args"]!.arrayValue!.map { $0.stringValue! },
                    item["expected"]!.arrayValue!.map { $0.stringValue! }
                )
            }
        }

        /// The log key delivered at `hour`.
        func logKey(hour: Int) throws -> String {
            let folder = store + "/lookup-bucket/AWSLogs/111122223333/CloudTrail/us-east-1/2026/06/01"
            let name = try FileManager.default.contentsOfDirectory(atPath: folder).first { $0.contains("_20260601T0\(hour)50Z_") }!
            return "AWSLogs/111122223333/CloudTrail/us-east-1/2026/06/01/" + name
        }
    }

    /// Six hours of varied records, delivered and digested.
    static func makeTrail() throws -> Trail {
        let trail = Trail(folder: try TestEnvironment.temporaryFolder("lookup"))
        let documents = trail.folder.appendingPathComponent("documents").path
        let generated = try run("python3", [reference, "generate", documents])
        #expect(generated.status == 0, "\(generated)")
        let location = ["--store", trail.store, "--bucket", "lookup-bucket", "--account-id", "111122223333", "--region", "us-east-1"]
        for hour in 0..<6 {
            _ = try trailproofLines(["deliver"] + location + ["--at", "2026-06-01T0\(hour):50:00Z", documents + "/hour-0\(hour).json"])
        }
        _ = try trailproofLines(["digest"] + location + ["--trail-name", "lookup", "--keyring", keyring, "--until", "2026-06-01T07:00:00Z"])
        return trail
    }

    static func eventIDs(_ output: String) throws -> [String] {
        guard let events = try StrictJSONParser.parse(Array(output.utf8))["Events"]?.arrayValue else {
            throw TrailProofError(.invalidInput, "not {\"Events\": [...]}: \(output)")
        }
        return events.compactMap { $0["EventId"]?.stringValue }
    }

    @Test("Each lookup attribute and filter pattern construct returns exactly the reference's events, newest first, in lookup-events' shape")
    func matchesReference() throws {
        let trail = try Self.makeTrail()
        defer { try? FileManager.default.removeItem(at: trail.folder) }
        let cases = try trail.cases()
        #expect(cases.count >= 28)
        for (name, arguments, expected) in cases {
            let result = try trail.lookup(arguments, range: !arguments.contains("--start-time"))
            #expect(result.status == 0, "\(name): \(result)")
            #expect(try Self.eventIDs(result.standardOutput) == expected, "\(name)")
            #expect(!expected.isEmpty, "\(name): a case that selects nothing proves little")
        }
        // The shape: AWS's members, CloudTrailEvent the record's own JSON text.
        let one = try trail.lookup(["--lookup-attributes", "AttributeKey=EventId,AttributeValue=ev-03-036"])
        let event = try StrictJSONParser.parse(Array(one.standardOutput.utf8))["Events"]?.arrayValue?.first
        guard case .object(let members) = event else { throw TrailProofError(.invalidInput, "no event: \(one)") }
        #expect(
            members.map(\.key) == [
                "EventId", "EventName", "ReadOnly", "AccessKeyId", "EventTime", "EventSource", "Username", "Resources", "CloudTrailEvent",
            ])
        #expect(event?["EventTime"] == .string("2026-06-01T03:12:36+00:00"))
        #expect(event?["Username"] == .string("alice") && event?["ReadOnly"] == .string("false"))
        let record = try StrictJSONParser.parse(Array(event!["CloudTrailEvent"]!.stringValue!.utf8))
        #expect(record["eventID"] == .string("ev-03-036") && record["eventName"] == .string("ConsoleLogin"))
        // A defined trail names the same files.
        _ = try trailproofLines([
            "create-trail", "--store", trail.store, "--name", "lookup", "--s3-bucket-name", "lookup-bucket", "--account-id", "111122223333",
            "--region", "us-east-1",
        ])
        let byName = try trailproof([
            "lookup-events", "--store", trail.store, "--public-keys", Self.keyring + "/public-keys.json", "--trail", "lookup", "--start-time",
            "2026-06-01T00:00:00Z", "--end-time", "2026-06-01T05:00:00Z", "--lookup-attributes", "AttributeKey=EventName,AttributeValue=ConsoleLogin",
        ])
        #expect(try Self.eventIDs(byName.standardOutput) == cases.first { $0.name == "attribute-event-name" }!.expected, "\(byName)")
        // --max-results keeps the newest.
        let newest = try trail.lookup(["--filter-pattern", "{ $.readOnly IS FALSE }", "--max-results", "3"])
        let all = try trail.cases().first { $0.name == "is-false" }!.expected
        #expect(try Self.eventIDs(newest.standardOutput) == Array(all.prefix(3)))
    }

    @Test("A tampered log file's events never appear unless --include-unverified, and then marked; JSON Lines name the log and the digest")
    func tamperedFile() throws {
        let trail = try Self.makeTrail()
        defer { try? FileManager.default.removeItem(at: trail.folder) }
        let key = try trail.logKey(hour: 2)
        // Rewrite the hour-2 log with one more failed console login.
        let path = trail.store + "/lookup-bucket/" + key
        let original = try StrictJSONParser.parse(try GzipInflater.decompressWhole(Array(try Data(contentsOf: URL(fileURLWithPath: path)))))
        let injected = try StrictJSONParser.parse(
            Array(
                #"{"eventVersion":"1.09","eventTime":"2026-06-01T02:59:59Z","eventID":"ev-injected","eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","readOnly":false,"responseElements":{"ConsoleLogin":"Failure"},"userIdentity":{"type":"IAMUser","userName":"mallory"}}"#
                    .utf8))
        let tampered = JSONValue.object([("Records", .array((original["Records"]?.arrayValue ?? []) + [injected]))])
        try Data(try Gzip.compress(tampered.serialized())).write(to: URL(fileURLWithPath: path))
        let expected = try trail.cases(excluding: [key]).first { $0.name == "console-failure" }!
        let verified = try trail.lookup(expected.arguments)
        #expect(verified.status == 1, "a tampered file makes the run INVALID: \(verified)")
        #expect(try Self.eventIDs(verified.standardOutput) == expected.expected, "only events of verified files")
        #expect(verified.standardError.contains("Log file\ts3://lookup-bucket/\(key)\tINVALID: hash value doesn't match"), "\(verified)")
        #expect(verified.standardError.contains("1 log files not verified, their events left out"), "\(verified)")
        let marked = try trail.lookup(expected.arguments + ["--include-unverified", "--output", "jsonl"])
        let lines = try marked.standardOutput.split(separator: "\n").map { try StrictJSONParser.parse(Array($0.utf8)) }
        let unverified = lines.filter { $0["Verified"] == .bool(false) }
        let unverifiedIDs = unverified.compactMap { $0["Event"]?["eventID"]?.stringValue }
        #expect(unverifiedIDs.contains("ev-injected"), "\(marked)")
        #expect(unverified.allSatisfy { $0["LogFile"] == .string("s3://lookup-bucket/" + key) })
        let good = lines.filter { $0["Verified"] == .bool(true) }
        #expect(good.compactMap { $0["Event"]?["eventID"]?.stringValue } == expected.expected)
        #expect(
            good.allSatisfy {
                $0["DigestFile"]?.stringValue?.hasPrefix("s3://lookup-bucket/AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/06/01/") ?? false
                    && ($0["LogFile"]?.stringValue?.hasPrefix("s3://lookup-bucket/AWSLogs/111122223333/CloudTrail/") ?? false)
            })
    }

    @Test(
        "Bad lookup attributes and filter patterns are refused with AWS's and CloudWatch's errors",
        arguments: [
            (
                ["--lookup-attributes", "AttributeKey=UserName,AttributeValue=alice"],
                "InvalidLookupAttributesException: 1 validation error detected: Value 'UserName' at 'lookupAttributes.1.member.attributeKey' failed to satisfy constraint: Member must satisfy enum value set: [EventId, EventName, ReadOnly, Username, ResourceType, ResourceName, EventSource, AccessKeyId]"
            ),
            (
                [
                    "--lookup-attributes", "AttributeKey=EventName,AttributeValue=A", "--lookup-attributes",
                    "AttributeKey=EventSource,AttributeValue=B",
                ], "InvalidLookupAttributesException: Only one lookup attribute may be specified"
            ),
            (
                ["--lookup-attributes", "AttributeKey=EventName,AttributeValue="],
                "InvalidLookupAttributesException: 1 validation error detected: Value at 'lookupAttributes.1.member.attributeValue' failed to satisfy constraint: Member must have length between 1 and 2000"
            ),
            (
                ["--filter-pattern", #"{ $.eventName = "ConsoleLogin""#],
                "InvalidParameterException: If a filter pattern starts with '{' it must end with '}'"
            ),
            (["--filter-pattern", #"{ $.eventName == "ConsoleLogin" }"#], "InvalidParameterException: Invalid filter pattern"),
            (["--filter-pattern", #"{ eventName = "ConsoleLogin" }"#], "InvalidParameterException: Invalid filter pattern"),
            (["--filter-pattern", #"{ ($.a = 1 && $.b = 2 }"#], "InvalidParameterException: Invalid filter pattern"),
            (["--filter-pattern", #"{ $.a > "x" }"#], "InvalidParameterException: Invalid filter pattern"),
            (["--filter-pattern", #"{ $.a IS MAYBE }"#], "InvalidParameterException: Invalid filter pattern"),
            (["--filter-pattern", #"{ $.a[x] = 1 }"#], "InvalidParameterException: Invalid filter pattern"),
            (["--filter-pattern", #"{ $.a = "unclosed }"#], "InvalidParameterException: Invalid filter pattern"),
            (["--filter-pattern", "ConsoleLogin"], "InvalidParameterException: Invalid filter pattern"),
        ])
    func refusals(_ arguments: [String], _ message: String) throws {
        let result = try trailproof(
            [
                "lookup-events", "--store", "/nonexistent", "--public-keys", Self.keyring + "/public-keys.json", "--trail-arn",
                "arn:aws:cloudtrail:us-east-1:111122223333:trail/lookup", "--s3-bucket", "lookup-bucket",
            ] + arguments)
        #expect(result.status == 2 && result.standardError.hasPrefix("trailproof: error: \(message)"), "\(result)")
    }

    @Test("Filter patterns parse and evaluate in process: precedence, escapes, wildcards, kinds")
    func patternUnits() throws {
        let record = try StrictJSONParser.parse(
            Array(#"{"a":"x\"y","n":5,"f":1.5,"t":true,"z":null,"list":[{"k":"v1"},{"k":"v2"}],"s":"abcabc"}"#.utf8))
        func check(_ text: String) throws -> Bool { try FilterPattern(text).matches(record) }
        #expect(try check(#"{ $.a = "x\"y" }"#))
        #expect(try check("{ $.n = 5 || $.n = 6 && $.n = 7 }"), "&& binds tighter than ||")
        #expect(try !check("{ ($.n = 5 || $.n = 6) && $.n = 7 }"))
        #expect(try check("{ $.f > 1 && $.f < 2 && $.f >= 1.5 && $.f <= 1.5 && $.f != 2 }"))
        #expect(try !check(#"{ $.n = "5" }"#), "a string never equals a number")
        #expect(try !check("{ $.a > 1 }"), "numbers compare with numbers only")
        #expect(try !check(#"{ $.missing != "x" }"#), "!= needs the field")
        #expect(try check("{ $.missing NOT EXISTS && $.z IS NULL && $.t IS TRUE }"))
        #expect(try !check("{ $.z NOT EXISTS }"), "null exists")
        #expect(try check(#"{ $.list[1].k = "v2" && $.list[2].k NOT EXISTS }"#))
        #expect(try check(#"{ $.s = "a*c" && $.s = "*bc*" && $.s != "b*" }"#))
        #expect(try FilterPattern(#"{ $.eventName = "Console*Login" && $.x = 1 || $.y = "z" }"#).requiredTexts.isEmpty, "an || requires nothing")
        #expect(try FilterPattern(#"{ $.eventName = "Console*Login" && $.x = 1 }"#).requiredTexts == ["Console"])
    }
}

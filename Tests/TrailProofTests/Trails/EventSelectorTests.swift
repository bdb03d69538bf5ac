import Foundation
import Testing

@testable import TrailProof

/// Event selectors: checked as AWS checks them (botocore's own validator as the reference for
/// structure), and matched against records field by field and operator by operator.
@Suite("Event selectors")
struct EventSelectorTests {
    static func json(_ text: String) throws -> JSONValue { try StrictJSONParser.parse(Array(text.utf8)) }

    static func advanced(_ text: String) throws -> EventSelectors { try EventSelectors(advanced: try json(text)) }

    /// A record with the given members.
    static func record(_ members: String) throws -> JSONValue { try json("{" + members + "}") }

    static let management =
        #""eventCategory":"Management","eventSource":"ec2.amazonaws.com","eventName":"RunInstances","readOnly":false,"eventType":"AwsApiCall","userIdentity":{"arn":"arn:aws:iam::111122223333:user/alice"}"#
    static let s3Data =
        #""eventCategory":"Data","eventSource":"s3.amazonaws.com","eventName":"GetObject","readOnly":true,"eventType":"AwsApiCall","userIdentity":{"arn":"arn:aws:sts::111122223333:assumed-role/Reader/bob"},"sessionCredentialFromConsole":"true","resources":[{"type":"AWS::S3::Object","ARN":"arn:aws:s3:::data-bucket/reports/q1.csv"},{"type":"AWS::S3::Bucket","ARN":"arn:aws:s3:::data-bucket"}]"#
    static let lambdaData =
        #""eventCategory":"Data","eventSource":"lambda.amazonaws.com","eventName":"Invoke","readOnly":false,"eventType":"AwsApiCall","userIdentity":{"arn":"arn:aws:iam::111122223333:user/carol"},"resources":[{"type":"AWS::Lambda::Function","ARN":"arn:aws:lambda:us-east-1:111122223333:function:resize"}]"#
    static let kms = #""eventCategory":"Management","eventSource":"kms.amazonaws.com","eventName":"Decrypt","readOnly":true"#

    /// Which of management, s3Data, lambdaData, kms a data selector on `field` selects.
    static func selected(_ fieldSelector: String, category: String = "Data", resourceType: String? = "AWS::S3::Object") throws -> [String] {
        var fields = [#"{"Field":"eventCategory","Equals":["\#(category)"]}"#]
        if let resourceType, !fieldSelector.contains("resources.type") { fields.append(#"{"Field":"resources.type","Equals":["\#(resourceType)"]}"#) }
        fields.append(fieldSelector)
        let selectors = try advanced(#"[{"Name":"t","FieldSelectors":[\#(fields.joined(separator: ","))]}]"#)
        return try [("management", management), ("s3Data", s3Data), ("lambdaData", lambdaData), ("kms", kms)].filter {
            selectors.matches(try record($0.1))
        }.map(\.0)
    }

    @Test(
        "Every operator on every field selects exactly the records it should",
        arguments: [
            (#"{"Field":"eventName","Equals":["GetObject","PutObject"]}"#, ["s3Data"]),
            (#"{"Field":"eventName","NotEquals":["GetObject"]}"#, []),
            (#"{"Field":"eventName","StartsWith":["Get"]}"#, ["s3Data"]),
            (#"{"Field":"eventName","NotStartsWith":["Put"]}"#, ["s3Data"]),
            (#"{"Field":"eventName","EndsWith":["Object"]}"#, ["s3Data"]),
            (#"{"Field":"eventName","NotEndsWith":["Object"]}"#, []),
            (#"{"Field":"eventSource","Equals":["s3.amazonaws.com"]}"#, ["s3Data"]),
            (#"{"Field":"eventSource","NotEquals":["s3.amazonaws.com"]}"#, []),
            (#"{"Field":"readOnly","Equals":["true"]}"#, ["s3Data"]),
            (#"{"Field":"readOnly","Equals":["false"]}"#, []),
            (#"{"Field":"resources.ARN","StartsWith":["arn:aws:s3:::data-bucket/reports/"]}"#, ["s3Data"]),
            (#"{"Field":"resources.ARN","StartsWith":["arn:aws:s3:::other-bucket/"]}"#, []),
            (#"{"Field":"resources.ARN","EndsWith":[".csv"]}"#, ["s3Data"]),
            (#"{"Field":"resources.ARN","NotEndsWith":[".csv", "-bucket"]}"#, []),
            (#"{"Field":"resources.ARN","Equals":["arn:aws:s3:::data-bucket/reports/q1.csv"]}"#, ["s3Data"]),
            (#"{"Field":"resources.ARN","NotStartsWith":["arn:aws:s3:::data-bucket/private/"]}"#, ["s3Data"]),
            (#"{"Field":"eventType","Equals":["AwsApiCall"]}"#, ["s3Data"]),
            (#"{"Field":"eventType","NotEquals":["AwsApiCall"]}"#, []),
            (#"{"Field":"userIdentity.arn","StartsWith":["arn:aws:sts::111122223333:assumed-role/Reader/"]}"#, ["s3Data"]),
            (#"{"Field":"userIdentity.arn","NotEndsWith":["/bob"]}"#, []),
            (#"{"Field":"userIdentity.arn","EndsWith":["/bob"]}"#, ["s3Data"]),
            (#"{"Field":"sessionCredentialFromConsole","Equals":["true"]}"#, ["s3Data"]),
            (#"{"Field":"sessionCredentialFromConsole","NotEquals":["true"]}"#, []),
        ])
    func advancedOperators(_ fieldSelector: String, _ expected: [String]) throws {
        #expect(try Self.selected(fieldSelector) == expected)
    }

    @Test("resources.type picks the resource type; management selectors pick management events")
    func categoriesAndTypes() throws {
        #expect(try Self.selected(#"{"Field":"resources.type","Equals":["AWS::Lambda::Function"]}"#, resourceType: nil) == ["lambdaData"])
        #expect(try Self.selected(#"{"Field":"readOnly","Equals":["false"]}"#, category: "Management", resourceType: nil) == ["management"])
        #expect(
            try Self.selected(#"{"Field":"eventSource","NotEquals":["kms.amazonaws.com"]}"#, category: "Management", resourceType: nil) == [
                "management"
            ])
        let everything = try Self.advanced(#"[{"FieldSelectors":[{"Field":"eventCategory","Equals":["Management"]}]}]"#)
        #expect(try everything.matches(Self.record(Self.kms)) && !everything.matches(Self.record(Self.s3Data)))
        // A record without eventCategory is a management event unless managementEvent says otherwise.
        #expect(try everything.matches(Self.record(#""eventName":"ListBuckets""#)))
        #expect(try !everything.matches(Self.record(#""eventName":"GetObject","managementEvent":false"#)))
    }

    @Test("Basic selectors: read/write type, management events, data resources, excluded sources")
    func basicSelectors() throws {
        func picks(_ text: String) throws -> [String] {
            let selectors = try EventSelectors(basic: try Self.json(text))
            return try [("management", Self.management), ("s3Data", Self.s3Data), ("lambdaData", Self.lambdaData), ("kms", Self.kms)].filter {
                selectors.matches(try Self.record($0.1))
            }.map(\.0)
        }
        #expect(try picks(#"[{"ReadWriteType":"All"}]"#) == ["management", "kms"])
        #expect(try picks(#"[{"ReadWriteType":"ReadOnly"}]"#) == ["kms"])
        #expect(try picks(#"[{"ReadWriteType":"WriteOnly"}]"#) == ["management"])
        #expect(try picks(#"[{"ReadWriteType":"All","ExcludeManagementEventSources":["kms.amazonaws.com"]}]"#) == ["management"])
        #expect(
            try picks(
                #"[{"ReadWriteType":"All","IncludeManagementEvents":false,"DataResources":[{"Type":"AWS::S3::Object","Values":["arn:aws:s3:::data-bucket/reports/"]}]}]"#
            )
                == ["s3Data"])
        #expect(
            try picks(
                #"[{"IncludeManagementEvents":false,"DataResources":[{"Type":"AWS::S3::Object","Values":["arn:aws:s3:::data-bucket/private/"]}]}]"#)
                == [])
        #expect(
            try picks(#"[{"IncludeManagementEvents":false,"DataResources":[{"Type":"AWS::Lambda::Function","Values":["arn:aws:lambda"]}]}]"#) == [
                "lambdaData"
            ])
        #expect(try picks(#"[{"ReadWriteType":"WriteOnly","DataResources":[{"Type":"AWS::S3::Object","Values":["arn:aws:s3"]}]}]"#) == ["management"])
    }

    static let oracle = TestEnvironment.repositoryRoot.appendingPathComponent("Tests/Interop/cloudtrail_oracle.py").path

    @Test(
        "Malformed selectors are refused with botocore's own report, line for line",
        arguments: [
            ("AdvancedEventSelectors", #"[{"FieldSelectors":[]}]"#),
            ("AdvancedEventSelectors", #"[{"Name":"x"}]"#),
            ("AdvancedEventSelectors", #"[{"FieldSelectors":[{"Equals":["Data"]}]}]"#),
            ("AdvancedEventSelectors", #"[{"FieldSelectors":[{"Field":"eventCategory","Equals":[]}],"Extra":1}]"#),
            ("AdvancedEventSelectors", #"[{"FieldSelectors":[{"Field":"","Equals":[""]}]}]"#),
            ("AdvancedEventSelectors", #"[{"FieldSelectors":[{"Field":"eventCategory","Equals":"Data"}]}]"#),
            ("AdvancedEventSelectors", #"{"FieldSelectors":[]}"#),
            ("EventSelectors", #"[{"ReadWriteType":1,"IncludeManagementEvents":"yes"}]"#),
            ("EventSelectors", #"[{"DataResources":[{"Type":"AWS::S3::Object","Values":"arn:aws:s3"}],"Bogus":true}]"#),
        ])
    func structureAsBotocore(_ member: String, _ text: String) throws {
        let folder = try TestEnvironment.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let params = folder.appendingPathComponent("params.json")
        try Data(#"{"TrailName":"t","\#(member)":\#(text)}"#.utf8).write(to: params)
        let botocore = try run("python3", [Self.oracle, "params", params.path])
        #expect(botocore.status == 0 && botocore.standardOutput != "ok\n", "\(botocore)")
        let value = try Self.json(text)
        #expect(throws: TrailProofError.self) {
            _ = member == "EventSelectors" ? try EventSelectors(basic: value) : try EventSelectors(advanced: value)
        }
        do {
            _ = member == "EventSelectors" ? try EventSelectors(basic: value) : try EventSelectors(advanced: value)
        } catch let error as TrailProofError {
            #expect(error.message == "Parameter validation failed:\n" + botocore.standardOutput.trimmingCharacters(in: .newlines))
        }
    }

    @Test(
        "Values and combinations the service refuses, with CloudTrail's exception",
        arguments: [
            (
                "EventSelectors", #"[{"ReadWriteType":"read-only"}]"#,
                "InvalidEventSelectorsException: 1 validation error detected: Value 'read-only' at 'eventSelectors.1.member.readWriteType' failed to satisfy constraint: Member must satisfy enum value set: [ReadOnly, WriteOnly, All]"
            ),
            (
                "EventSelectors", #"[{"DataResources":[{"Type":"AWS::S3::Object","Values":["arn:aws:s3:::*"]}]}]"#,
                "InvalidEventSelectorsException: Value arn:aws:s3:::* for DataResources.Values is invalid."
            ),
            (
                "EventSelectors", #"[{"DataResources":[{"Type":"AWS::Lambda::Function","Values":["arn:aws:lambda:*"]}]}]"#,
                "InvalidEventSelectorsException: Value arn:aws:lambda:* for DataResources.Values is invalid."
            ),
            (
                "EventSelectors", #"[{"DataResources":[{"Type":"AWS::SNS::Topic","Values":["arn:aws:sns"]}]}]"#,
                "InvalidEventSelectorsException: Value AWS::SNS::Topic for DataResources.Type is invalid."
            ),
            (
                "EventSelectors", #"[{"ExcludeManagementEventSources":["s3.amazonaws.com"]}]"#,
                "InvalidEventSelectorsException: Value s3.amazonaws.com for ExcludeManagementEventSources is invalid."
            ),
            ("EventSelectors", #"[{},{},{},{},{},{}]"#, "InvalidEventSelectorsException: A trail can have 1 to 5 event selectors; 6 were given."),
            (
                "AdvancedEventSelectors", #"[{"FieldSelectors":[{"Field":"eventName","Equals":["GetObject"]}]}]"#,
                "InvalidEventSelectorsException: Each advanced event selector must have an eventCategory field"
            ),
            (
                "AdvancedEventSelectors", #"[{"FieldSelectors":[{"Field":"eventCategory","StartsWith":["Dat"]}]}]"#,
                "InvalidEventSelectorsException: Field eventCategory in selector 1 supports only the Equals operator."
            ),
            (
                "AdvancedEventSelectors", #"[{"FieldSelectors":[{"Field":"eventCategory","Equals":["Insight"]}]}]"#,
                "InvalidEventSelectorsException: Invalid value Insight for field eventCategory in selector 1."
            ),
            (
                "AdvancedEventSelectors", #"[{"FieldSelectors":[{"Field":"eventCategory","Equals":["Data"]}]}]"#,
                "InvalidEventSelectorsException: Data event selectors must have a resources.type field; selector 1 has none."
            ),
            (
                "AdvancedEventSelectors",
                #"[{"FieldSelectors":[{"Field":"eventCategory","Equals":["Data"]},{"Field":"resources.type","Equals":["AWS::S3::Object","AWS::Lambda::Function"]}]}]"#,
                "InvalidEventSelectorsException: Field resources.type in selector 1 takes exactly one value."
            ),
            (
                "AdvancedEventSelectors",
                #"[{"FieldSelectors":[{"Field":"eventCategory","Equals":["Management"]},{"Field":"eventName","Equals":["RunInstances"]}]}]"#,
                "InvalidEventSelectorsException: Field eventName is not supported for management events"
            ),
            (
                "AdvancedEventSelectors",
                #"[{"FieldSelectors":[{"Field":"eventCategory","Equals":["Management"]},{"Field":"eventSource","Equals":["kms.amazonaws.com"]}]}]"#,
                "InvalidEventSelectorsException: For management events, eventSource supports only the NotEquals operator"
            ),
            (
                "AdvancedEventSelectors",
                #"[{"FieldSelectors":[{"Field":"eventCategory","Equals":["Data"]},{"Field":"resources.type","Equals":["AWS::S3::Object"]},{"Field":"readOnly","Equals":["yes"]}]}]"#,
                "InvalidEventSelectorsException: Invalid value yes for field readOnly in selector 1."
            ),
            (
                "AdvancedEventSelectors",
                #"[{"FieldSelectors":[{"Field":"eventCategory","Equals":["Data"]},{"Field":"resources.type","Equals":["AWS::S3::Object"]},{"Field":"errorMessage","Equals":["x"]}]}]"#,
                "InvalidEventSelectorsException: Invalid field errorMessage in selector 1."
            ),
            (
                "AdvancedEventSelectors",
                #"[{"FieldSelectors":[{"Field":"eventCategory","Equals":["Data"]},{"Field":"resources.type","Equals":["AWS::S3::Object"]},{"Field":"eventName","Equals":["a"]},{"Field":"eventName","Equals":["b"]}]}]"#,
                "InvalidEventSelectorsException: Field eventName is used more than once in selector 1."
            ),
        ])
    func serviceRejections(_ member: String, _ text: String, _ message: String) throws {
        let value = try Self.json(text)
        do {
            _ = member == "EventSelectors" ? try EventSelectors(basic: value) : try EventSelectors(advanced: value)
            Issue.record("accepted \(text)")
        } catch let error as TrailProofError {
            #expect(error.message.hasPrefix(message), "\(error.message)")
        }
    }

    @Test("deliver --trail keeps what the selectors select, counts the rest, and sends Insights events to CloudTrail-Insight")
    func deliverFilters() throws {
        let folder = try TestEnvironment.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = folder.appendingPathComponent("store").path
        let log = folder.appendingPathComponent("log.json")
        let insight =
            #""eventCategory":"Insight","eventSource":"cloudtrail.amazonaws.com","eventName":"ApiCallRateInsight","eventType":"AwsCloudTrailInsight""#
        let iam = #""eventCategory":"Management","eventSource":"iam.amazonaws.com","eventName":"CreateUser","readOnly":false"#
        let records = [Self.management, Self.s3Data, Self.lambdaData, Self.kms, insight, iam].enumerated().map { index, members in
            "{" + members + #","eventTime":"2026-06-01T00:0\#(index):00Z"}"#
        }
        try Data((#"{"Records":["# + records.joined(separator: ",") + "]}").utf8).write(to: log)
        _ = try trailproofLines([
            "create-trail", "--store", store, "--name", "sel", "--s3-bucket-name", "sel-bucket", "--account-id", "111122223333", "--region",
            "us-east-1",
            "--no-include-global-service-events",
        ])
        _ = try trailproofLines(["start-logging", "--store", store, "--name", "sel", "--at", "2026-06-01T00:00:00Z"])
        let put = try trailproof([
            "put-event-selectors", "--store", store, "--trail-name", "sel", "--advanced-event-selectors",
            #"[{"Name":"writes","FieldSelectors":[{"Field":"eventCategory","Equals":["Management"]},{"Field":"readOnly","Equals":["false"]}]},{"Name":"reports","FieldSelectors":[{"Field":"eventCategory","Equals":["Data"]},{"Field":"resources.type","Equals":["AWS::S3::Object"]},{"Field":"resources.ARN","StartsWith":["arn:aws:s3:::data-bucket/reports/"]}]}]"#,
        ])
        #expect(put.status == 0 && put.standardOutput.contains(#""TrailARN": "arn:aws:cloudtrail:us-east-1:111122223333:trail/sel""#), "\(put)")
        let got = try Self.json(try trailproofLines(["get-event-selectors", "--store", store, "--trail-name", "sel"]).joined())
        #expect(got["AdvancedEventSelectors"]?.arrayValue?.count == 2)
        #expect(
            try Self.json(try trailproofLines(["get-trail", "--store", store, "--name", "sel"]).joined())["Trail"]?["HasCustomEventSelectors"]
                == .bool(true))
        let delivered = try trailproof(["deliver", "--store", store, "--trail", "sel", "--at", "2026-06-01T00:20:00Z", log.path])
        #expect(delivered.status == 0, "\(delivered)")
        let keys = delivered.standardOutput.split(separator: "\n")
        #expect(
            keys.count == 2 && keys[0].contains("/CloudTrail/us-east-1/")
                && keys[1].contains("/CloudTrail-Insight/us-east-1/2026/06/01/111122223333_CloudTrail-Insight_us-east-1_20260601T0020Z_"))
        #expect(delivered.standardError.contains("dropped 2 records that the trail's event selectors do not select"), "\(delivered)")
        #expect(delivered.standardError.contains("dropped 1 global service events"), "\(delivered)")
        let kept = try GzipInflater.decompressWhole(
            Array(try Data(contentsOf: URL(fileURLWithPath: store + "/sel-bucket/" + keys[0].dropFirst("s3://sel-bucket/".count)))))
        let names = try StrictJSONParser.parse(kept)["Records"]?.arrayValue?.compactMap { $0["eventName"]?.stringValue }
        #expect(names == ["RunInstances", "GetObject"])
        // Bad selectors never reach the definition.
        let bad = try trailproof([
            "put-event-selectors", "--store", store, "--trail-name", "sel", "--event-selectors", #"[{"ReadWriteType":"read-only"}]"#,
        ])
        #expect(bad.status == 2 && bad.standardError.contains("InvalidEventSelectorsException"), "\(bad)")
        #expect(try Self.json(try trailproofLines(["get-event-selectors", "--store", store, "--trail-name", "sel"]).joined()) == got)
    }
}

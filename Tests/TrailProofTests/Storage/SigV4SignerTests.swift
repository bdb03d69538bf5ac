import Foundation
import Testing

@testable import TrailProof

@Suite("AWS Signature Version 4")
struct SigV4SignerTests {
    struct Vector: Sendable, CustomTestStringConvertible {
        let name: String
        let method: String
        let path: String
        let query: String
        let headers: [[String]]
        let body: String
        let creq: String
        let sts: String
        let authz: String
        var testDescription: String { name }
    }

    static let suite: (config: [String: String], token: String, vectors: [Vector]) = {
        let url = TestEnvironment.shared.appendingPathComponent("vectors/sigv4/index.json")
        guard let data = try? Data(contentsOf: url), let document = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let tests = (document["tests"] as? [String: Any])?["all"] as? [[String: Any]]
        else { return ([:], "", []) }
        let vectors = tests.map { test -> Vector in
            let request = test["request"] as! [String: Any]
            return Vector(
                name: test["name"] as! String, method: request["method"] as! String, path: request["path"] as! String,
                query: request["query"] as! String, headers: request["headers"] as! [[String]], body: request["body"] as! String,
                creq: test["creq"] as! String, sts: test["sts"] as! String, authz: test["authz"] as! String)
        }
        return (document["config"] as! [String: String], document["stsToken"] as! String, vectors)
    }()

    @Test("The published test suite is there")
    func suiteIsThere() {
        #expect(Self.suite.vectors.count >= 28)
    }

    @Test("Canonical request, string to sign and Authorization of the published suite", arguments: suite.vectors)
    func publishedSuite(_ vector: Vector) throws {
        let config = Self.suite.config
        let signer = SigV4Signer(
            credentials: .init(accessKeyID: config["accessKeyId"]!, secretAccessKey: config["secretAccessKey"]!), region: config["region"]!,
            service: config["service"]!)
        let query: [(String, String)] =
            vector.query.isEmpty
            ? []
            : vector.query.split(separator: "&").map { pair in
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
            }
        let headers = vector.headers.map { ($0[0], $0[1]) }
        let date = try #require(Timestamp(compact: headers.first { $0.0.lowercased() == "x-amz-date" }!.1))
        let payloadHash = MessageDigest.sha256Hex(Array(vector.body.utf8))
        let canonical = signer.canonicalRequest(method: vector.method, path: vector.path, query: query, headers: headers, payloadHash: payloadHash)
        #expect(canonical.text == vector.creq)
        // Two vectors of the suite are inconsistent: their string to sign does not hash their own
        // canonical request, so no signer can reproduce their sts and authz.
        let consistent = vector.sts.hasSuffix("\n" + MessageDigest.sha256Hex(Array(vector.creq.utf8)))
        guard consistent else {
            #expect(
                ["post-x-www-form-urlencoded", "post-x-www-form-urlencoded-parameters"].contains(vector.name), "unexpectedly inconsistent vector")
            return
        }
        #expect(signer.stringToSign(canonicalRequest: canonical.text, date: date) == vector.sts)
        #expect(
            signer.authorization(method: vector.method, path: vector.path, query: query, headers: headers, payloadHash: payloadHash, date: date)
                == vector.authz)
    }

    @Test("S3 requests are signed exactly as botocore signs them", arguments: [false, true])
    func matchesBotocore(withSessionToken: Bool) throws {
        let credentials = SigV4Signer.Credentials(
            accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            sessionToken: withSessionToken ? Self.suite.token : nil)
        let signer = SigV4Signer(credentials: credentials, region: "eu-west-1", service: "s3")
        let date = Timestamp(iso8601: "2026-01-02T03:04:05Z")!
        let requests: [(method: String, path: String, query: [(String, String)], headers: [(String, String)], body: String)] = [
            ("GET", "/audit-bucket/AWSLogs/123456789012/CloudTrail/us-east-1/2026/01/01/a b+c=d~é.json.gz", [], [], ""),
            (
                "GET", "/audit-bucket",
                [("list-type", "2"), ("prefix", "AWSLogs/1/CloudTrail-Digest/"), ("start-after", "AWSLogs/1/x y"), ("encoding-type", "url")], [], ""
            ),
            (
                "PUT", "/audit-bucket/AWSLogs/d.json.gz", [],
                [
                    ("x-amz-meta-signature", "ab01"), ("x-amz-meta-signature-algorithm", "SHA256withRSA"),
                    ("content-type", "application/octet-stream"),
                ], "payload bytes"
            ),
            ("HEAD", "/audit-bucket/k%", [], [], ""),
        ]
        for request in requests {
            let host = "127.0.0.1:8333"
            let payloadHash = MessageDigest.sha256Hex(Array(request.body.utf8))
            let ours = signer.signedHeaders(
                method: request.method, path: request.path, query: request.query, headers: [("host", host)] + request.headers,
                payloadHash: payloadHash,
                date: date)
            var url = "http://\(host)\(SigV4Signer.encode(request.path, keepSlash: true))"
            if !request.query.isEmpty {
                url +=
                    "?"
                    + request.query.map { "\(SigV4Signer.encode($0.0, keepSlash: false))=\(SigV4Signer.encode($0.1, keepSlash: false))" }.joined(
                        separator: "&")
            }
            let spec: [String: Any] = [
                "method": request.method, "url": url, "headers": Dictionary(uniqueKeysWithValues: request.headers), "body": request.body,
                "region": "eu-west-1", "accessKey": credentials.accessKeyID, "secret": credentials.secretAccessKey,
                "token": credentials.sessionToken as Any, "date": date.compactSeconds,
            ]
            let result = try run(
                "python3", [TestEnvironment.repositoryRoot.appendingPathComponent("Tests/Interop/botocore_sign.py").path],
                input: try JSONSerialization.data(withJSONObject: spec))
            #expect(result.status == 0, "\(result)")
            let theirs = try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as! [String: String]
            let oursByName = Dictionary(ours.map { ($0.0.lowercased(), $0.1) }, uniquingKeysWith: { $1 })
            for name in ["authorization", "x-amz-date", "x-amz-content-sha256", "x-amz-security-token"] {
                #expect(oursByName[name] == theirs[name], "\(request.method) \(request.path): \(name)")
            }
        }
    }
}

import Testing

@testable import TrailProof

@Suite("Digest documents")
struct DigestFileTests {
    static func sample(previous: Bool = true, logs: Int = 1) -> DigestFile {
        let location = ObjectLocation(bucket: "b", key: "AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/01/01/d.json.gz")
        return DigestFile(
            awsAccountID: "111122223333", startTime: Timestamp(year: 2026, month: 1, day: 1),
            endTime: Timestamp(year: 2026, month: 1, day: 1, hour: 1),
            location: location, publicKeyFingerprint: "00112233445566778899aabbccddeeff",
            newestEventTime: logs > 0 ? "2026-01-01T00:30:00Z" : nil, oldestEventTime: logs > 0 ? "2026-01-01T00:10:00Z" : nil,
            previous: previous ? .init(location: location, hashValue: String(repeating: "a", count: 64), signature: "ff") : nil,
            logFiles: (0..<logs).map { index in
                .init(
                    location: ObjectLocation(bucket: "b", key: "log\(index).json.gz"), hashValue: String(repeating: "b", count: 64),
                    newestEventTime: "2026-01-01T00:30:00Z", oldestEventTime: "2026-01-01T00:10:00Z")
            })
    }

    @Test("Fields are written in AWS's order and read back unchanged")
    func roundTrip() throws {
        for digest in [Self.sample(), Self.sample(previous: false, logs: 0)] {
            let bytes = digest.serialized()
            #expect(try DigestFile(parsing: bytes) == digest)
        }
        let text = String(decoding: Self.sample(previous: false, logs: 0).serialized(), as: UTF8.self)
        #expect(
            text.hasPrefix(
                #"{"awsAccountId":"111122223333","digestStartTime":"2026-01-01T00:00:00Z","digestEndTime":"2026-01-01T01:00:00Z","digestS3Bucket":"b","#
            ))
        #expect(
            text.hasSuffix(
                #""digestPublicKeyFingerprint":"00112233445566778899aabbccddeeff","digestSignatureAlgorithm":"SHA256withRSA","newestEventTime":null,"oldestEventTime":null,"previousDigestS3Bucket":null,"previousDigestS3Object":null,"previousDigestHashValue":null,"previousDigestHashAlgorithm":null,"previousDigestSignature":null,"logFiles":[]}"#
            ))
    }

    @Test(
        "Missing fields, wrong types, half-null links and duplicate keys are invalid format",
        arguments: [
            ("missing", #""awsAccountId":"111122223333","#, ""),
            ("null where a string is required", #""digestS3Bucket":"b""#, #""digestS3Bucket":null"#),
            ("number for a string", #""awsAccountId":"111122223333""#, #""awsAccountId":111122223333"#),
            ("half-null link", #""previousDigestSignature":"ff""#, #""previousDigestSignature":null"#),
            ("duplicate logFiles", #""logFiles":["#, #""logFiles":[],"logFiles":["#),
            ("loose time", #""digestEndTime":"2026-01-01T01:00:00Z""#, #""digestEndTime":"2026-01-01T01:00:00+00:00""#),
            ("log entry without hash", #""hashValue":"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb","#, ""),
        ])
    func refuses(_ change: (String, String, String)) throws {
        let text = String(decoding: Self.sample().serialized(), as: UTF8.self)
        let edited = text.replacingOccurrences(of: change.1, with: change.2)
        #expect(edited != text, "the edit \(change.0) did not apply")
        #expect(throws: DigestFile.FormatFailure.self, "\(change.0)") { try DigestFile(parsing: Array(edited.utf8)) }
    }

    @Test("The string to sign is end time, location, hash of the stored bytes and previous signature")
    func stringToSign() {
        let location = ObjectLocation(bucket: "b", key: "k")
        let text = String(
            decoding: DigestFile.stringToSign(
                endTime: "2026-01-01T01:00:00Z", location: location, uncompressedBytes: Array("abc".utf8), previousSignature: nil), as: UTF8.self)
        #expect(text == "2026-01-01T01:00:00Z\nb/k\nba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\nnull")
    }
}

import Foundation
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

    @Test("An entry's event times, kept in place when short ASCII, read back and compare and hash as the strings they are")
    func shortText() {
        let texts = [
            "", "Z", "2026-01-01T00:30:00Z", "2026-01-01T00:30:00.123Z", String(repeating: "x", count: 24), String(repeating: "x", count: 25),
            "2026-01-01T00:30:00+01:00", "caf\u{E9}", "cafe\u{301}", "K", "\u{212A}", "\u{1}\u{7f}", "a\u{0}b", "a", "a\u{0}",
        ]
        for text in texts {
            let short = ShortText(text)
            #expect(short.description == text && Array(short.description.utf8) == Array(text.utf8), "\(text.debugDescription)")
            let read = Array(text.utf8).withUnsafeBytes { ShortText(utf8: $0) }
            #expect(Array(read.description.utf8) == Array(text.utf8), "\(text.debugDescription) from its bytes")
            for other in texts {
                for pair in [(short, ShortText(other)), (read, Array(other.utf8).withUnsafeBytes { ShortText(utf8: $0) })] {
                    #expect((pair.0 == pair.1) == (text == other), "\(text.debugDescription) and \(other.debugDescription)")
                    if text == other { #expect(pair.0.hashValue == pair.1.hashValue, "\(text.debugDescription) and \(other.debugDescription)") }
                }
            }
        }
        // The entry's properties are the texts given, set or read from a document.
        var entry = DigestFile.LogFileEntry(
            location: ObjectLocation(bucket: "b", key: "k"), hashValue: "h", newestEventTime: "2026-01-01T00:30:00Z", oldestEventTime: "\u{212A}")
        #expect(entry.newestEventTime == "2026-01-01T00:30:00Z" && Array(entry.oldestEventTime.utf8) == Array("\u{212A}".utf8))
        entry.newestEventTime = String(repeating: "y", count: 30)
        #expect(entry.newestEventTime == String(repeating: "y", count: 30))
    }

    @Test("An entry's hash value, kept as bytes when lowercase hex, reads back, matches a digest and compares as the string it is")
    func hashText() {
        var generator = SplitMix(seed: 47)
        for _ in 0..<200 {
            let digest = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let other = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let hex = Hex.encode(digest)
            var damaged = Array(hex.utf8)
            damaged[Int.random(in: 0..<64, using: &generator)] = [UInt8(ascii: "g"), UInt8(ascii: "A"), 0x00, 0xc3].randomElement(using: &generator)!
            let texts = [
                hex, hex.uppercased(), Hex.encode(other), Hex.encode([digest[0] ^ 1] + digest.dropFirst()),
                Hex.encode(digest.dropLast() + [digest[31] ^ 0x80]),
                String(hex.dropLast()), hex + "0", "", String(decoding: damaged, as: UTF8.self),
                String(hex.dropLast()) + "\u{E9}",
            ]
            for text in texts {
                let kept = HashText(text)
                let read = Array(text.utf8).withUnsafeBytes { HashText(utf8: $0) }
                for hash in [kept, read] {
                    #expect(Array(hash.description.utf8) == Array(text.utf8), "\(text.debugDescription)")
                    let matches = digest.withUnsafeBytes { hash.isEncoding(of: $0) }
                    #expect(matches == (text == hex), "\(text.debugDescription) against \(hex)")
                    for second in texts {
                        let pair = HashText(second)
                        #expect((hash == pair) == (text == second), "\(text.debugDescription) and \(second.debugDescription)")
                        if text == second { #expect(hash.hashValue == pair.hashValue) }
                    }
                }
            }
        }
        var entry = DigestFile.LogFileEntry(
            location: ObjectLocation(bucket: "b", key: "k"), hashValue: "ABC", newestEventTime: "", oldestEventTime: "")
        #expect(entry.hashValue == "ABC")
        entry.hashValue = String(repeating: "0f", count: 32)
        #expect(entry.hashValue == String(repeating: "0f", count: 32))
    }

    @Test("The one-pass reader takes CloudTrail's documents as the strict reader does, and leaves it every other")
    func commonCaseAgreesWithStrictReader() throws {
        func escapingSlashes(_ bytes: [UInt8]) -> [UInt8] {
            bytes.flatMap { $0 == UInt8(ascii: "/") ? [UInt8(ascii: "\\"), $0] : [$0] }
        }
        var documents: [[UInt8]] = []
        for digest in [Self.sample(), Self.sample(previous: false, logs: 0), Self.sample(logs: 25)] {
            let document = try StrictJSONParser.parse(digest.serialized())
            documents += [digest.serialized(), escapingSlashes(digest.serialized()), document.prettySerialized()]
        }
        for seed in ["digest-1.json", "digest-2.json"] {
            documents.append(
                Array(try Data(contentsOf: TestEnvironment.repositoryRoot.appendingPathComponent("testdata/fuzz/DigestParser/\(seed)"))))
        }
        for document in documents {
            let common = DigestFile(commonCase: document)
            #expect(common != nil, "\(String(decoding: document, as: UTF8.self))")
            #expect(try common == DigestFile(strictlyParsing: document))
        }
        // What the strict reader takes but the common case is not: left to the strict reader.
        let plain = String(decoding: Self.sample().serialized(), as: UTF8.self)
        for other in [
            plain.replacingOccurrences(of: #""awsAccountId""#, with: #""extra":[1,{}],"awsAccountId""#),
            plain.replacingOccurrences(of: #""s3Bucket""#, with: #""size":12,"s3Bucket""#),
            plain.replacingOccurrences(of: "/2026/", with: "\\u002f2026/"),
            plain.replacingOccurrences(of: #""b","#, with: #""b\u00e9","#),
            plain.replacingOccurrences(of: #""b","#, with: "\"b\u{e9}\","),
        ] {
            let document = Array(other.utf8)
            #expect(DigestFile(commonCase: document) == nil, "\(other)")
            #expect((try? DigestFile(strictlyParsing: document)) != nil, "\(other)")
        }
        // Damaged documents: whatever the common case takes, the strict reader takes as the same digest.
        var generator = SplitMix(seed: 31)
        let interesting = Array(#""\/,:{}[] nu0aZ-T"#.utf8) + [0x00, 0x09, 0x7f, 0xc3, 0xe9]
        var taken = 0
        for round in 0..<6_000 {
            var document = documents[round % documents.count]
            for _ in 0..<Int.random(in: 1...3, using: &generator) {
                let index = Int.random(in: 0..<document.count, using: &generator)
                switch Int.random(in: 0..<4, using: &generator) {
                case 0: document[index] = interesting.randomElement(using: &generator)!
                case 1: document.remove(at: index)
                case 2: document.insert(interesting.randomElement(using: &generator)!, at: index)
                default:
                    let end = min(document.count, index + Int.random(in: 1...40, using: &generator))
                    document.insert(contentsOf: document[index..<end], at: end)
                }
            }
            guard let common = DigestFile(commonCase: document) else { continue }
            taken += 1
            let strict = try? DigestFile(strictlyParsing: document)
            #expect(strict == common, "round \(round): \(String(decoding: document, as: UTF8.self))")
        }
        #expect(taken > 100, "the damage left too few documents in the common case to compare (\(taken))")
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

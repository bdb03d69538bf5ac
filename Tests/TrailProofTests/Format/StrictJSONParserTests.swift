import Testing

@testable import TrailProof

@Suite("Strict JSON")
struct StrictJSONParserTests {
    private func parse(_ text: String) throws -> JSONValue { try StrictJSONParser.parse(Array(text.utf8)) }

    @Test("Reads documents, keeping member order and number text")
    func reads() throws {
        let value = try parse(#" {"b": [1, -2.5e3, true, null], "a": "x\u00e9\ud83d\ude00\n"} "#)
        guard case .object(let members) = value else { Issue.record("not an object"); return }
        #expect(members.map(\.key) == ["b", "a"])
        #expect(value["b"] == .array([.number("1"), .number("-2.5e3"), .bool(true), .null]))
        #expect(value["a"] == .string("xé😀\n"))
    }

    @Test(
        "Refuses what lenient parsers accept",
        arguments: [
            #"{"a": 1, "a": 2}"#, #"{"a": 1} x"#, #"[1,]"#, #"{"a":1,}"#, "[01]", "[1.]", "['a']", #"["\ud800"]"#,
            #"["\udc00x"]"#, "[\"a\u{01}\"]", "", "nul", #"{"a" 1}"#, #"["\x"]"#,
        ])
    func refuses(_ text: String) {
        #expect(throws: StrictJSONParser.Failure.self) { try parse(text) }
    }

    @Test("Strings with escapes read as the same text as without: CloudTrail writes every / as \\/")
    func escapedStrings() throws {
        let plain = "AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/06/03/x_20260603T230000Z.json.gz"
        #expect(try parse(#"[""# + plain.replacingOccurrences(of: "/", with: #"\/"#) + #""]"#) == .array([.string(plain)]))
        let cases: [(String, String)] = [
            (#""a\/b\"c\\d""#, "a/b\"c\\d"),
            (#""\u0000\t\u00e9é\ud83d\ude00😀\/""#, "\u{0}\té\u{e9}😀😀/"),
            (#""é\/ü""#, "é/ü"),
            (#""\b\f\n\r""#, "\u{08}\u{0C}\n\r"),
        ]
        for (json, text) in cases { #expect(try parse("[" + json + "]") == .array([.string(text)]), "\(json)") }
    }

    @Test("A string's closing quote, escape, control or non-ASCII byte counts wherever it falls against eight-byte words")
    func stringBytesAtEveryOffset() throws {
        for offset in 0..<24 {
            let head = String(repeating: "a", count: offset)
            let tail = String(repeating: "b", count: 9)
            #expect(try parse(#"[""# + head + #"",""# + tail + #""]"#) == .array([.string(head), .string(tail)]), "quote at \(offset)")
            #expect(try parse(#"[""# + head + #"\/"# + tail + #""]"#) == .array([.string(head + "/" + tail)]), "escape at \(offset)")
            #expect(try parse(#"[""# + head + "é" + tail + #""]"#) == .array([.string(head + "é" + tail)]), "é at \(offset)")
            #expect(throws: StrictJSONParser.Failure.self, "control at \(offset)") { try parse(#"[""# + head + "\u{1f}" + tail + #""]"#) }
            let invalid = Array(#"[""#.utf8) + Array(head.utf8) + [0xFF] + Array(tail.utf8) + Array(#""]"#.utf8)
            #expect(throws: StrictJSONParser.Failure.self, "0xFF at \(offset)") { try StrictJSONParser.parse(invalid) }
        }
    }

    @Test("Refuses invalid and overlong UTF-8")
    func refusesBadUTF8() {
        for bytes: [UInt8] in [[0x22, 0xC0, 0xAF, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22], [0x22, 0xFF, 0x22], [0x22, 0xE2, 0x82, 0x22]] {
            #expect(throws: StrictJSONParser.Failure.self) { try StrictJSONParser.parse(bytes) }
        }
    }

    @Test("Refuses nesting deeper than the limit instead of exhausting the stack")
    func depthLimit() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: StrictJSONParser.Failure.self) { try parse(deep) }
    }

    @Test("Writes compact JSON as Jackson does: / unescaped, control characters escaped")
    func writes() throws {
        let value = JSONValue.object([("k/1", .string("a/b\"c\\\u{01}é")), ("n", .null), ("l", .array([]))])
        let text = String(decoding: value.serialized(), as: UTF8.self)
        #expect(text == #"{"k/1":"a/b\"c\\\u0001é","n":null,"l":[]}"#)
        #expect(try StrictJSONParser.parse(value.serialized()) == value)
    }
}

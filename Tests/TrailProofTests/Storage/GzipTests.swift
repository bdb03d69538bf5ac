import CZlib
import Foundation
import Testing

@testable import TrailProof

@Suite("Gzip")
struct GzipTests {
    static let text = Array(String(repeating: "CloudTrail record; ", count: 50_000).utf8)

    @Test("Round trip, streamed in small chunks")
    func roundTrip() throws {
        let compressed = try Gzip.compress(Self.text)
        let inflater = GzipInflater()
        var output: [UInt8] = []
        var offset = 0
        while offset < compressed.count {
            let end = min(offset + 7, compressed.count)
            try inflater.feed(Array(compressed[offset..<end])) { output.append(contentsOf: $0) }
            offset = end
        }
        #expect(inflater.finish() == .complete)
        #expect(output == Self.text)
    }

    @Test("Truncation, appended bytes and a second member are told apart")
    func endings() throws {
        let compressed = try Gzip.compress(Self.text)
        func ending(_ bytes: [UInt8]) throws -> GzipInflater.Ending {
            let inflater = GzipInflater()
            try inflater.feed(bytes) { _ in }
            return inflater.finish()
        }
        #expect(try ending(Array(compressed.dropLast(4))) == .truncated)
        #expect(try ending([]) == .truncated)
        #expect(try ending(compressed + [0, 1, 2]) == .trailingData(byteCount: 3))
        let second = try Gzip.compress(Array("x".utf8))
        #expect(try ending(compressed + second) == .trailingData(byteCount: second.count))
        #expect(throws: GzipInflater.FormatError.self) { try ending(Array("not gzip".utf8)) }
        var corrupted = compressed
        corrupted[corrupted.count - 6] ^= 0xff  // CRC-32 in the trailer
        #expect(throws: GzipInflater.FormatError.self) { try ending(corrupted) }
        #expect(throws: GzipInflater.FormatError.self) { try GzipInflater.decompressWhole(compressed + [0]) }
    }
}

/// ``GzipInflater/inflateWhole(_:output:)`` decodes with libdeflate where it can: its answer
/// (bytes, ending, error) must be exactly zlib's streaming answer for every input.
@Suite("Gzip whole-buffer decoding")
struct GzipWholeBufferTests {
    /// What one decoding gave: the bytes and the ending, or the error's reason.
    struct Outcome: Equatable, CustomStringConvertible {
        var output: [UInt8] = []
        var ending: GzipInflater.Ending?
        var error: String?
        var description: String { "\(output.count) bytes, \(ending.map { "\($0)" } ?? "error \(error ?? "")")" }
    }

    static func whole(_ input: [UInt8], inflater: GzipInflater) -> Outcome {
        var outcome = Outcome()
        do {
            outcome.ending = try input.withUnsafeBytes { try inflater.inflateWhole($0) { outcome.output += $0 } }
        } catch {
            outcome.error = "\(error)"
        }
        return outcome
    }

    static func streamed(_ input: [UInt8]) -> Outcome {
        let inflater = GzipInflater(wholeBuffer: false)
        var outcome = Outcome()
        do {
            try inflater.feed(input) { outcome.output += $0 }
            outcome.ending = inflater.finish()
        } catch {
            outcome.error = "\(error)"
        }
        return outcome
    }

    /// A gzip member with the given header flags and fields, as other writers make them.
    static func member(_ payload: [UInt8], flags: UInt8, extra: [UInt8] = [], name: String = "", headerCRC: UInt16? = nil) throws -> [UInt8] {
        let plain = try Gzip.compress(payload)
        var header: [UInt8] = [0x1f, 0x8b, 8, flags] + plain[4..<10]
        if flags & 0x04 != 0 { header += [UInt8(extra.count & 0xff), UInt8(extra.count >> 8)] + extra }
        if flags & 0x08 != 0 { header += Array(name.utf8) + [0] }
        if flags & 0x02 != 0 {
            let crc = headerCRC ?? UInt16(truncatingIfNeeded: crc32(0, header, UInt32(header.count)))
            header += [UInt8(crc & 0xff), UInt8(crc >> 8)]
        }
        return header + plain[10...]
    }

    @Test("libdeflate is installed (setup.sh installs libdeflate0), so the fast path is the one tested")
    func decoderPresent() {
        #expect(GzipInflater.hasWholeBufferDecoder)
    }

    @Test("Each kind of input: the same bytes, ending and error as zlib streaming")
    func sameAnswers() throws {
        let text = Array(String(repeating: "{\"eventName\":\"GetObject\"} ", count: 600).utf8)
        let compressed = try Gzip.compress(text)
        var crcBroken = compressed
        crcBroken[crcBroken.count - 6] ^= 0x01
        var sizeBroken = compressed
        sizeBroken[sizeBroken.count - 2] ^= 0x01
        var reservedFlag = compressed
        reservedFlag[3] = 0x20
        let large = Array(String(repeating: "0123456789abcdef", count: 40_000).utf8)  // 640 KB: zlib's
        let cases: [(String, [UInt8])] = [
            ("plain", compressed),
            ("empty content", try Gzip.compress([])),
            ("trailing bytes", compressed + [0, 1, 2]),
            ("second member", compressed + (try Gzip.compress(Array("x".utf8)))),
            ("truncated", Array(compressed.dropLast(3))),
            ("header only", Array(compressed.prefix(10))),
            ("CRC-32 changed", crcBroken),
            ("ISIZE changed", sizeBroken),
            ("reserved flag", reservedFlag),
            ("FEXTRA and FNAME", try Self.member(text, flags: 0x0c, extra: [1, 2, 3, 4], name: "log.json")),
            ("FHCRC right", try Self.member(text, flags: 0x02)),
            ("FHCRC wrong", try Self.member(text, flags: 0x02, headerCRC: 0xbeef)),
            ("larger than the whole-buffer limit", try Gzip.compress(large)),
            ("not gzip", Array("not gzip at all, not even close".utf8)),
        ]
        let inflater = GzipInflater()
        for (name, input) in cases {
            let expected = Self.streamed(input)
            let got = Self.whole(input, inflater: inflater)
            #expect(got == expected, "\(name): whole-buffer \(got), zlib \(expected)")
        }
        #expect(Self.whole(compressed, inflater: inflater).output == text)
        #expect(Self.streamed(try Self.member(text, flags: 0x02, headerCRC: 0xbeef)).error != nil, "zlib checks the header CRC")
    }

    @Test("decompressWhole reuses idle inflaters: after any failure and from many tasks at once, each call gets its own answer")
    func pooledWholeDecoding() async throws {
        let text = Array(String(repeating: "{\"eventName\":\"GetObject\"} ", count: 600).utf8)
        let compressed = try Gzip.compress(text)
        var crcBroken = compressed
        crcBroken[crcBroken.count - 6] ^= 0x01
        let large = Array(String(repeating: "0123456789abcdef", count: 40_000).utf8)  // zlib's, not libdeflate's
        let inputs: [[UInt8]] = [
            compressed, try Gzip.compress(Array("short".utf8)), crcBroken, Array(compressed.dropLast(3)), compressed + [0],
            try Gzip.compress(large), Array("not gzip".utf8), try Gzip.compress([]),
        ]
        // What a fresh zlib stream says of each: the bytes of a complete member, or nil.
        let expected: [[UInt8]?] = inputs.map { input in
            let outcome = Self.streamed(input)
            return outcome.ending == .complete ? outcome.output : nil
        }
        try await withThrowingTaskGroup(of: Int.self) { group in
            for task in 0..<8 {
                group.addTask {
                    var generator = SplitMix(seed: UInt64(task))
                    var compared = 0
                    for _ in 0..<150 {
                        let index = Int.random(in: 0..<inputs.count, using: &generator)
                        let got = try? GzipInflater.decompressWhole(inputs[index])
                        try #require(got == expected[index], "input \(index): \(got?.count ?? -1) bytes")
                        compared += 1
                    }
                    return compared
                }
            }
            var compared = 0
            for try await count in group { compared += count }
            #expect(compared == 1200)
        }
    }

    @Test("Mutated files: libdeflate's answer is always zlib's")
    func mutations() throws {
        var generator = SplitMix(seed: 0x7472_6169_6c70_726f)
        let seeds = try [
            Gzip.compress(Array(String(repeating: "{\"awsRegion\":\"us-east-1\",\"eventID\":\"e\"}", count: 300).utf8)),
            Gzip.compress((0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) }),
            Self.member(Array("short".utf8), flags: 0x08, name: "x"),
        ]
        let inflater = GzipInflater()
        var compared = 0
        for seed in seeds {
            for _ in 0..<700 {
                var input = seed
                for _ in 0..<Int.random(in: 1...3, using: &generator) {
                    let index = Int.random(in: 0..<input.count, using: &generator)
                    switch Int.random(in: 0..<3, using: &generator) {
                    case 0: input[index] ^= UInt8(1) << UInt8.random(in: 0...7, using: &generator)
                    case 1: input[index] = UInt8.random(in: 0...255, using: &generator)
                    default: input = Array(input.prefix(index))
                    }
                    if input.isEmpty { break }
                }
                let expected = Self.streamed(input)
                let got = Self.whole(input, inflater: inflater)
                try #require(got == expected, "input \(input.map { String(format: "%02x", $0) }.joined())")
                compared += 1
            }
        }
        #expect(compared == 2100)
    }
}

/// A small deterministic generator, so a failing mutation can be reproduced.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

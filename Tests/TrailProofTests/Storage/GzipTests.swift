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

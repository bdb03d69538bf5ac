import Testing

@testable import TrailProof

/// The allocation-free forms the log verifier uses give the answers of the plain ones.
@Suite("Hex comparison and digest output")
struct HexAndDigestTests {
    @Test("isEncoding(of:_:) answers as encode(bytes) == text, whatever the text")
    func hexComparisonAgreesWithEncoding() {
        var generator = SplitMix(seed: 8)
        for round in 0..<2_000 {
            let bytes = (0..<Int.random(in: 0...40, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let exact = Hex.encode(bytes)
            var candidates = [exact, exact.uppercased(), String(exact.dropLast()), exact + "0", "", "é" + exact.dropFirst()]
            if !exact.isEmpty {
                var changed = Array(exact.utf8)
                let position = Int.random(in: 0..<changed.count, using: &generator)
                changed[position] = changed[position] == UInt8(ascii: "0") ? UInt8(ascii: "1") : UInt8(ascii: "0")
                candidates.append(String(decoding: changed, as: UTF8.self))
                // A letter whose canonical decomposition is an ASCII letter (KELVIN SIGN is K).
                candidates.append("\u{212A}" + exact.dropFirst())
            }
            for text in candidates {
                let answer = bytes.withUnsafeBytes { Hex.isEncoding(of: $0, text) }
                #expect(answer == (exact == text), "round \(round): \(bytes) against \"\(text)\"")
            }
        }
    }

    @Test("encode writes lowercase pairs; decode reads either case and refuses an odd length or any other character, wherever it is")
    func decoding() {
        var generator = SplitMix(seed: 9)
        #expect(Hex.decode("") == [])
        for _ in 0..<500 {
            let bytes = (0..<Int.random(in: 1...40, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let text = Hex.encode(bytes)
            let reference = bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
            #expect(text == reference)
            #expect(Hex.encode(bytes.lazy.map { $0 }) == reference, "a sequence without contiguous storage")
            #expect(Hex.decode(text) == bytes)
            #expect(Hex.decode(text.uppercased()) == bytes)
            #expect(Hex.decode(String(text.dropLast())) == nil)
            var damaged = Array(text.utf8)
            damaged[Int.random(in: 0..<damaged.count, using: &generator)] = [UInt8(ascii: "g"), UInt8(ascii: " "), 0xC3].randomElement(
                using: &generator)!
            #expect(Hex.decode(String(decoding: damaged, as: UTF8.self)) == nil, "\(damaged)")
        }
    }

    @Test("finish(_:) hands over the bytes finish() returns", arguments: [MessageDigest.Algorithm.sha256, .md5, .sha1])
    func finishInPlace(_ algorithm: MessageDigest.Algorithm) {
        for input in [[], Array("abc".utf8), [UInt8](repeating: 7, count: 100_000)] {
            let plain = MessageDigest(algorithm)
            plain.update(input)
            let inPlace = MessageDigest(algorithm)
            inPlace.update(input)
            #expect(inPlace.finish { Array($0) } == plain.finish())
        }
        let digest = MessageDigest(.sha256)
        digest.update(Array("abc".utf8))
        #expect(digest.finish { Hex.encode($0) } == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}

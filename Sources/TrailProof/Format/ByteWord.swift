/// Eight bytes of untrusted text read as one word, so that the checks every object goes through
/// (its key, the strings of its digest) look at a word where they would look at eight bytes.
/// Every test is exact: it answers as the same test on each of the eight bytes would.
struct ByteWord {
    /// The eight bytes, the first in the low byte.
    let value: UInt64

    /// The eight bytes of `bytes` from `offset` (which must leave eight).
    @inline(__always)
    init(_ bytes: UnsafeRawBufferPointer, at offset: Int) {
        value = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highs: UInt64 = 0x8080_8080_8080_8080

    /// Whether some byte is below `limit` (at most 0x80): a borrow can only mark a byte when a
    /// lower byte is itself below it.
    @inline(__always)
    func hasByte(below limit: UInt8) -> Bool {
        (value &- Self.ones &* UInt64(limit)) & ~value & Self.highs != 0
    }

    /// Whether some byte is `byte`.
    @inline(__always)
    func contains(_ byte: UInt8) -> Bool {
        let difference = value ^ (Self.ones &* UInt64(byte))
        return (difference &- Self.ones) & ~difference & Self.highs != 0
    }

    /// Whether some byte is 0x80 or above (not ASCII).
    @inline(__always)
    var hasNonASCII: Bool { value & Self.highs != 0 }

    /// 0x80 in exactly the bytes that are `byte`, 0 in the others; the first such byte is at
    /// `trailingZeroBitCount / 8`. No carry crosses a byte: a byte's low seven bits plus 0x7f
    /// stay below 0x100.
    @inline(__always)
    func positions(of byte: UInt8) -> UInt64 {
        let difference = value ^ (Self.ones &* UInt64(byte))
        let low = ~Self.highs
        return ~(((difference & low) &+ low) | difference | low)
    }

    /// Whether every byte of `bytes` is ASCII, a word at a time.
    static func isASCII(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var position = 0
        while position + 8 <= bytes.count {
            if ByteWord(bytes, at: position).hasNonASCII { return false }
            position += 8
        }
        while position < bytes.count {
            if bytes[position] >= 0x80 { return false }
            position += 1
        }
        return true
    }

    /// Where the whole words from `start` that may stand in a JSON string as they are (printable
    /// ASCII other than `"` and `\`) end: the reading byte by byte resumes there, at the word
    /// that holds the closing quote, an escape or a byte to check (JSON strings of keys, hashes
    /// and signatures are mostly such words).
    @inline(__always)
    static func endOfPlainStringWords(in bytes: UnsafeRawBufferPointer, from start: Int) -> Int {
        var position = start
        while position + 8 <= bytes.count {
            let word = ByteWord(bytes, at: position)
            guard !(word.hasByte(below: 0x20) || word.hasNonASCII || word.contains(UInt8(ascii: "\"")) || word.contains(UInt8(ascii: "\\")))
            else { break }
            position += 8
        }
        return position
    }
}

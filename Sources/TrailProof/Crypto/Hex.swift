/// Lowercase hexadecimal encoding and strict decoding.
public enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    /// Lowercase hex of the bytes, two characters per byte.
    public static func encode<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        // Contiguous bytes (the usual case: a hash, a signature) straight into the string's storage.
        bytes.withContiguousStorageIfAvailable { encode(UnsafeRawBufferPointer($0)) } ?? Array(bytes).withUnsafeBytes { encode($0) }
    }

    private static func encode(_ bytes: UnsafeRawBufferPointer) -> String {
        digits.withUnsafeBufferPointer { digits in
            String(unsafeUninitializedCapacity: bytes.count * 2) { out in
                for (index, byte) in bytes.enumerated() {
                    out[2 * index] = digits[Int(byte >> 4)]
                    out[2 * index + 1] = digits[Int(byte & 0x0f)]
                }
                return bytes.count * 2
            }
        }
    }

    /// Whether `text` is the lowercase hex of `bytes`: the answer of `encode(bytes) == text`,
    /// without making the string (a run compares one hash per log file).
    public static func isEncoding(of bytes: UnsafeRawBufferPointer, _ text: String) -> Bool {
        let answer = text.utf8.withContiguousStorageIfAvailable { utf8 -> Bool in
            guard utf8.count == bytes.count * 2 else { return false }
            // Through pointers, one table load and one two-byte compare per byte, differences
            // gathered without a branch.
            let characters = UnsafeRawBufferPointer(utf8)
            return pairs.withUnsafeBufferPointer { pairs in
                var difference: UInt16 = 0
                for index in 0..<bytes.count {
                    difference |= characters.loadUnaligned(fromByteOffset: 2 * index, as: UInt16.self) ^ pairs[Int(bytes[index])]
                }
                return difference == 0
            }
        }
        return answer ?? (encode(bytes) == text)
    }

    /// Each byte's two lowercase hex digits as they lie in memory (the first digit at the lower
    /// address), read as one little- or big-endian `UInt16` alike.
    private static let pairs: [UInt16] = (0...255).map { byte in
        var pair: UInt16 = 0
        withUnsafeMutableBytes(of: &pair) {
            $0[0] = digits[byte >> 4]
            $0[1] = digits[byte & 0x0f]
        }
        return pair
    }

    /// The bytes of an even-length hex string (either case), or nil if it is not one.
    public static func decode(_ text: String) -> [UInt8]? {
        // On the string's bytes in place, into an array made at its final size: a run decodes a
        // 512-digit signature per digest.
        var text = text
        return text.withUTF8 { utf8 -> [UInt8]? in
            guard utf8.count % 2 == 0 else { return nil }
            var valid = true
            let out = [UInt8](unsafeUninitializedCapacity: utf8.count / 2) { buffer, count in
                valid = decode(UnsafeRawBufferPointer(utf8), into: UnsafeMutableRawBufferPointer(buffer), using: values)
                count = utf8.count / 2
            }
            return valid ? out : nil
        }
    }

    /// Decodes lowercase hex `digits` (an even number) into `out` (half as many bytes), as a digest
    /// entry's hash is kept (aws-cli compares that text with a lowercase hex digest); false when
    /// a byte is not a lowercase digit.
    static func decodeLowercase(_ digits: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer) -> Bool {
        decode(digits, into: out, using: lowercaseValues)
    }

    private static func decode(_ digits: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer, using table: [UInt8]) -> Bool {
        table.withUnsafeBufferPointer { values in
            // One table load per digit; an invalid digit (0xff) sets the high bits.
            var invalid: UInt8 = 0
            for index in 0..<digits.count / 2 {
                let high = values[Int(digits[2 * index])]
                let low = values[Int(digits[2 * index + 1])]
                invalid |= high | low
                out[index] = high << 4 | low
            }
            return invalid & 0xf0 == 0
        }
    }

    /// Each byte's value as a hex digit (either case), 0xff for a byte that is not one.
    private static let values: [UInt8] = (0...255).map { character in
        switch UInt8(character) {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt8(character) - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt8(character) - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt8(character) - UInt8(ascii: "A") + 10
        default: 0xff
        }
    }

    /// ``values`` for lowercase digits only: `A` to `F` are not digits here.
    private static let lowercaseValues: [UInt8] = values.indices.map {
        (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(UInt8($0)) ? 0xff : values[$0]
    }
}

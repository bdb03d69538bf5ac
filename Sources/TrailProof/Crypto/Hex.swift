/// Lowercase hexadecimal encoding and strict decoding.
public enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    /// Lowercase hex of the bytes, two characters per byte.
    public static func encode<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Whether `text` is the lowercase hex of `bytes`: the answer of `encode(bytes) == text`,
    /// without making the string (a run compares one hash per log file).
    public static func isEncoding(of bytes: UnsafeRawBufferPointer, _ text: String) -> Bool {
        let answer = text.utf8.withContiguousStorageIfAvailable { utf8 -> Bool in
            guard utf8.count == bytes.count * 2 else { return false }
            for (index, byte) in bytes.enumerated()
            where utf8[2 * index] != digits[Int(byte >> 4)] || utf8[2 * index + 1] != digits[Int(byte & 0x0f)] {
                return false
            }
            return true
        }
        return answer ?? (encode(bytes) == text)
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
                for index in 0..<utf8.count / 2 {
                    guard let high = value(utf8[2 * index]), let low = value(utf8[2 * index + 1]) else {
                        valid = false
                        break
                    }
                    buffer[index] = high << 4 | low
                    count = index + 1
                }
            }
            return valid ? out : nil
        }
    }

    private static func value(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return character - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

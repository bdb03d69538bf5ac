/// A digest entry's hash value: 64 lowercase hex digits (what CloudTrail writes) are kept as
/// the 32 bytes they stand for, any other text as a string.
///
/// Every log file of a run has one; as a string it was an allocation, a free and reference
/// counts per file, and the comparison with the file's SHA-256 read 64 characters. Equal and
/// hashed as the text's string is (``CompactText``).
struct HashText: CompactText, Sendable {
    private enum Storage: Sendable {
        /// The 32 bytes, in order, four to a word (the first byte in the low byte).
        case digest(UInt64, UInt64, UInt64, UInt64)
        case text(String)
    }

    private let storage: Storage

    init(_ text: String) {
        let digest = text.utf8.withContiguousStorageIfAvailable { Self.digest(UnsafeRawBufferPointer($0)) }
        storage = (digest ?? nil) ?? .text(text)
    }

    init(utf8 bytes: UnsafeRawBufferPointer) {
        storage = Self.digest(bytes) ?? .text(String(decoding: bytes, as: UTF8.self))
    }

    /// The 32 bytes of exactly 64 lowercase hex digits, or nil.
    private static func digest(_ text: UnsafeRawBufferPointer) -> Storage? {
        guard text.count == 64 else { return nil }
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        guard withUnsafeMutableBytes(of: &words, { Hex.decodeLowercase(text, into: $0) }) else { return nil }
        return .digest(UInt64(littleEndian: words.0), UInt64(littleEndian: words.1), UInt64(littleEndian: words.2), UInt64(littleEndian: words.3))
    }

    /// The text.
    var description: String {
        switch storage {
        case .text(let text):
            return text
        case .digest(let first, let second, let third, let fourth):
            var words = (first.littleEndian, second.littleEndian, third.littleEndian, fourth.littleEndian)
            return withUnsafeBytes(of: &words) { Hex.encode($0) }
        }
    }

    /// Whether the text is the lowercase hex of `digest`: the answer of `Hex.encode(digest) == text`.
    func isEncoding(of digest: UnsafeRawBufferPointer) -> Bool {
        switch storage {
        case .text(let text):
            return Hex.isEncoding(of: digest, text)
        case .digest(let first, let second, let third, let fourth):
            guard digest.count == 32 else { return false }
            return UInt64(littleEndian: digest.loadUnaligned(fromByteOffset: 0, as: UInt64.self)) == first
                && UInt64(littleEndian: digest.loadUnaligned(fromByteOffset: 8, as: UInt64.self)) == second
                && UInt64(littleEndian: digest.loadUnaligned(fromByteOffset: 16, as: UInt64.self)) == third
                && UInt64(littleEndian: digest.loadUnaligned(fromByteOffset: 24, as: UInt64.self)) == fourth
        }
    }

    static func sameCompactText(_ left: HashText, _ right: HashText) -> Bool? {
        guard case .digest(let a, let b, let c, let d) = left.storage, case .digest(let e, let f, let g, let h) = right.storage else { return nil }
        return a == e && b == f && c == g && d == h
    }
}

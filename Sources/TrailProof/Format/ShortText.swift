/// A short piece of text kept in place: ASCII of at most 24 bytes lies in the value itself,
/// anything else in a string.
///
/// A digest entry carries two event times (`YYYY-MM-DDTHH:MM:SSZ`, 20 bytes) that validation
/// never reads; as strings they were two allocations (and two frees, two reference counts) per
/// log file of every digest. Equal and hashed as the text's string is (``CompactText``).
struct ShortText: CompactText, Sendable {
    private enum Storage: Sendable {
        /// The bytes, the first in the low byte of the first word, and how many there are.
        case inline(UInt64, UInt64, UInt64, count: UInt8)
        case text(String)
    }

    private let storage: Storage

    /// How long a text may be to lie in place.
    static let capacity = 24

    init(_ text: String) {
        let inline = text.utf8.withContiguousStorageIfAvailable { Self.inline(UnsafeRawBufferPointer($0)) }
        storage = (inline ?? nil) ?? .text(text)
    }

    init(utf8 bytes: UnsafeRawBufferPointer) {
        storage = Self.inline(bytes) ?? .text(String(decoding: bytes, as: UTF8.self))
    }

    private static func inline(_ bytes: UnsafeRawBufferPointer) -> Storage? {
        guard bytes.count <= capacity, ByteWord.isASCII(bytes) else { return nil }
        var words: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &words) { $0.copyMemory(from: bytes) }
        return .inline(UInt64(littleEndian: words.0), UInt64(littleEndian: words.1), UInt64(littleEndian: words.2), count: UInt8(bytes.count))
    }

    /// The text.
    var description: String {
        switch storage {
        case .text(let text):
            return text
        case .inline(let first, let second, let third, let count):
            var words = (first.littleEndian, second.littleEndian, third.littleEndian)
            return withUnsafeBytes(of: &words) { String(decoding: $0.prefix(Int(count)), as: UTF8.self) }
        }
    }

    static func sameCompactText(_ left: ShortText, _ right: ShortText) -> Bool? {
        guard case .inline(let a, let b, let c, let count) = left.storage, case .inline(let d, let e, let f, let otherCount) = right.storage
        else { return nil }
        return count == otherCount && a == d && b == e && c == f
    }
}

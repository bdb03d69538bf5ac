/// Text that a value keeps in a compact form when it can (``ShortText``, ``HashText``) and in a
/// string otherwise: equal and hashed as its string is, so that a type holding it compares as
/// it did when it held the string.
protocol CompactText: Hashable, CustomStringConvertible {
    /// The text.
    init(_ text: String)
    /// The text of UTF-8 `bytes` (a parser's value, read in place): no string is made when it
    /// can be kept compact.
    init(utf8 bytes: UnsafeRawBufferPointer)
    /// Whether two values both kept compact hold the same text; nil when either is a string.
    static func sameCompactText(_ left: Self, _ right: Self) -> Bool?
}

extension CompactText {
    static func == (left: Self, right: Self) -> Bool {
        // Compact forms hold ASCII or bytes and compare as such; otherwise as strings compare (a
        // non-ASCII string may equal an ASCII one: K and the Kelvin sign).
        sameCompactText(left, right) ?? (left.description == right.description)
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(description)
    }
}

import Glibc

/// Where an object lives: a bucket and an S3 key.
///
/// Keys are S3 keys, not paths. ``validated(bucket:key:)`` refuses the keys that a path-based
/// store could be tricked by, so one rule protects every store.
public struct ObjectLocation: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The bucket name.
    public let bucket: String
    /// The object key.
    public let key: String

    /// Makes a location without checking it; use ``validated(bucket:key:)`` for untrusted input.
    public init(bucket: String, key: String) {
        self.bucket = bucket
        self.key = key
    }

    /// `s3://BUCKET/KEY`, as aws-cli prints objects.
    public var uri: String { "s3://\(bucket)/\(key)" }

    public var description: String { uri }

    public static func < (lhs: ObjectLocation, rhs: ObjectLocation) -> Bool {
        (lhs.bucket, lhs.key) < (rhs.bucket, rhs.key)
    }

    /// Whether key `a` comes before `b` in S3's order: by their UTF-8 bytes (String's own order
    /// compares Unicode canonical forms, which differs).
    public static func precedesInS3Order(_ a: String, _ b: String) -> Bool {
        // Native strings are contiguous UTF-8: compared in place, without copies (listings sort thousands).
        let inPlace = a.utf8.withContiguousStorageIfAvailable { left in
            b.utf8.withContiguousStorageIfAvailable { right in
                let common = min(left.count, right.count)
                let order = common == 0 ? 0 : memcmp(left.baseAddress!, right.baseAddress!, common)
                return order != 0 ? order < 0 : left.count < right.count
            }
        }
        return (inPlace ?? nil) ?? a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    /// The UTF-8 bytes `range` of `text` (all of them when nil), in place when the string is
    /// stored contiguously (every native string).
    static func withBytes<Result>(of text: String, _ range: Range<Int>? = nil, _ body: (UnsafeRawBufferPointer) throws -> Result) rethrows
        -> Result
    {
        let inPlace = try text.utf8.withContiguousStorageIfAvailable { all in
            try body(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: all[range ?? 0..<all.count])))
        }
        if let inPlace { return inPlace }
        return try Array(text.utf8).withUnsafeBytes { all in try body(UnsafeRawBufferPointer(rebasing: all[range ?? 0..<all.count])) }
    }

    /// Whether two keys (or parts of keys) are the same bytes: S3's identity, where `==` on
    /// strings would also match canonically equivalent ones.
    static func sameBytes(_ left: UnsafeRawBufferPointer, _ right: UnsafeRawBufferPointer) -> Bool {
        left.count == right.count && (left.isEmpty || memcmp(left.baseAddress!, right.baseAddress!, left.count) == 0)
    }

    /// ``sameBytes(_:_:)`` of two whole strings.
    static func sameBytes(_ left: String, _ right: String) -> Bool {
        left.utf8.count == right.utf8.count && withBytes(of: left) { mine in withBytes(of: right) { sameBytes(mine, $0) } }
    }

    /// Whether the first `count` bytes of `left` and `right` (each at least that long) are the same.
    static func samePrefix(_ left: String, _ right: String, count: Int) -> Bool {
        withBytes(of: left, 0..<count) { mine in withBytes(of: right, 0..<count) { sameBytes(mine, $0) } }
    }

    /// Whether `key` starts with the bytes of `prefix` (no Unicode comparison), in place where
    /// both are contiguous.
    static func hasBytePrefix(_ key: String, _ prefix: String) -> Bool {
        let count = prefix.utf8.count
        return key.utf8.count >= count && withBytes(of: key, 0..<count) { head in withBytes(of: prefix) { sameBytes(head, $0) } }
    }

    /// A location whose bucket and key both pass ``validateBucket(_:)`` and ``validateKey(_:)``.
    public static func validated(bucket: String, key: String) throws -> ObjectLocation {
        try validateBucket(bucket)
        try validateKey(key)
        return ObjectLocation(bucket: bucket, key: key)
    }

    /// Accepts S3 bucket names, including legacy ones (upper case, underscores): 3 to 255 of
    /// `A-Z a-z 0-9 . _ -`, starting and ending with a letter or digit.
    public static func validateBucket(_ bucket: String) throws {
        // Every read checks its bucket: the bytes in place, the message only on failure.
        guard bucket.utf8.withContiguousStorageIfAvailable(isValidBucket) ?? Array(bucket.utf8).withUnsafeBufferPointer(isValidBucket)
        else {
            throw TrailProofError(
                .invalidObjectKey,
                "invalid bucket name \"\(bucket)\": use 3 to 255 letters, digits, '.', '_' or '-', starting and ending with a letter or digit"
            )
        }
    }

    /// ``validateBucket(_:)``'s rule in one pass: allowed bytes, no "..", the ends alphanumeric.
    private static func isValidBucket(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        // Letters by their lower-case form, digits by offset: two compares a byte.
        func isAlphanumeric(_ byte: UInt8) -> Bool {
            (byte | 0x20) &- UInt8(ascii: "a") < 26 || byte &- UInt8(ascii: "0") < 10
        }
        guard (3...255).contains(bytes.count), isAlphanumeric(bytes[0]), isAlphanumeric(bytes[bytes.count - 1]) else { return false }
        var previous: UInt8 = 0
        for byte in bytes {
            let dot = byte == UInt8(ascii: ".")
            if !(isAlphanumeric(byte) || dot || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")) || (dot && previous == byte) {
                return false
            }
            previous = byte
        }
        return true
    }

    /// Refuses keys that are empty, longer than 1024 bytes, start with `/`, have an empty, `.`
    /// or `..` segment, or contain a backslash, NUL or other control character.
    public static func validateKey(_ key: String) throws {
        // Every read checks its key: a tight pass over the bytes first, the message only on failure.
        switch key.utf8.withContiguousStorageIfAvailable(isSafeKey) {
        case true?: return
        case false?:
            try explainUnsafeKey(key)
            throw TrailProofError(.invalidObjectKey, "refusing object key \"\(printable(key))\": it is not a safe key")
        case nil: try explainUnsafeKey(key)
        }
    }

    /// ``validateKey(_:)``'s rules as one pass that only answers yes or no.
    ///
    /// Eight bytes at a time: a word is tested for a forbidden byte (control, DEL, backslash) as a
    /// whole, and its slashes are found from an exact mask, so only the segments that end in it are
    /// looked at (every read checks its key; a log key has about 16 words and 8 slashes).
    private static func isSafeKey(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let count = bytes.count
        guard count > 0, count <= 1024, bytes[0] != UInt8(ascii: "/") else { return false }
        var segmentStart = 0
        var index = 0
        let words = UnsafeRawBufferPointer(bytes)
        while index + 8 <= count {
            let word = ByteWord(words, at: index)
            guard !(word.hasByte(below: 0x20) || word.contains(0x7f) || word.contains(UInt8(ascii: "\\"))) else { return false }
            var slashes = word.positions(of: UInt8(ascii: "/"))
            while slashes != 0 {
                let slash = index + slashes.trailingZeroBitCount / 8
                guard isSafeSegment(bytes, segmentStart, slash) else { return false }
                segmentStart = slash + 1
                slashes &= slashes &- 1
            }
            index += 8
        }
        while index < count {
            let byte = bytes[index]
            if byte < 0x20 || byte == 0x7f || byte == UInt8(ascii: "\\") { return false }
            if byte == UInt8(ascii: "/") {
                guard isSafeSegment(bytes, segmentStart, index) else { return false }
                segmentStart = index + 1
            }
            index += 1
        }
        return isSafeSegment(bytes, segmentStart, count)
    }

    /// Whether `bytes[start..<end]` is a segment a key may have: not empty, not `.` or `..`.
    @inline(__always)
    private static func isSafeSegment(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        let dot = UInt8(ascii: ".")
        switch end - start {
        case 0: return false
        case 1: return bytes[start] != dot
        case 2: return bytes[start] != dot || bytes[start + 1] != dot
        default: return true
        }
    }

    /// Throws the error that says why `key` is unsafe, if it is.
    private static func explainUnsafeKey(_ key: String) throws {
        func refuse(_ why: String) -> TrailProofError {
            TrailProofError(.invalidObjectKey, "refusing object key \"\(printable(key))\": \(why)")
        }
        guard !key.isEmpty else { throw refuse("it is empty") }
        guard key.utf8.count <= 1024 else { throw refuse("it is longer than 1024 bytes") }
        guard key.utf8.first != UInt8(ascii: "/") else { throw refuse("it starts with '/'") }
        // One pass over the bytes: forbidden bytes first, then the first bad segment.
        var segmentLength = 0
        var segmentDots = 0
        var segmentProblem: String?
        func endSegment() {
            if segmentProblem == nil {
                if segmentLength == 0 {
                    segmentProblem = "it has an empty path segment"
                } else if segmentDots == segmentLength, segmentLength <= 2 {
                    segmentProblem = "it has a '\(String(repeating: ".", count: segmentLength))' segment"
                }
            }
            segmentLength = 0
            segmentDots = 0
        }
        for byte in key.utf8 {
            if byte == UInt8(ascii: "\\") { throw refuse("it contains a backslash") }
            if byte == 0 { throw refuse("it contains a NUL byte") }
            if byte < 0x20 || byte == 0x7f { throw refuse("it contains a control character") }
            if byte == UInt8(ascii: "/") {
                endSegment()
            } else {
                segmentLength += 1
                if byte == UInt8(ascii: ".") { segmentDots += 1 }
            }
        }
        endSegment()
        if let segmentProblem { throw refuse(segmentProblem) }
    }

    private static func printable(_ key: String) -> String {
        String(key.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7f ? "?" : Character($0) })
    }
}

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
        let bytes = bucket.utf8
        func isAlphanumeric(_ byte: UInt8) -> Bool {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
        }
        // One pass: allowed bytes, and no ".." (every read checks its bucket).
        var previous: UInt8 = 0
        var allowed = true
        for byte in bytes {
            let dot = byte == UInt8(ascii: ".")
            if !(isAlphanumeric(byte) || dot || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")) || (dot && previous == byte) {
                allowed = false
                break
            }
            previous = byte
        }
        guard allowed, (3...255).contains(bytes.count), isAlphanumeric(bytes.first!), isAlphanumeric(previous)
        else {
            throw TrailProofError(
                .invalidObjectKey,
                "invalid bucket name \"\(bucket)\": use 3 to 255 letters, digits, '.', '_' or '-', starting and ending with a letter or digit"
            )
        }
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
    private static func isSafeKey(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !bytes.isEmpty, bytes.count <= 1024, bytes[0] != UInt8(ascii: "/") else { return false }
        var segmentLength = 0
        var segmentDots = 0
        func take(_ byte: UInt8) -> Bool {
            if byte < 0x20 || byte == 0x7f || byte == UInt8(ascii: "\\") { return false }
            if byte == UInt8(ascii: "/") {
                if segmentLength == 0 || (segmentDots == segmentLength && segmentLength <= 2) { return false }
                segmentLength = 0
                segmentDots = 0
            } else {
                segmentLength += 1
                if byte == UInt8(ascii: ".") { segmentDots += 1 }
            }
            return true
        }
        // Eight bytes at a time: a word without a control byte, DEL, backslash, slash or dot only
        // lengthens the segment (every read checks its key, and most of a key is such words).
        let words = UnsafeRawBufferPointer(bytes)
        var index = 0
        while index + 8 <= bytes.count {
            if isPlain(words.loadUnaligned(fromByteOffset: index, as: UInt64.self)) {
                segmentLength += 8
                index += 8
                continue
            }
            for _ in 0..<8 {
                guard take(bytes[index]) else { return false }
                index += 1
            }
        }
        while index < bytes.count {
            guard take(bytes[index]) else { return false }
            index += 1
        }
        return segmentLength > 0 && !(segmentDots == segmentLength && segmentLength <= 2)
    }

    /// Whether none of the eight bytes of `word` is below 0x20, DEL, `\`, `/` or `.` (exact: the
    /// borrows of the subtractions can only mark a byte that is itself one of them).
    @inline(__always)
    private static func isPlain(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        func hasZeroByte(_ value: UInt64) -> Bool { (value &- ones) & ~value & highs != 0 }
        let hasControl = (word &- ones &* 0x20) & ~word & highs != 0
        return
            !(hasControl || hasZeroByte(word ^ (ones &* 0x7f)) || hasZeroByte(word ^ (ones &* 0x5c))
            || hasZeroByte(word ^ (ones &* 0x2f)) || hasZeroByte(word ^ (ones &* 0x2e)))
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

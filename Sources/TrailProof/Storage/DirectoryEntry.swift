import Glibc

/// Reading `readdir`'s entries safely.
enum DirectoryEntry {
    /// The entry's name, read up to its NUL in place. Copying the `d_name` field (256 bytes in
    /// the struct) reads past a short entry that `readdir` placed at the end of its buffer:
    /// that crashed listings, rarely, when the buffer ended at an unmapped page.
    static func name(_ entry: UnsafeMutablePointer<dirent>) -> String? {
        String(validating: nameBytes(entry), as: UTF8.self)
    }

    /// The entry's name as bytes, in place (up to its NUL): valid until the next `readdir` on
    /// its stream. A listing reads thousands; each ``name(_:)`` is a string made and validated.
    static func nameBytes(_ entry: UnsafeMutablePointer<dirent>) -> UnsafeBufferPointer<UInt8> {
        let offset = MemoryLayout<dirent>.offset(of: \dirent.d_name)!
        let start = (UnsafeRawPointer(entry) + offset).assumingMemoryBound(to: UInt8.self)
        return UnsafeBufferPointer(start: start, count: strlen(UnsafeRawPointer(start).assumingMemoryBound(to: CChar.self)))
    }

    /// Whether `name` is `.` or `..`.
    static func isDotOrDotDot(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
        let dot = UInt8(ascii: ".")
        return (name.count == 1 && name[0] == dot) || (name.count == 2 && name[0] == dot && name[1] == dot)
    }

    /// `path` followed by `name` as one string made in one allocation, or nil when `name` is not
    /// UTF-8 (such a name is no S3 key, and a listing leaves it out).
    static func key(_ path: String, _ name: UnsafeBufferPointer<UInt8>) -> String? {
        guard ByteWord.isASCII(UnsafeRawBufferPointer(name)) || String(validating: name, as: UTF8.self) != nil else { return nil }
        var path = path
        return path.withUTF8 { head in
            String(unsafeUninitializedCapacity: head.count + name.count) { out in
                _ = out.initialize(from: head)
                _ = UnsafeMutableBufferPointer(rebasing: out[head.count...]).initialize(from: name)
                return head.count + name.count
            }
        }
    }
}

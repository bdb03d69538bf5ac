import Glibc

/// Reading `readdir`'s entries safely.
enum DirectoryEntry {
    /// The entry's name, read up to its NUL in place. Copying the `d_name` field (256 bytes in
    /// the struct) reads past a short entry that `readdir` placed at the end of its buffer:
    /// that crashed listings, rarely, when the buffer ended at an unmapped page.
    static func name(_ entry: UnsafeMutablePointer<dirent>) -> String? {
        let offset = MemoryLayout<dirent>.offset(of: \dirent.d_name)!
        return String(validatingCString: (UnsafeRawPointer(entry) + offset).assumingMemoryBound(to: CChar.self))
    }
}

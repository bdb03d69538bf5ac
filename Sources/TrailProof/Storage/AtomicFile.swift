import Glibc

/// Whole-file writes for configuration files (keyrings, key lists): the new content appears
/// whole or not at all, and no temporary file is left behind on failure.
enum AtomicFile {
    /// Writes `bytes` to `path` through a synced temporary file and a rename.
    static func write(_ bytes: [UInt8], to path: String, mode: mode_t = 0o644) throws {
        try write(to: path, mode: mode) { sink in try sink(bytes) }
    }

    /// Writes what `produce` hands its sink, piece by piece, to `path` through a synced temporary
    /// file and a rename: the file appears whole or not at all.
    static func write(to path: String, mode: mode_t = 0o644, produce: (([UInt8]) throws -> Void) throws -> Void) throws {
        let temporary = path + LocalStore.temporaryMarker + SecureRandom.alphanumericString(8)
        let file = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
        guard file >= 0 else { throw TrailProofError(.storageFailure, "cannot create \(temporary): \(errnoText())") }
        var renamed = false
        defer { if !renamed { unlink(temporary) } }
        do {
            defer { close(file) }
            try produce { bytes in try FileDescriptorIO.write(bytes, to: file, naming: path) }
            guard fchmod(file, mode) == 0, fsync(file) == 0 else {
                throw TrailProofError(.storageFailure, "cannot sync \(path): \(errnoText())")
            }
        }
        guard rename(temporary, path) == 0 else {
            throw TrailProofError(.storageFailure, "cannot replace \(path): \(errnoText())")
        }
        renamed = true
    }

    /// The file's bytes, or nil if it does not exist.
    static func read(_ path: String) throws -> [UInt8]? {
        let file = open(path, O_RDONLY | O_CLOEXEC)
        if file < 0 {
            if errno == ENOENT { return nil }
            throw TrailProofError(.storageFailure, "cannot open \(path): \(errnoText())")
        }
        defer { close(file) }
        return try FileDescriptorIO.readToEnd(file, naming: path)
    }

    /// Creates a folder (and its parents) with `mode` if it does not exist.
    static func makeDirectory(_ path: String, mode: mode_t = 0o755) throws {
        var partial = path.hasPrefix("/") ? "/" : ""
        for segment in path.split(separator: "/") {
            partial += segment
            if mkdir(partial, mode) != 0, errno != EEXIST {
                throw TrailProofError(.storageFailure, "cannot create folder \(partial): \(errnoText())")
            }
            partial += "/"
        }
    }
}

import Glibc

/// Names of temporary files and the removal of those that killed writers left behind.
///
/// A temporary name is `PREFIX` + `HOST.PID.RANDOM`. A later writer removes a leftover only
/// when it is its own kind (the prefix), and either its host is this one and its process is
/// gone, or it is older than ``abandonedAfter`` (another host's, whose processes cannot be
/// asked). A live writer's file is never removed on its own host.
enum TemporaryFiles {
    /// After this many seconds a temporary file of another host counts as abandoned.
    static let abandonedAfter: Int = 3600

    /// A fresh temporary name for this process.
    static func name(prefix: String) -> String {
        "\(prefix)\(host).\(getpid()).\(SecureRandom.alphanumericString(12))"
    }

    /// Removes the abandoned temporary files named `prefix…` in `directory`; best effort, as a
    /// failure to clean must never stop a write.
    static func removeAbandoned(in directory: Int32, prefix: String) {
        let scan = openat(directory, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard scan >= 0, let stream = fdopendir(scan) else { return }
        defer { closedir(stream) }
        let now = time(nil)
        while let entry = readdir(stream) {
            let name = DirectoryEntry.name(entry)
            guard let name, name.hasPrefix(prefix) else { continue }
            var info = stat()
            guard fstatat(dirfd(stream), name, &info, AT_SYMLINK_NOFOLLOW) == 0, info.st_mode & S_IFMT == S_IFREG else { continue }
            let parts = name.dropFirst(prefix.count).split(separator: ".")
            let abandoned: Bool
            if parts.count == 3, parts[0] == host, let pid = pid_t(parts[1]) {
                abandoned = pid != getpid() && kill(pid, 0) != 0 && errno == ESRCH
            } else {
                abandoned = now - info.st_mtim.tv_sec > abandonedAfter
            }
            if abandoned { unlinkat(dirfd(stream), name, 0) }
        }
    }

    /// This machine's name, reduced to letters, digits and hyphens.
    private static let host: String = {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "host" }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let cleaned = String(
            String.UnicodeScalarView(
                name.unicodeScalars.filter { $0.isASCII && ($0.properties.isAlphabetic || $0.properties.numericType != nil || $0 == "-") }))
        return cleaned.isEmpty ? "host" : cleaned
    }()
}

import Glibc

/// A bucket store in a local folder, laid out as `aws s3 sync s3://B DIR/B` leaves it:
///
///     DIR/BUCKET/KEY                       the object's bytes, exactly
///     DIR/.metadata/BUCKET/KEY.json        its user metadata as a JSON object, if any
///
/// Every path is walked one segment at a time with `openat(…, O_NOFOLLOW)`, so neither an
/// unsafe key nor a symbolic link inside the store can make it read or write outside `DIR`.
/// Writes go to a temporary file that is synced and then renamed (or hard-linked, to refuse
/// overwriting), so a reader never sees a partial object.
public struct LocalStore: ObjectStore {
    /// The store's root folder.
    public let root: String

    static let metadataFolder = ".metadata"
    static let temporaryMarker = ".trailproof-tmp-"

    /// Opens a store rooted at `root`, which must be an existing folder.
    public init(root: String) throws {
        var info = stat()
        guard stat(root, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else {
            throw TrailProofError(.storageFailure, "store folder \(root) does not exist or is not a folder")
        }
        self.root = root
    }

    /// Opens a store, creating the folder if needed.
    public static func create(root: String) throws -> LocalStore {
        if mkdir(root, 0o755) != 0, errno != EEXIST {
            throw TrailProofError(.storageFailure, "cannot create store folder \(root): \(errnoText())")
        }
        return try LocalStore(root: root)
    }

    public var displayName: String { "local store \(root)" }

    // MARK: Reading

    public func listKeys(bucket: String, prefix: String, startAfter: String?) async throws -> [String] {
        try ObjectLocation.validateBucket(bucket)
        var rootDirectory = try openRoot()
        defer { close(rootDirectory) }
        guard let bucketDirectory = try openDirectory(in: rootDirectory, named: bucket, create: false, for: bucket) else {
            return []
        }
        close(rootDirectory)
        rootDirectory = -1
        // Descend through the whole folders of the prefix; the last partial segment filters names.
        let segments = prefix.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        var directory = bucketDirectory
        var basePath = ""
        for segment in segments.dropLast() {
            guard !segment.isEmpty, segment != ".", segment != ".." else {
                close(directory)
                return []
            }
            guard let next = try openDirectory(in: directory, named: segment, create: false, for: prefix) else {
                close(directory)
                return []
            }
            close(directory)
            directory = next
            basePath += segment + "/"
        }
        var keys: [String] = []
        try collectKeys(in: directory, path: basePath, namePrefix: segments.last ?? "", into: &keys)
        let startAfterBytes = startAfter.map { Array($0.utf8) }
        var sorted = keys.map { Array($0.utf8) }.sorted { $0.lexicographicallyPrecedes($1) }
        if let startAfterBytes {
            sorted.removeAll { !startAfterBytes.lexicographicallyPrecedes($0) }
        }
        return sorted.map { String(decoding: $0, as: UTF8.self) }
    }

    /// Adds every regular file below `directory` (closing it) whose first-level name starts with
    /// `namePrefix`. Symbolic links and temporary files are not objects and are skipped.
    private func collectKeys(in directory: Int32, path: String, namePrefix: String, into keys: inout [String]) throws {
        guard let stream = fdopendir(directory) else {
            close(directory)
            throw TrailProofError(.storageFailure, "cannot list \(root)/\(path): \(errnoText())")
        }
        defer { closedir(stream) }
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(validatingCString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            guard let name, name != ".", name != "..", name.hasPrefix(namePrefix),
                !name.hasPrefix(Self.temporaryMarker)
            else { continue }
            var info = stat()
            guard fstatat(dirfd(stream), name, &info, AT_SYMLINK_NOFOLLOW) == 0 else { continue }
            switch info.st_mode & S_IFMT {
            case S_IFREG:
                keys.append(path + name)
            case S_IFDIR:
                let child = openat(dirfd(stream), name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                guard child >= 0 else {
                    throw TrailProofError(.storageFailure, "cannot open \(root)/\(path)\(name): \(errnoText())")
                }
                try collectKeys(in: child, path: path + name + "/", namePrefix: "", into: &keys)
            default:
                continue
            }
        }
    }

    public func getObject(_ location: ObjectLocation) async throws -> StoredObject {
        var bytes: [UInt8] = []
        try readFile(objectPath(location), for: location) { bytes.append(contentsOf: $0) }
        return StoredObject(bytes: bytes, metadata: try readMetadata(location))
    }

    public func readObject(_ location: ObjectLocation, chunk: (UnsafeRawBufferPointer) throws -> Void) async throws {
        try readFile(objectPath(location), for: location, chunk: chunk)
    }

    /// The user metadata stored beside an object; empty when it has none.
    public func readMetadata(_ location: ObjectLocation) throws -> [String: String] {
        var bytes: [UInt8] = []
        do {
            try readFile(metadataPath(location), for: location) { bytes.append(contentsOf: $0) }
        } catch let error as TrailProofError where error.code == .objectNotFound {
            return [:]
        }
        guard case .object(let members) = try? StrictJSONParser.parse(bytes) else {
            throw TrailProofError(
                .storageFailure, "metadata of \(location.uri) in \(root)/\(Self.metadataFolder) is not a JSON object")
        }
        var metadata: [String: String] = [:]
        for member in members {
            guard let value = member.value.stringValue else {
                throw TrailProofError(
                    .storageFailure, "metadata of \(location.uri): value of \"\(member.key)\" is not a string")
            }
            metadata[member.key.lowercased()] = value
        }
        return metadata
    }

    private func readFile(_ path: [String], for location: ObjectLocation, chunk: (UnsafeRawBufferPointer) throws -> Void) throws {
        let file = try openForReading(path, for: location)
        defer { close(file) }
        let bufferSize = 256 * 1024
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bufferSize, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let count = read(file, buffer.baseAddress, bufferSize)
            if count < 0 {
                if errno == EINTR { continue }
                throw TrailProofError(.storageFailure, "cannot read \(location.uri) in \(displayName): \(errnoText())")
            }
            if count == 0 { return }
            try chunk(UnsafeRawBufferPointer(start: buffer.baseAddress, count: count))
        }
    }

    private func openForReading(_ path: [String], for location: ObjectLocation) throws -> Int32 {
        let rootDirectory = try openRoot()
        var directory = rootDirectory
        defer { close(directory) }
        for segment in path.dropLast() {
            guard let next = try openDirectory(in: directory, named: segment, create: false, for: location.uri) else {
                throw notFound(location)
            }
            close(directory)
            directory = next
        }
        let file = openat(directory, path.last!, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        if file < 0 {
            switch errno {
            case ENOENT, ENOTDIR: throw notFound(location)
            case ELOOP: throw symlinkRefused(location)
            default: throw TrailProofError(.storageFailure, "cannot open \(location.uri) in \(displayName): \(errnoText())")
            }
        }
        var info = stat()
        guard fstat(file, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            close(file)
            throw TrailProofError(.storageFailure, "\(location.uri) in \(displayName) is not a regular file")
        }
        return file
    }

    // MARK: Writing

    public func putObject(_ location: ObjectLocation, bytes: [UInt8], metadata: [String: String], overwrite: Bool) async throws {
        // Everything under the lock is synchronous: a task must never suspend while it holds a
        // lock that other tasks of this process wait for on the cooperative threads.
        let lock = try overwrite ? nil : acquireWriteLock()
        defer { if let lock { close(lock) } }
        if !overwrite, try exists(location) {
            throw TrailProofError(.objectExists, "\(location.uri) already exists in \(displayName); it is never overwritten")
        }
        if metadata.isEmpty {
            try removeFile(metadataPath(location), for: location)
        } else {
            let document = JSONValue.object(metadata.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })
            try writeFile(metadataPath(location), bytes: document.serialized(), for: location, overwrite: true)
        }
        try writeFile(objectPath(location), bytes: bytes, for: location, overwrite: overwrite)
    }

    public func objectExists(_ location: ObjectLocation) async throws -> Bool { try exists(location) }

    private func exists(_ location: ObjectLocation) throws -> Bool {
        do {
            close(try openForReading(try objectPath(location), for: location))
            return true
        } catch let error as TrailProofError where error.code == .objectNotFound {
            return false
        }
    }

    /// Serializes no-overwrite writes between processes sharing the store.
    private func acquireWriteLock() throws -> Int32 {
        let rootDirectory = try openRoot()
        defer { close(rootDirectory) }
        guard let metadataDirectory = try openDirectory(in: rootDirectory, named: Self.metadataFolder, create: true, for: "lock")
        else { throw TrailProofError(.storageFailure, "cannot create \(root)/\(Self.metadataFolder)") }
        defer { close(metadataDirectory) }
        let lock = openat(metadataDirectory, ".write-lock", O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard lock >= 0 else { throw TrailProofError(.storageFailure, "cannot open the store's write lock: \(errnoText())") }
        while flock(lock, LOCK_EX) != 0 {
            if errno != EINTR {
                close(lock)
                throw TrailProofError(.storageFailure, "cannot lock the store for writing: \(errnoText())")
            }
        }
        return lock
    }

    private func writeFile(_ path: [String], bytes: [UInt8], for location: ObjectLocation, overwrite: Bool) throws {
        let directory = try openParent(path, for: location)
        defer { close(directory) }
        let name = path.last!
        let temporary = Self.temporaryMarker + SecureRandom.alphanumericString(12)
        let file = openat(directory, temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard file >= 0 else {
            throw TrailProofError(.storageFailure, "cannot create a file for \(location.uri) in \(displayName): \(errnoText())")
        }
        var published = false
        defer { if !published { unlinkat(directory, temporary, 0) } }
        do {
            defer { close(file) }
            try bytes.withUnsafeBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let written = write(file, buffer.baseAddress! + offset, buffer.count - offset)
                    if written < 0 {
                        if errno == EINTR { continue }
                        throw TrailProofError(.storageFailure, "cannot write \(location.uri) in \(displayName): \(errnoText())")
                    }
                    offset += written
                }
            }
            guard fsync(file) == 0 else {
                throw TrailProofError(.storageFailure, "cannot sync \(location.uri) in \(displayName): \(errnoText())")
            }
        }
        if overwrite {
            guard renameat(directory, temporary, directory, name) == 0 else {
                throw TrailProofError(.storageFailure, "cannot publish \(location.uri) in \(displayName): \(errnoText())")
            }
            published = true
        } else {
            guard linkat(directory, temporary, directory, name, 0) == 0 else {
                if errno == EEXIST {
                    throw TrailProofError(.objectExists, "\(location.uri) already exists in \(displayName); it is never overwritten")
                }
                throw TrailProofError(.storageFailure, "cannot publish \(location.uri) in \(displayName): \(errnoText())")
            }
            unlinkat(directory, temporary, 0)
            published = true
        }
        fsync(directory)
    }

    private func removeFile(_ path: [String], for location: ObjectLocation) throws {
        let directory: Int32
        do {
            directory = try openParent(path, for: location, create: false)
        } catch let error as TrailProofError where error.code == .objectNotFound {
            return
        }
        defer { close(directory) }
        if unlinkat(directory, path.last!, 0) != 0, errno != ENOENT {
            throw TrailProofError(.storageFailure, "cannot remove stale metadata of \(location.uri): \(errnoText())")
        }
    }

    private func openParent(_ path: [String], for location: ObjectLocation, create: Bool = true) throws -> Int32 {
        var directory = try openRoot()
        for segment in path.dropLast() {
            let next: Int32?
            do {
                next = try openDirectory(in: directory, named: segment, create: create, for: location.uri)
            } catch {
                close(directory)
                throw error
            }
            close(directory)
            guard let next else { throw notFound(location) }
            directory = next
        }
        return directory
    }

    // MARK: Paths

    private func objectPath(_ location: ObjectLocation) throws -> [String] {
        try ObjectLocation.validateBucket(location.bucket)
        try ObjectLocation.validateKey(location.key)
        return [location.bucket] + location.key.split(separator: "/").map(String.init)
    }

    private func metadataPath(_ location: ObjectLocation) throws -> [String] {
        var path = [Self.metadataFolder] + (try objectPath(location))
        path[path.count - 1] += ".json"
        return path
    }

    private func openRoot() throws -> Int32 {
        let directory = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard directory >= 0 else { throw TrailProofError(.storageFailure, "cannot open store folder \(root): \(errnoText())") }
        return directory
    }

    /// Opens (or creates) one folder below `parent` without following a symbolic link; nil when absent.
    private func openDirectory(in parent: Int32, named name: String, create: Bool, for subject: String) throws -> Int32? {
        while true {
            let directory = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            if directory >= 0 { return directory }
            switch errno {
            case ENOENT:
                guard create else { return nil }
                if mkdirat(parent, name, 0o755) != 0, errno != EEXIST {
                    throw TrailProofError(.storageFailure, "cannot create a folder for \(subject) in \(displayName): \(errnoText())")
                }
            case ENOTDIR:
                var info = stat()
                if fstatat(parent, name, &info, AT_SYMLINK_NOFOLLOW) == 0, info.st_mode & S_IFMT == S_IFLNK {
                    throw TrailProofError(.storageFailure, "refusing to follow a symbolic link on the way to \(subject) in \(displayName)")
                }
                if create {
                    throw TrailProofError(.storageFailure, "a file stands where a folder is needed for \(subject) in \(displayName)")
                }
                return nil
            case ELOOP:
                throw TrailProofError(.storageFailure, "refusing to follow a symbolic link on the way to \(subject) in \(displayName)")
            default:
                throw TrailProofError(.storageFailure, "cannot open a folder for \(subject) in \(displayName): \(errnoText())")
            }
        }
    }

    private func notFound(_ location: ObjectLocation) -> TrailProofError {
        TrailProofError(.objectNotFound, "\(location.uri) not found in \(displayName)")
    }

    private func symlinkRefused(_ location: ObjectLocation) -> TrailProofError {
        TrailProofError(.storageFailure, "\(location.uri) in \(displayName) is a symbolic link; refusing to follow it")
    }
}

func errnoText() -> String { String(cString: strerror(errno)) }

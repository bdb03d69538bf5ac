import CSystemCalls
import Glibc
import Synchronization

/// A bucket store in a local folder, laid out as `aws s3 sync s3://B DIR/B` leaves it:
///
///     DIR/BUCKET/KEY                       the object's bytes, exactly
///     DIR/.metadata/BUCKET/KEY.json        its user metadata as a JSON object, if any
///
/// Every path is walked one segment at a time with `openat(…, O_NOFOLLOW)`, so neither an
/// unsafe key nor a symbolic link inside the store can make it read or write outside `DIR`. A
/// folder to read or list is first opened in one `openat2` call that the kernel holds to the
/// same rules (``openBeneathRoot(_:)``); the walk runs when that fails, and says why.
/// Only regular files are objects: a named pipe, device, socket, folder or link where an
/// object should be is listed (nothing is hidden) but never read, and is opened with
/// `O_NONBLOCK` so that it cannot block. Writes go to a temporary file in `DIR/.trailproof-tmp`
/// that is synced and then renamed (or hard-linked, to refuse overwriting), so a reader never
/// sees a partial object; the first write of a process removes what killed writers left there.
public struct LocalStore: ObjectStore {
    /// The store's root folder.
    public let root: String
    /// Folder handles shared by reads (see ``DirectoryHandles``).
    let handles = DirectoryHandles()

    static let metadataFolder = ".metadata"
    /// Where writes are prepared; no bucket name can start with a dot.
    static let temporaryFolder = ".trailproof-tmp"
    /// The name prefix of temporary files in other folders (``AtomicFile``).
    static let temporaryMarker = ".trailproof-tmp-"

    /// Opens a store rooted at `root`, which must be an existing folder.
    public init(root: String) throws {
        var info = stat()
        guard stat(root, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else {
            throw TrailProofError(.storageFailure, "store folder \(root) does not exist or is not a folder")
        }
        self.root = root
    }

    /// Opens a store for writing, creating the folder if needed, and removes the temporary
    /// files that killed writers left behind.
    public static func create(root: String) throws -> LocalStore {
        if mkdir(root, 0o755) != 0, errno != EEXIST {
            throw TrailProofError(.storageFailure, "cannot create store folder \(root): \(errnoText())")
        }
        let store = try LocalStore(root: root)
        close(try store.openTemporaryFolder())
        return store
    }

    public var displayName: String { "local store \(root)" }

    /// Reading a small file takes microseconds: up to 32 in a row per task (a whole digest's worth
    /// in quiet regions). Measured on 6,000 small logs: 1.3 ms and 2 ms of CPU less than batches of
    /// 8 (fewer task switches); 400 large logs take the same time with 8, 16 or 32.
    public var preferredBatchSize: Int { 32 }

    // MARK: Reading

    public func listKeys(bucket: String, prefix: String, startAfter: String?) async throws -> [String] {
        try list(bucket: bucket, prefix: prefix, startAfter: startAfter, times: false).map(\.key)
    }

    /// In the folders' own order: sorting a day of log keys was most of the cost of listing it.
    public func listKeysInAnyOrder(bucket: String, prefix: String) async throws -> [String] {
        try list(bucket: bucket, prefix: prefix, startAfter: nil, times: false, sorted: false).map(\.key)
    }

    public func listObjects(bucket: String, prefix: String, startAfter: String?, page: ([ListedObject]) throws -> Void) async throws {
        try page(try list(bucket: bucket, prefix: prefix, startAfter: startAfter, times: true))
    }

    /// The keys under `prefix`, with size and modification time when `times` (one `fstatat`
    /// per file; without, sizes and times are zero).
    private func list(bucket: String, prefix: String, startAfter: String?, times: Bool, sorted: Bool = true) throws -> [ListedObject] {
        try ObjectLocation.validateBucket(bucket)
        // Descend through the whole folders of the prefix; the last partial segment filters names.
        let segments = prefix.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let folders = segments.dropLast()
        guard let directory = try openBeneathRoot([bucket] + folders) ?? walkToListedFolder(bucket: bucket, folders, of: prefix) else {
            return []
        }
        var keys: [ListedObject] = []
        try collectKeys(in: directory, path: folders.map { $0 + "/" }.joined(), namePrefix: segments.last ?? "", times: times, into: &keys)
        if let startAfter {
            keys.removeAll { !ObjectLocation.precedesInS3Order(startAfter, $0.key) }
        }
        if sorted { keys.sort { ObjectLocation.precedesInS3Order($0.key, $1.key) } }
        return keys
    }

    /// The folder `folders` names in `bucket`, opened one segment at a time without following a
    /// link; nil (nothing to list) when one is absent, empty, `.` or `..`.
    private func walkToListedFolder(bucket: String, _ folders: ArraySlice<String>, of prefix: String) throws -> Int32? {
        let root = try openRoot()
        defer { close(root) }
        guard var directory = try openDirectory(in: root, named: bucket, create: false, for: bucket) else { return nil }
        for segment in folders {
            let next: Int32?
            do {
                next =
                    segment.isEmpty || segment == "." || segment == ".."
                    ? nil : try openDirectory(in: directory, named: segment, create: false, for: prefix)
            } catch {
                close(directory)
                throw error
            }
            close(directory)
            guard let next else { return nil }
            directory = next
        }
        return directory
    }

    public func listBuckets() async throws -> [String] {
        guard let stream = opendir(root) else { throw TrailProofError(.storageFailure, "cannot list store folder \(root): \(errnoText())") }
        defer { closedir(stream) }
        var buckets: [String] = []
        while let entry = readdir(stream) {
            let name = DirectoryEntry.name(entry)
            var info = stat()
            guard let name, !name.hasPrefix("."), (try? ObjectLocation.validateBucket(name)) != nil,
                fstatat(dirfd(stream), name, &info, AT_SYMLINK_NOFOLLOW) == 0, info.st_mode & S_IFMT == S_IFDIR
            else { continue }
            buckets.append(name)
        }
        return buckets.sorted { ObjectLocation.precedesInS3Order($0, $1) }
    }

    public func deleteObject(_ location: ObjectLocation) async throws {
        let lock = try acquireWriteLock()
        defer { close(lock) }
        try removeFile(objectPath(location), for: location)
        try removeFile(metadataPath(location), for: location)
    }

    /// Adds every file below `directory` (closing it) whose first-level name starts with
    /// `namePrefix`, descending into folders without following links. Anything that is not a
    /// folder is listed, even a link or a named pipe: reading it fails with its name, so a
    /// listing never hides what stands at a key.
    private func collectKeys(in directory: Int32, path: String, namePrefix: String, times: Bool, into keys: inout [ListedObject]) throws {
        guard let stream = fdopendir(directory) else {
            close(directory)
            throw TrailProofError(.storageFailure, "cannot list \(root)/\(path): \(errnoText())")
        }
        defer { closedir(stream) }
        // Names are looked at as bytes in place (S3 matches prefixes by bytes), and a file's key
        // is made in one allocation: a listing of a day of logs reads thousands of entries.
        let prefix = Array(namePrefix.utf8)
        while let entry = readdir(stream) {
            let name = DirectoryEntry.nameBytes(entry)
            guard !DirectoryEntry.isDotOrDotDot(name), name.starts(with: prefix) else { continue }
            let cName = UnsafeRawPointer(name.baseAddress!).assumingMemoryBound(to: CChar.self)
            // The entry's type as the folder records it (no stat per file); a file system that
            // does not record it is asked.
            var isDirectory = entry.pointee.d_type == UInt8(DT_DIR)
            if entry.pointee.d_type == UInt8(DT_UNKNOWN) {
                var info = stat()
                guard fstatat(dirfd(stream), cName, &info, AT_SYMLINK_NOFOLLOW) == 0 else { continue }
                isDirectory = info.st_mode & S_IFMT == S_IFDIR
            }
            // A name that is not UTF-8 is no S3 key: left out.
            guard let key = DirectoryEntry.key(path, name) else { continue }
            if isDirectory {
                let child = openat(dirfd(stream), cName, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                guard child >= 0 else {
                    throw TrailProofError(.storageFailure, "cannot open \(root)/\(key): \(errnoText())")
                }
                try collectKeys(in: child, path: key + "/", namePrefix: "", times: times, into: &keys)
            } else if times {
                var info = stat()
                guard fstatat(dirfd(stream), cName, &info, AT_SYMLINK_NOFOLLOW) == 0 else {
                    throw TrailProofError(.storageFailure, "cannot examine \(root)/\(key): \(errnoText())")
                }
                keys.append(ListedObject(key: key, size: Int64(info.st_size), lastModified: Timestamp(secondsSinceEpoch: Int64(info.st_mtim.tv_sec))))
            } else {
                keys.append(ListedObject(key: key, size: 0, lastModified: Timestamp(secondsSinceEpoch: 0)))
            }
        }
    }

    public func getObject(_ location: ObjectLocation, maxBytes: Int) async throws -> StoredObject {
        let bytes = try readWhole(objectFile(location), for: location, maxBytes: maxBytes) {
            TrailProofError(.objectTooLarge, "\(location.uri) in \(displayName) is larger than \(maxBytes) bytes")
        }
        return StoredObject(bytes: bytes, metadata: try readMetadata(location))
    }

    public func readObject(_ location: ObjectLocation, chunk: (UnsafeRawBufferPointer) throws -> Void) async throws {
        try readFile(objectFile(location), for: location, chunk: chunk)
    }

    public func readObject(_ location: ObjectLocation, using context: ReadContext, chunk: (UnsafeRawBufferPointer) throws -> Void) async throws {
        try readFile(objectFile(location), for: location, into: context.buffer, context: context, chunk: chunk)
    }

    /// The user metadata stored beside an object; empty when it has none.
    public func readMetadata(_ location: ObjectLocation) throws -> [String: String] {
        let bytes: [UInt8]
        do {
            // S3 allows 2 KB of user metadata; a larger file is not metadata this store wrote.
            bytes = try readWhole(metadataFile(location), for: location, what: "metadata of ", maxBytes: Self.maximumMetadataSize) {
                TrailProofError(
                    .storageFailure,
                    "metadata of \(location.uri) in \(root)/\(Self.metadataFolder) is larger than \(Self.maximumMetadataSize) bytes")
            }
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

    /// The most a metadata file may hold.
    static let maximumMetadataSize = 64 * 1024

    /// A whole small file, read into an array of its size (no staging buffer: digests and
    /// metadata are read hundreds of times in a run); `tooLarge` past `maxBytes`.
    private func readWhole(
        _ path: FilePath, for location: ObjectLocation, what: String = "", maxBytes: Int, tooLarge: () -> TrailProofError
    ) throws -> [UInt8] {
        let (file, size) = try openForReading(path, for: location, what: what)
        defer { close(file) }
        // One byte more than expected, to see a file that grew, or one past the limit.
        var bytes = [UInt8](repeating: 0, count: min(size, maxBytes) + 1)
        var filled = 0
        while true {
            if filled == bytes.count {
                guard bytes.count <= maxBytes else { throw tooLarge() }
                bytes += [UInt8](repeating: 0, count: min(max(bytes.count, 4096), maxBytes + 1 - bytes.count))
            }
            let count = try bytes.withUnsafeMutableBytes {
                try read(file, into: UnsafeMutableRawBufferPointer(rebasing: $0[filled...]), for: location, what: what)
            }
            if count == 0 { break }
            filled += count
            // A short read at or past the size it had when opened is the end (as in readFile).
            if filled < bytes.count, filled >= size { break }
        }
        guard filled <= maxBytes else { throw tooLarge() }
        bytes.removeLast(bytes.count - filled)
        return bytes
    }

    private func readFile(
        _ path: FilePath, for location: ObjectLocation, what: String = "", chunk: (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 256 * 1024, alignment: 16)
        defer { buffer.deallocate() }
        try readFile(path, for: location, what: what, into: buffer, chunk: chunk)
    }

    private func readFile(
        _ path: FilePath, for location: ObjectLocation, what: String = "", into buffer: UnsafeMutableRawBufferPointer,
        context: ReadContext? = nil, chunk: (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        precondition(buffer.count > 0, "a read buffer must not be empty")
        let (file, size) = try openForReading(path, for: location, what: what, context: context)
        defer { close(file) }
        var total = 0
        while true {
            let count = try read(file, into: buffer, for: location, what: what)
            if count == 0 { return }
            total += count
            try chunk(UnsafeRawBufferPointer(start: buffer.baseAddress, count: count))
            // A short read of a regular file is its end: once the size it had when opened is
            // read, the read that would return 0 is skipped (one syscall per small file).
            if count < buffer.count, total >= size { return }
        }
    }

    /// One `read` into `destination`, again when a signal interrupts it: the bytes read, 0 at
    /// the end of the file.
    private func read(_ file: Int32, into destination: UnsafeMutableRawBufferPointer, for location: ObjectLocation, what: String) throws -> Int {
        while true {
            let count = Glibc.read(file, destination.baseAddress, destination.count)
            if count >= 0 { return count }
            guard errno == EINTR else {
                throw TrailProofError(.storageFailure, "cannot read \(what)\(location.uri) in \(displayName): \(errnoText())")
            }
        }
    }

    /// An open regular file and its size when opened.
    /// With a `context`, the folder's handle is kept there for the next read.
    private func openForReading(_ path: FilePath, for location: ObjectLocation, what: String = "", context: ReadContext? = nil) throws -> (
        Int32, Int
    ) {
        // O_NONBLOCK: opening a named pipe must not wait for a writer; it is refused below.
        func openFile(in directory: Int32) -> (Int32, Int32) {
            // errno is read here: releasing the handle may change it.
            let file = path.withName { openat(directory, $0, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY) }
            return (file, errno)
        }
        // A local function, not a closure in a constant: that one was allocated (with a copy of
        // the path) on every read.
        func openFolder() throws -> Int32 { try openParent(path.segments, for: location, create: false) }
        let file: (Int32, Int32)
        if let context {
            file = try handles.withHandle(path.folder, lease: &context.folder, open: openFolder, openFile)
        } else {
            file = try handles.withHandle(path.folder, open: openFolder, openFile)
        }
        if file.0 < 0 {
            errno = file.1
            switch errno {
            case ENOENT, ENOTDIR: throw notFound(location)
            case ELOOP: throw symlinkRefused(location, what: what)
            default: throw TrailProofError(.storageFailure, "cannot open \(what)\(location.uri) in \(displayName): \(errnoText())")
            }
        }
        let descriptor = file.0
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            close(descriptor)
            throw TrailProofError(.storageFailure, "cannot examine \(what)\(location.uri) in \(displayName): \(errnoText())")
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            close(descriptor)
            throw TrailProofError(
                .storageFailure, "\(what)\(location.uri) in \(displayName) is \(Self.fileKind(info.st_mode)), not a regular file; refusing to read it"
            )
        }
        return (descriptor, max(0, Int(info.st_size)))
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
            close(try openForReading(try objectFile(location), for: location).0)
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
        let temporaryDirectory = try openTemporaryFolder()
        defer { close(temporaryDirectory) }
        let name = path.last!
        let temporary = TemporaryFiles.name(prefix: "")
        let file = openat(temporaryDirectory, temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0o644)
        guard file >= 0 else {
            throw TrailProofError(.storageFailure, "cannot create a file for \(location.uri) in \(displayName): \(errnoText())")
        }
        var published = false
        defer { if !published { unlinkat(temporaryDirectory, temporary, 0) } }
        do {
            defer { close(file) }
            try bytes.withUnsafeBytes { try FileDescriptorIO.write($0, to: file, naming: "\(location.uri) in \(displayName)") }
            guard fsync(file) == 0 else {
                throw TrailProofError(.storageFailure, "cannot sync \(location.uri) in \(displayName): \(errnoText())")
            }
        }
        if overwrite {
            guard renameat(temporaryDirectory, temporary, directory, name) == 0 else {
                throw TrailProofError(.storageFailure, "cannot publish \(location.uri) in \(displayName): \(errnoText())")
            }
            published = true
        } else {
            guard linkat(temporaryDirectory, temporary, directory, name, 0) == 0 else {
                if errno == EEXIST {
                    throw TrailProofError(.objectExists, "\(location.uri) already exists in \(displayName); it is never overwritten")
                }
                throw TrailProofError(.storageFailure, "cannot publish \(location.uri) in \(displayName): \(errnoText())")
            }
            unlinkat(temporaryDirectory, temporary, 0)
            published = true
        }
        fsync(directory)
    }

    /// `DIR/.trailproof-tmp`, created if needed; the first time in a process, emptied of what
    /// killed writers left there.
    private func openTemporaryFolder() throws -> Int32 {
        let rootDirectory = try openRoot()
        defer { close(rootDirectory) }
        guard let directory = try openDirectory(in: rootDirectory, named: Self.temporaryFolder, create: true, for: "temporary files") else {
            throw TrailProofError(.storageFailure, "cannot create \(root)/\(Self.temporaryFolder)")
        }
        if Self.cleanedRoots.withLock({ $0.insert(root).inserted }) {
            TemporaryFiles.removeAbandoned(in: directory, prefix: "")
        }
        return directory
    }

    /// The store roots whose temporary folder this process has cleaned.
    private static let cleanedRoots = Mutex<Set<String>>([])

    private func removeFile(_ path: [String], for location: ObjectLocation) throws {
        let directory: Int32
        do {
            directory = try openParent(path, for: location, create: false)
        } catch let error as TrailProofError where error.code == .objectNotFound {
            return
        }
        defer { close(directory) }
        if unlinkat(directory, path.last!, 0) != 0, errno != ENOENT {
            throw TrailProofError(.storageFailure, "cannot remove \(path.last!) of \(location.uri) in \(displayName): \(errnoText())")
        }
    }

    private func openParent(_ path: [String], for location: ObjectLocation, create: Bool = true) throws -> Int32 {
        if !create, let directory = try openBeneathRoot(path.dropLast()) { return directory }
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

    /// Where a file to read is: its folder below the root (the handle cache's key) and its name,
    /// the bytes of `nameSource` from `nameStart` on. Neither is copied out of the object key: a
    /// run reads one file per log, and two strings per read showed in the profile.
    private struct FilePath {
        let folder: DirectoryHandles.Folder
        let nameSource: String
        let nameStart: Int

        var name: String { String(decoding: nameSource.utf8.dropFirst(nameStart), as: UTF8.self) }

        /// Every segment from the root, for opening the folder segment by segment.
        var segments: [String] { folder.segments + [name] }

        /// Calls `body` with the name as a C string, in place.
        func withName<Result>(_ body: (UnsafePointer<CChar>) throws -> Result) rethrows -> Result {
            try nameSource.withCString { try body($0 + nameStart) }
        }
    }

    private func objectFile(_ location: ObjectLocation) throws -> FilePath {
        try ObjectLocation.validateBucket(location.bucket)
        try ObjectLocation.validateKey(location.key)
        let key = location.key
        let slashOffset =
            key.utf8.withContiguousStorageIfAvailable { bytes in bytes.lastIndex(of: UInt8(ascii: "/")) }
            ?? key.utf8.lastIndex(of: UInt8(ascii: "/")).map { key.utf8.distance(from: key.utf8.startIndex, to: $0) }
        let folder = DirectoryHandles.Folder(base: "", bucket: location.bucket, key: key, keyLength: slashOffset ?? 0)
        return FilePath(folder: folder, nameSource: key, nameStart: slashOffset.map { $0 + 1 } ?? 0)
    }

    private func metadataFile(_ location: ObjectLocation) throws -> FilePath {
        let object = try objectFile(location)
        let folder = object.folder
        return FilePath(
            folder: DirectoryHandles.Folder(base: Self.metadataFolder + "/", bucket: folder.bucket, key: folder.key, keyLength: folder.keyLength),
            nameSource: object.name + ".json", nameStart: 0)
    }

    private func objectPath(_ location: ObjectLocation) throws -> [String] {
        try ObjectLocation.validateBucket(location.bucket)
        try ObjectLocation.validateKey(location.key)
        var path = [location.bucket]
        var segmentStart = location.key.utf8.startIndex
        for index in location.key.utf8.indices where location.key.utf8[index] == UInt8(ascii: "/") {
            path.append(String(location.key[segmentStart..<index]))
            segmentStart = location.key.utf8.index(after: index)
        }
        path.append(String(location.key[segmentStart...]))
        return path
    }

    private func metadataPath(_ location: ObjectLocation) throws -> [String] {
        var path = [Self.metadataFolder] + (try objectPath(location))
        path[path.count - 1] += ".json"
        return path
    }

    /// Opens the folder `segments` name below the root in one `openat2` call that follows no
    /// symbolic link and cannot leave the root: what the walk one segment at a time with
    /// `O_NOFOLLOW` guarantees, in 3 calls instead of about 20 for a log folder. Nil when that
    /// call fails for any reason (an absent folder, a link or a file on the way, a kernel without
    /// `openat2`): the caller then walks, which says exactly what is wrong.
    private func openBeneathRoot<Segments: Collection<String>>(_ segments: Segments) throws -> Int32? {
        guard !segments.isEmpty, segments.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." }) else { return nil }
        let root = try openRoot()
        defer { close(root) }
        let directory = trailproof_open_beneath(root, segments.joined(separator: "/"), O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        return directory >= 0 ? directory : nil
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

    private func symlinkRefused(_ location: ObjectLocation, what: String) -> TrailProofError {
        TrailProofError(.storageFailure, "\(what)\(location.uri) in \(displayName) is a symbolic link; refusing to follow it")
    }

    private static func fileKind(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFDIR: return "a folder"
        case S_IFIFO: return "a named pipe"
        case S_IFSOCK: return "a socket"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFLNK: return "a symbolic link"
        default: return "not a file"
        }
    }
}

func errnoText() -> String { String(cString: strerror(errno)) }

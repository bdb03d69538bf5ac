import Glibc
import Synchronization

/// Open folder handles of a local store, shared by the reads of objects in the same folder.
///
/// Reading a log file otherwise opens the root and every folder on its path (ten `openat`s for a
/// CloudTrail key); with this cache a run over 6,000 log files in 240 day folders opens each folder
/// once. Each handle was opened as an uncached read would open it (one `openat2` beneath the root
/// that follows no link, or segment by segment with `O_NOFOLLOW`). At most ``capacity`` unused
/// handles stay open; a handle in use is never closed.
final class DirectoryHandles: Sendable {
    private struct Entry {
        var descriptor: Int32
        var users: Int
        var lastUse: UInt64
    }

    /// A folder below the store's root, named without building its path (a read per log file
    /// would otherwise make one string to look its handle up): `base` (`""` or `".metadata/"`),
    /// then `bucket`, then the first `keyLength` bytes of `key`, the folder part of an object
    /// key without its last slash (0: the bucket's own folder). Equal and hashed by those bytes.
    struct Folder: Hashable, CustomStringConvertible {
        let base: String
        let bucket: String
        let key: String
        let keyLength: Int

        /// The folder's path below the root, `[.metadata/]BUCKET[/A/B]`.
        var description: String {
            keyLength == 0 ? base + bucket : base + bucket + "/" + String(decoding: key.utf8.prefix(keyLength), as: UTF8.self)
        }

        /// The folder's segments from the root, for opening it one `openat` at a time.
        var segments: [String] { description.split(separator: "/").map(String.init) }

        static func == (left: Folder, right: Folder) -> Bool {
            // Part by part, each string passed on its own: a closure that captured a folder copied
            // it (three strings) on every read's lookup.
            left.keyLength == right.keyLength && ObjectLocation.sameBytes(left.base, right.base)
                && ObjectLocation.sameBytes(left.bucket, right.bucket)
                && ObjectLocation.samePrefix(left.key, right.key, count: left.keyLength)
        }

        func hash(into hasher: inout Hasher) {
            // Each part's length first, so that moving bytes from one part to the next changes the hash.
            hasher.combine(base.utf8.count)
            hasher.combine(bucket.utf8.count)
            hasher.combine(keyLength)
            ObjectLocation.withBytes(of: base) { hasher.combine(bytes: $0) }
            ObjectLocation.withBytes(of: bucket) { hasher.combine(bytes: $0) }
            ObjectLocation.withBytes(of: key, 0..<keyLength) { hasher.combine(bytes: $0) }
        }
    }

    private struct State {
        var entries: [Folder: Entry] = [:]
        var clock: UInt64 = 0
    }

    /// How many folder handles may stay open.
    static let capacity = 64

    private let state = Mutex(State())

    /// How many folder handles are open now.
    var openCount: Int { state.withLock { $0.entries.count } }

    /// How many of them are in use now (by a read or a ``Lease``).
    var inUseCount: Int { state.withLock { state in state.entries.values.count { $0.users > 0 } } }

    /// Runs `body` with an open handle of `folder`, opening it with `open` when it is not cached.
    func withHandle<T>(_ key: Folder, open: () throws -> Int32, _ body: (Int32) throws -> T) throws -> T {
        let descriptor = try acquire(key) ?? insert(key, try open())
        defer { release(key) }
        return try body(descriptor)
    }

    /// A folder handle held between reads by one worker: while a lease lives its handle is in
    /// use, so it is never closed, and the cache it came from lives too.
    final class Lease {
        let handles: DirectoryHandles
        let folder: Folder
        let descriptor: Int32

        fileprivate init(handles: DirectoryHandles, folder: Folder, descriptor: Int32) {
            self.handles = handles
            self.folder = folder
            self.descriptor = descriptor
        }

        deinit { handles.release(folder) }
    }

    /// ``withHandle(_:open:_:)`` keeping the handle in `lease` for the next call: a read from
    /// the folder of the previous one takes neither the lock nor a lookup. A lease of another
    /// folder (or of another store's cache) is given back first.
    func withHandle<T>(_ key: Folder, lease: inout Lease?, open: () throws -> Int32, _ body: (Int32) throws -> T) throws -> T {
        if let current = lease, current.handles === self, current.folder == key {
            return try body(current.descriptor)
        }
        lease = nil
        let descriptor = try acquire(key) ?? insert(key, try open())
        let fresh = Lease(handles: self, folder: key, descriptor: descriptor)
        lease = fresh
        return try body(fresh.descriptor)
    }

    // acquire and release look the folder up once and change its entry in place: every read of a
    // local store does both, and a second lookup hashed and copied the folder's key again.
    private func acquire(_ key: Folder) -> Int32? {
        state.withLock { state in
            guard let index = state.entries.index(forKey: key) else { return nil }
            state.clock += 1
            state.entries.values[index].users += 1
            state.entries.values[index].lastUse = state.clock
            return state.entries.values[index].descriptor
        }
    }

    /// Caches a freshly opened handle (or, if another reader cached one meanwhile, closes it and
    /// uses theirs), closing the least recently used unused handles beyond the capacity.
    private func insert(_ key: Folder, _ descriptor: Int32) -> Int32 {
        var toClose: [Int32] = []
        let result = state.withLock { state -> Int32 in
            state.clock += 1
            if var existing = state.entries[key] {
                existing.users += 1
                existing.lastUse = state.clock
                state.entries[key] = existing
                toClose.append(descriptor)
                return existing.descriptor
            }
            state.entries[key] = Entry(descriptor: descriptor, users: 1, lastUse: state.clock)
            if state.entries.count > Self.capacity {
                let unused = state.entries.filter { $0.value.users == 0 }.sorted { $0.value.lastUse < $1.value.lastUse }
                for (evicted, entry) in unused.prefix(state.entries.count - Self.capacity) {
                    state.entries.removeValue(forKey: evicted)
                    toClose.append(entry.descriptor)
                }
            }
            return descriptor
        }
        for descriptor in toClose { close(descriptor) }
        return result
    }

    private func release(_ key: Folder) {
        state.withLock { state in
            if let index = state.entries.index(forKey: key) { state.entries.values[index].users -= 1 }
        }
    }

    deinit {
        state.withLock { state in
            for entry in state.entries.values { close(entry.descriptor) }
            state.entries.removeAll()
        }
    }
}

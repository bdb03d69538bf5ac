import Glibc
import Synchronization

/// Open folder handles of a local store, shared by the reads of objects in the same folder.
///
/// Reading a log file otherwise opens the root and every folder on its path (ten `openat`s for a
/// CloudTrail key); with this cache a run over 6,000 log files in 240 day folders opens each folder
/// once. Each handle was opened segment by segment with `O_NOFOLLOW`, exactly as an uncached read
/// would. At most ``capacity`` unused handles stay open; a handle in use is never closed.
final class DirectoryHandles: Sendable {
    private struct Entry {
        var descriptor: Int32
        var users: Int
        var lastUse: UInt64
    }

    private struct State {
        var entries: [String: Entry] = [:]
        var clock: UInt64 = 0
    }

    /// How many folder handles may stay open.
    static let capacity = 64

    private let state = Mutex(State())

    /// How many folder handles are open now.
    var openCount: Int { state.withLock { $0.entries.count } }

    /// Runs `body` with an open handle of the folder named `key`, opening it with `open` when it
    /// is not cached.
    func withHandle<T>(_ key: String, open: () throws -> Int32, _ body: (Int32) throws -> T) throws -> T {
        let descriptor = try acquire(key) ?? insert(key, try open())
        defer { release(key) }
        return try body(descriptor)
    }

    private func acquire(_ key: String) -> Int32? {
        state.withLock { state in
            guard var entry = state.entries[key] else { return nil }
            state.clock += 1
            entry.users += 1
            entry.lastUse = state.clock
            state.entries[key] = entry
            return entry.descriptor
        }
    }

    /// Caches a freshly opened handle (or, if another reader cached one meanwhile, closes it and
    /// uses theirs), closing the least recently used unused handles beyond the capacity.
    private func insert(_ key: String, _ descriptor: Int32) -> Int32 {
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

    private func release(_ key: String) {
        state.withLock { state in
            if var entry = state.entries[key] {
                entry.users -= 1
                state.entries[key] = entry
            }
        }
    }

    deinit {
        state.withLock { state in
            for entry in state.entries.values { close(entry.descriptor) }
            state.entries.removeAll()
        }
    }
}

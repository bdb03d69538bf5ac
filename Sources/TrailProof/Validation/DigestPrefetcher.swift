/// Fetches the digests a chain walk is about to load, ahead of it, so that the walk waits for one
/// network round trip per window of digests instead of one per digest.
///
/// The walk goes back through the listed keys of the range, newest first, and almost always asks
/// for them in that order (a digest's link names the next older one). The prefetcher keeps up to
/// `window` of the keys after the walk's position in flight or fetched; a key the walk asks for
/// out of that order is fetched on demand. Memory is bounded by `window` digests of at most
/// ``DigestFile/maximumSize``.
actor DigestPrefetcher {
    private let store: any ObjectStore
    private let window: Int
    /// The keys in the order the walk is expected to ask for them, and each one's place.
    private let keys: [ObjectLocation]
    private let place: [ObjectLocation: Int]
    /// The next key to start fetching.
    private var next = 0
    private var fetching: [ObjectLocation: Task<Result<StoredObject, any Error>, Never>] = [:]

    /// `keys` in the order the walk is expected to ask for them (newest first).
    init(store: any ObjectStore, keys: [ObjectLocation], window: Int) {
        self.store = store
        self.window = max(1, window)
        self.keys = keys
        place = Dictionary(keys.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The stored digest (capped at ``DigestFile/maximumSize``), or the error reading it.
    func object(_ location: ObjectLocation) async -> Result<StoredObject, any Error> {
        let task = fetching.removeValue(forKey: location)
        if let position = place[location] {
            // The walk is at `position`: keys before it were passed over and are not wanted.
            for (key, passed) in fetching where place[key]! < position {
                passed.cancel()
                fetching.removeValue(forKey: key)
            }
            next = max(next, position + 1)
        }
        refill()
        if let task { return await task.value }
        return await Self.fetch(location, from: store)
    }

    /// Stops every fetch still in flight.
    func cancelAll() {
        for task in fetching.values { task.cancel() }
        fetching.removeAll()
        next = keys.count
    }

    private func refill() {
        while fetching.count < window, next < keys.count {
            let key = keys[next]
            next += 1
            let store = self.store
            fetching[key] = Task { await Self.fetch(key, from: store) }
        }
    }

    private static func fetch(_ location: ObjectLocation, from store: any ObjectStore) async -> Result<StoredObject, any Error> {
        do {
            try ObjectLocation.validateKey(location.key)
            return .success(try await store.getObject(location, maxBytes: DigestFile.maximumSize))
        } catch {
            return .failure(error)
        }
    }
}

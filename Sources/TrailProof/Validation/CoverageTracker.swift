/// What the coverage check remembers while the walk goes on, so that memory does not grow with
/// the range: the log files valid digests list are kept per day only until that day's log
/// folder has been compared with them. The walk goes from the newest digest back, so a day is
/// compared (closed) once the walk has passed well below it; the keys of the day that no valid
/// digest listed by then (usually none) are kept as candidates, and each later valid digest
/// (a link that jumps forward, a backfill digest) takes its entries off them. At the end the
/// candidates left are the unlisted log files, day by day, in key order: exactly what comparing
/// every day with every reference at the end would find.
final class CoverageTracker {
    private let location: TrailLocation
    private let listing: LogFolderListing
    /// Day (start of the UTC day) -> log keys listed by valid digests, for days not yet closed.
    private var references: [Timestamp: Set<DayKey>] = [:]
    /// The oldest day closed so far (days from it up to the newest are closed).
    private var oldestClosed: Timestamp?
    /// Closed days -> their log keys no valid digest has listed yet, in key order.
    private var candidates: [Timestamp: [String]] = [:]
    private var candidateKeys = Set<DayKey>()
    /// Where a log key's part after its day folder starts (`PREFIX/YYYY/MM/DD/`).
    private let nameStart: Int

    /// A log key in a day's set: equal by its bytes (S3's identity of keys), hashed by its bytes
    /// after the day folder, where the keys of one day differ (hashing the ~85 bytes they share
    /// was most of the cost of a run's 12,000 lookups).
    private struct DayKey: Hashable {
        let key: String
        let hashedFrom: Int

        static func == (left: DayKey, right: DayKey) -> Bool { ObjectLocation.sameBytes(left.key, right.key) }

        func hash(into hasher: inout Hasher) {
            ObjectLocation.withBytes(of: key) { hasher.combine(bytes: UnsafeRawBufferPointer(rebasing: $0[min(hashedFrom, $0.count)...])) }
        }
    }

    /// How far below a day the walk must be before the day is closed: a log is listed by the
    /// digest of its delivery hour, give or take ``TrailValidator/logWindowTolerance``.
    static let margin: Int64 = 3 * 3600

    /// How many listed keys are held for days not yet compared (what memory grows with).
    var heldReferences: Int { references.values.reduce(0) { $0 + $1.count } }

    init(location: TrailLocation, listing: LogFolderListing) {
        self.location = location
        self.listing = listing
        nameStart = location.logPrefix.utf8.count + "YYYY/MM/DD/".utf8.count
    }

    /// The day folder of a log key (`…/CloudTrail/REGION/YYYY/MM/DD/…`), or nil if it has none.
    /// `last` is the previous key's folder as read: a digest's keys are mostly of one day, and
    /// a key whose ten date bytes are the same as the last one's takes its day without parsing.
    private func day(of key: String, last: inout (date: (UInt64, UInt16), day: Timestamp)?) -> Timestamp? {
        let prefix = location.logPrefix
        let start = prefix.utf8.count
        return ObjectLocation.withBytes(of: key) { bytes -> Timestamp? in
            guard bytes.count >= start + 11, bytes[start + 10] == UInt8(ascii: "/"),
                (ObjectLocation.withBytes(of: prefix) { ObjectLocation.sameBytes(UnsafeRawBufferPointer(rebasing: bytes[0..<start]), $0) })
            else { return nil }
            let date = (
                bytes.loadUnaligned(fromByteOffset: start, as: UInt64.self), bytes.loadUnaligned(fromByteOffset: start + 8, as: UInt16.self)
            )
            if let last, last.date == date { return last.day }
            // YYYY/MM/DD read as YYYY-MM-DD in a buffer on the stack: this runs once per listed
            // log file, and allocating for each shows.
            let parsed = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 10) { text in
                for offset in 0..<10 {
                    let byte = bytes[start + offset]
                    text[offset] = byte == UInt8(ascii: "/") ? UInt8(ascii: "-") : byte
                }
                return Timestamp(iso8601UTF8: UnsafeBufferPointer(text))
            }
            if let parsed { last = (date, parsed) }
            return parsed
        }
    }

    /// Takes a valid digest's entries.
    func reference(_ entries: [DigestFile.LogFileEntry]) {
        // A digest's entries are mostly of one day: that day's set is taken out of the dictionary
        // once per run of entries, not looked up per entry (`references[day]?.insert` allocated
        // three coroutine frames per entry).
        var current: (day: Timestamp, keys: Set<DayKey>)?
        var lastDay: (date: (UInt64, UInt16), day: Timestamp)?
        // By index: a `for entry in` loop copies every entry (seven strings) to read one key.
        for index in entries.indices where entries[index].location.bucket == location.bucket {
            let key = entries[index].location.key
            guard let day = day(of: key, last: &lastDay) else { continue }
            let dayKey = DayKey(key: key, hashedFrom: nameStart)
            if let oldestClosed, day >= oldestClosed {
                if candidateKeys.remove(dayKey) != nil {
                    candidates[day]?.removeAll { ObjectLocation.sameBytes($0, key) }
                }
                continue
            }
            if current?.day != day {
                if let current { references[current.day] = current.keys }
                // A day's set is made with room for a day of digests like this one (24 hours, at most
                // 65,536 keys), so that it rarely regrows.
                current = (day, references.removeValue(forKey: day) ?? Set(minimumCapacity: min(entries.count * 24, 1 << 16)))
            }
            current!.keys.insert(dayKey)
        }
        if let current { references[current.day] = current.keys }
    }

    /// Closes every day the walk is now well below (`position`: the start of the digest it has
    /// reached), comparing each with its log folder listing.
    func advance(to position: Timestamp) async throws {
        while let next = listing.nextDayStart, position.adding(seconds: Self.margin) <= next {
            try await closeNextDay()
        }
    }

    /// Closes every remaining day and returns the candidates left, oldest day first.
    func finish() async throws -> [(day: Timestamp, keys: [String])] {
        while listing.nextDayStart != nil { try await closeNextDay() }
        return candidates.filter { !$0.value.isEmpty }.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    private func closeNextDay() async throws {
        guard let day = listing.nextDayStart, let keys = try await listing.nextDay() else { return }
        let listed = references.removeValue(forKey: day) ?? []
        // The listing comes in no particular order; what is reported is in key order.
        let unlisted = keys.filter { !listed.contains(DayKey(key: $0, hashedFrom: nameStart)) }.sorted(by: ObjectLocation.precedesInS3Order)
        if !unlisted.isEmpty {
            candidates[day] = unlisted
            candidateKeys.formUnion(unlisted.map { DayKey(key: $0, hashedFrom: nameStart) })
        }
        oldestClosed = day
    }
}

import Testing

@testable import TrailProof

/// The coverage check's per-day bookkeeping, in process against an in-memory store.
@Suite("Coverage tracker")
struct CoverageTrackerTests {
    static let location = try! TrailLocation(bucket: "cov-bucket", prefix: nil, organizationID: nil, accountID: "111122223333", region: "us-east-1")

    static func key(day: Int, hour: Int, suffix: String) -> String {
        let time = Timestamp(year: 2026, month: 6, day: day, hour: hour, minute: 10)
        return location.logKey(deliveredAt: time, unique: suffix.padding(toLength: 16, withPad: "0", startingAt: 0))
    }

    static func entries(_ keys: [String]) -> [DigestFile.LogFileEntry] {
        keys.map {
            DigestFile.LogFileEntry(
                location: ObjectLocation(bucket: "cov-bucket", key: $0), hashValue: String(repeating: "0", count: 64),
                newestEventTime: "2026-06-01T00:00:00Z", oldestEventTime: "2026-06-01T00:00:00Z")
        }
    }

    @Test("Days are compared as the walk passes below them, their references dropped; late references still clear candidates")
    func closesDaysAsTheWalkGoes() async throws {
        let store = InMemoryStore()
        var all: [String] = []
        for day in 1...3 {
            for (hour, suffix) in [(1, "a"), (12, "b"), (23, "c")] {
                let key = Self.key(day: day, hour: hour, suffix: "\(suffix)\(day)")
                all.append(key)
                try await store.putObject(ObjectLocation(bucket: "cov-bucket", key: key), bytes: [1], metadata: [:], overwrite: false)
            }
        }
        let listing = LogFolderListing(
            store: store, location: Self.location, start: Timestamp(year: 2026, month: 6, day: 1),
            end: Timestamp(year: 2026, month: 6, day: 3, hour: 23))
        let tracker = CoverageTracker(location: Self.location, listing: listing)
        // The walk lists day 3's logs except its 12:10 one, then moves into day 2.
        tracker.reference(Self.entries([Self.key(day: 3, hour: 23, suffix: "c3"), Self.key(day: 3, hour: 1, suffix: "a3")]))
        #expect(tracker.heldReferences == 2)
        try await tracker.advance(to: Timestamp(year: 2026, month: 6, day: 3, hour: 1))
        #expect(tracker.heldReferences == 2, "day 3 is not closed while the walk is still near it")
        tracker.reference(Self.entries([Self.key(day: 2, hour: 23, suffix: "c2"), Self.key(day: 2, hour: 12, suffix: "b2")]))
        try await tracker.advance(to: Timestamp(year: 2026, month: 6, day: 2, hour: 20))
        #expect(tracker.heldReferences == 2, "day 3 closed: only day 2's references are held")
        // A digest met later (a link forward, a backfill digest) lists day 3's 12:10 log after all.
        tracker.reference(Self.entries([Self.key(day: 3, hour: 12, suffix: "b3")]))
        tracker.reference(
            Self.entries([
                Self.key(day: 1, hour: 1, suffix: "a1"), Self.key(day: 1, hour: 12, suffix: "b1"), Self.key(day: 1, hour: 23, suffix: "c1"),
            ]))
        let unlisted = try await tracker.finish()
        #expect(unlisted.map(\.day) == [Timestamp(year: 2026, month: 6, day: 2)])
        #expect(unlisted.first?.keys == [Self.key(day: 2, hour: 1, suffix: "a2")], "only the log no digest lists, whenever it came")
        #expect(tracker.heldReferences == 0)
    }
}

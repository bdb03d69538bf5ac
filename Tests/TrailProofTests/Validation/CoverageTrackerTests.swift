import Foundation
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

    /// A tracker over June `days` of a store holding the log files `logs`.
    static func tracker(logs: [String], days: ClosedRange<Int>, in store: any ObjectStore = InMemoryStore()) async throws -> CoverageTracker {
        for key in logs {
            try await store.putObject(ObjectLocation(bucket: "cov-bucket", key: key), bytes: [1], metadata: [:], overwrite: false)
        }
        let listing = LogFolderListing(
            store: store, location: location, start: Timestamp(year: 2026, month: 6, day: days.lowerBound),
            end: Timestamp(year: 2026, month: 6, day: days.upperBound, hour: 23))
        return CoverageTracker(location: location, listing: listing)
    }

    @Test("Days are compared as the walk passes below them, their references dropped; late references still clear candidates")
    func closesDaysAsTheWalkGoes() async throws {
        let logs = (1...3).flatMap { day in [(1, "a"), (12, "b"), (23, "c")].map { Self.key(day: day, hour: $0.0, suffix: "\($0.1)\(day)") } }
        let tracker = try await Self.tracker(logs: logs, days: 1...3)
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

    @Test("One digest's entries of several days, other buckets and keys outside the day folders are held as a set per day")
    func referencesOfMixedDays() async throws {
        let all = (1...2).flatMap { day in [1, 23].map { Self.key(day: day, hour: $0, suffix: "k\(day)\($0)") } }
        let tracker = try await Self.tracker(logs: all, days: 1...2)
        // Days alternate (2, 1, 2), a key repeats, one entry is in another bucket, one is no log key.
        var entries = Self.entries([all[3], all[0], all[2], all[3]])
        entries.append(
            DigestFile.LogFileEntry(
                location: ObjectLocation(bucket: "other-bucket", key: all[1]), hashValue: String(repeating: "0", count: 64),
                newestEventTime: "2026-06-01T00:00:00Z", oldestEventTime: "2026-06-01T00:00:00Z"))
        entries += Self.entries(["AWSLogs/elsewhere.json.gz"])
        tracker.reference(entries)
        #expect(tracker.heldReferences == 3, "three distinct keys of the trail's bucket in day folders")
        tracker.reference(Self.entries([all[0]]))
        #expect(tracker.heldReferences == 3, "a key already held for its day is not held twice")
        let unlisted = try await tracker.finish()
        #expect(unlisted.map(\.day) == [Timestamp(year: 2026, month: 6, day: 1)])
        #expect(unlisted.first?.keys == [all[1]], "the log listed only under another bucket is unlisted here")
    }

    @Test("Unlisted logs are reported in key order although a local folder lists them in its own order")
    func unlistedInKeyOrder() async throws {
        let folder = try TestEnvironment.temporaryFolder("coverage-order")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try LocalStore.create(root: folder.appendingPathComponent("store").path)
        // 24 logs of one day; a digest lists every third. ext4 lists a folder in hash order.
        let logs = (0..<24).map { Self.key(day: 1, hour: $0, suffix: String(format: "u%02d", ($0 * 7) % 24)) }
        let tracker = try await Self.tracker(logs: logs, days: 1...1, in: store)
        tracker.reference(Self.entries(logs.enumerated().filter { $0.offset % 3 == 0 }.map(\.element)))
        let unlisted = try await tracker.finish()
        let expected = logs.enumerated().filter { $0.offset % 3 != 0 }.map(\.element).sorted { ObjectLocation.precedesInS3Order($0, $1) }
        #expect(unlisted.first?.keys == expected)
    }

    @Test("A listed key and a referenced key are the same log only when their bytes are: a canonically equivalent name is another file")
    func keysAreBytes() async throws {
        // The same name with é precomposed (referenced by the digest) and decomposed (another file).
        let name = Self.key(day: 1, hour: 1, suffix: "cafX")
        let referenced = name.replacingOccurrences(of: "X", with: "\u{E9}")
        let other = name.replacingOccurrences(of: "X", with: "e\u{301}")
        #expect(referenced == other, "Swift calls them equal")
        #expect(Array(referenced.utf8) != Array(other.utf8))
        // A local store: its file names are bytes, where the in-memory store keys objects by string.
        let folder = try TestEnvironment.temporaryFolder("coverage-bytes")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try LocalStore.create(root: folder.appendingPathComponent("store").path)
        let tracker = try await Self.tracker(logs: [referenced, other], days: 1...1, in: store)
        tracker.reference(Self.entries([referenced]))
        let unlisted = try await tracker.finish()
        #expect(unlisted.first?.keys.map { Array($0.utf8) } == [Array(other.utf8)], "the decomposed name is not listed by any digest")
    }
}

/// The trail's log folders of every day of a range, listed ahead in a bounded window and handed
/// over one day at a time, newest first, as the walk goes back (see ``CoverageTracker``).
///
/// The first ``window`` days are listed while the walk goes on (hiding the round trips); each
/// day handed over makes room for the next listing. At most ``window`` days of keys are held at once.
final class LogFolderListing {
    static let window = 8

    private let days: [String]
    private let dayStarts: [Timestamp]
    private let store: any ObjectStore
    private let bucket: String
    private var pending: [Int: Task<[String], any Error>] = [:]
    private var next = 0

    /// Starts listing the first days of `start…end` for `location`.
    init(store: any ObjectStore, location: TrailLocation, start: Timestamp, end: Timestamp) {
        var starts: [Timestamp] = []
        var day = end.dayFloor
        while day >= start.dayFloor {
            starts.append(day)
            day = day.adding(seconds: -86_400)
        }
        dayStarts = starts
        days = starts.map { location.logPrefix + $0.datePath + "/" }
        self.store = store
        bucket = location.bucket
        for index in 0..<min(Self.window, days.count) { startListing(index) }
    }

    deinit { for task in pending.values { task.cancel() } }

    private func startListing(_ index: Int) {
        let store = self.store
        let bucket = self.bucket
        let prefix = days[index]
        pending[index] = Task { try await store.listKeysInAnyOrder(bucket: bucket, prefix: prefix) }
    }

    /// The start of the day ``nextDay()`` hands over next, or nil after the last day.
    var nextDayStart: Timestamp? { next < dayStarts.count ? dayStarts[next] : nil }

    /// The keys of the next day folder, in no particular order, or nil after the last day.
    func nextDay() async throws -> [String]? {
        guard next < days.count, let task = pending.removeValue(forKey: next) else { return nil }
        let ahead = next + Self.window
        next += 1
        if ahead < days.count { startListing(ahead) }
        do {
            return try await task.value
        } catch {
            for task in pending.values { task.cancel() }
            pending.removeAll()
            throw error
        }
    }
}

/// A set of half-open time windows `[start, end)`, asked whether a time falls in any of them.
///
/// Windows are added in any order and may overlap; they are merged once, so that a question costs
/// a binary search, not a pass over every window: the coverage check asks it for every log file no
/// digest lists, and a hostile bucket can hold many of those across a range of thousands of hours.
struct TimeWindows {
    private var pending: [(start: Timestamp, end: Timestamp)] = []
    private var merged: [(start: Timestamp, end: Timestamp)] = []
    private var isMerged = true

    mutating func insert(start: Timestamp, end: Timestamp) {
        guard start < end else { return }
        pending.append((start, end))
        isMerged = false
    }

    /// Whether `time` is in a window.
    mutating func contains(_ time: Timestamp) -> Bool {
        if !isMerged { merge() }
        // The last merged window that starts at or before `time`.
        var low = 0
        var high = merged.count
        while low < high {
            let middle = (low + high) / 2
            if merged[middle].start <= time { low = middle + 1 } else { high = middle }
        }
        return low > 0 && time < merged[low - 1].end
    }

    private mutating func merge() {
        let all = (merged + pending).sorted { $0.start < $1.start }
        pending = []
        merged = []
        for window in all {
            if let last = merged.last, window.start <= last.end {
                merged[merged.count - 1].end = max(last.end, window.end)
            } else {
                merged.append(window)
            }
        }
        isMerged = true
    }
}

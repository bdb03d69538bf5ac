/// One chain's hours over the requested range, for the evidence page: each hour takes the worst
/// state of what was reported for it (the digest ending in it, a log delivered in it, a gap
/// over it), and the key of the digest that ends in it.
///
/// Memory is one byte per hour of the range (and a key per hour with a digest), at most
/// ``maximumHours`` hours: five years. Longer ranges are drawn up to there, and the page says so.
struct ChainTimeline {
    /// What an hour shows, in rising order of severity: a worse state replaces a better one.
    enum State: UInt8, CaseIterable {
        /// Nothing was reported for the hour: no digest covers it.
        case none
        case valid
        /// Logging was off or the chain restarted (aws-cli's gap lines).
        case gap
        case unverified
        case unreadable
        case invalid

        var name: String {
            switch self {
            case .none: return "missing"
            case .valid: return "valid"
            case .gap: return "gap"
            case .unverified: return "UNVERIFIED"
            case .unreadable: return "UNREADABLE"
            case .invalid: return "INVALID"
            }
        }

        init(_ verdict: Verdict) {
            switch verdict {
            case .valid: self = .valid
            case .invalid: self = .invalid
            case .unverified: self = .unverified
            case .unreadable: self = .unreadable
            }
        }
    }

    static let maximumHours = 5 * 366 * 24

    /// The first hour drawn (the requested start, down to the hour).
    let firstHour: Int64
    /// Hours drawn.
    let hourCount: Int
    /// Whether the range was longer than what is drawn.
    let isCut: Bool
    private(set) var states: [UInt8]
    private(set) var digestKeys: [Int: String] = [:]

    init(start: Timestamp, end: Timestamp) {
        firstHour = start.hourFloor.secondsSinceEpoch
        let lastHour = Timestamp(secondsSinceEpoch: max(end.secondsSinceEpoch - 1, start.secondsSinceEpoch)).hourFloor.secondsSinceEpoch
        let hours = Int((lastHour - firstHour) / 3600) + 1
        hourCount = min(hours, Self.maximumHours)
        isCut = hours > Self.maximumHours
        states = [UInt8](repeating: State.none.rawValue, count: hourCount)
    }

    /// The index of the hour that holds `time`, if it is drawn.
    func index(of time: Timestamp) -> Int? {
        let offset = time.hourFloor.secondsSinceEpoch - firstHour
        guard offset >= 0 else { return nil }
        let index = Int(offset / 3600)
        return index < hourCount ? index : nil
    }

    /// The start of hour `index`.
    func hour(_ index: Int) -> Timestamp { Timestamp(secondsSinceEpoch: firstHour + Int64(index) * 3600) }

    func state(_ index: Int) -> State { State(rawValue: states[index]) ?? .none }

    func digestKey(_ index: Int) -> String? { digestKeys[index] }

    private mutating func mark(_ index: Int, _ state: State) {
        if state.rawValue > states[index] { states[index] = state.rawValue }
    }

    /// Takes one event of the chain.
    mutating func record(_ event: ValidationEvent) {
        switch event {
        case .digest(let location, _, let verdict):
            // A digest covers the hour before its end time: it is drawn in the hour it ends in.
            guard let end = TrailLocation.digestEndTime(ofAnyTrailKey: location.key), let index = index(of: end.adding(seconds: -1)) else {
                return
            }
            mark(index, State(verdict))
            if digestKeys[index] == nil || !verdict.isValid { digestKeys[index] = location.key }
        case .log(let location, let verdict):
            guard !verdict.isValid, let delivered = Self.logTime(location.key), let index = index(of: delivered) else { return }
            mark(index, State(verdict))
        case .gap(let from, let to, _):
            guard to > from else { return }
            var time = from
            while time < to, let index = index(of: time) {
                mark(index, .gap)
                time = hour(index + 1)
            }
        }
    }

    /// The delivery time in a log key's name (`…_YYYYMMDDTHHMMZ_UNIQUE.json.gz`), whatever its trail.
    static func logTime(_ key: String) -> Timestamp? {
        guard let name = key.split(separator: "/").last, name.hasSuffix(".json.gz") else { return nil }
        let parts = name.dropLast(".json.gz".count).split(separator: "_")
        guard parts.count >= 2 else { return nil }
        return Timestamp(compact: String(parts[parts.count - 2]))
    }
}

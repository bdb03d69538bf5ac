import FoundationEssentials
import Glibc
import Synchronization
import TrailProof

/// A one-line progress display on standard error: digests and log files checked, bytes read,
/// the rate, and (for one chain) about how long is left. Shown only when standard error is a
/// terminal (never in a pipe or a file) and only once a run has taken more than a second;
/// redrawn at most four times a second, also while the run waits on the network; erased before
/// any other output and at the end.
final class ProgressLine: Sendable {
    private struct State {
        var digests = 0
        var logs = 0
        var shown = false
        var lastDrawn = ContinuousClock.now - .seconds(10)
        var stopped = false
    }

    private let state = Mutex(State())
    private let started = ContinuousClock.now
    /// Whether the line is shown at all: standard error is a terminal that is not `dumb`.
    let enabled: Bool
    private let counters: ValidationProgress
    /// Digests the range should hold (its hours), when one chain is validated; else nil.
    private let expectedDigests: Int?

    init(counters: ValidationProgress, expectedDigests: Int?) {
        // The terminal first: the environment is read (a dictionary made of it) only for one.
        enabled = isatty(STDERR_FILENO) == 1 && ProcessInfo.processInfo.environment["TERM"] != "dumb"
        self.counters = counters
        self.expectedDigests = expectedDigests
    }

    /// Redraws while the run goes on; returns when ``stop()`` is called.
    func run() async {
        guard enabled else { return }
        while !Task.isCancelled, !state.withLock({ $0.stopped }) {
            try? await Task.sleep(for: .milliseconds(250))
            draw()
        }
    }

    func count(_ event: ValidationEvent) {
        guard enabled else { return }
        state.withLock { state in
            switch event {
            case .digest: state.digests += 1
            case .log: state.logs += 1
            case .gap: break
            }
        }
        draw()
    }

    /// Erases the line (before other output is written).
    func clear() {
        guard enabled else { return }
        state.withLock { state in
            if state.shown {
                Console.rawError("\r\u{1B}[K")
                state.shown = false
            }
        }
    }

    /// Erases the line for good.
    func stop() {
        clear()
        state.withLock { $0.stopped = true }
    }

    private func draw() {
        let now = ContinuousClock.now
        let elapsed = started.duration(to: now)
        guard elapsed > .seconds(1) else { return }
        state.withLock { state in
            guard !state.stopped, state.lastDrawn.duration(to: now) >= .milliseconds(250) else { return }
            state.lastDrawn = now
            state.shown = true
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            let bytes = counters.bytesRead
            var line =
                "validating: \(state.digests) digests, \(state.logs) log files, \(Self.size(bytes)) at \(Self.size(Int(Double(bytes) / seconds)))/s"
            if let expected = expectedDigests, state.digests > 0, state.digests < expected {
                let left = seconds * Double(expected - state.digests) / Double(state.digests)
                line += ", about \(Self.duration(left)) left"
            }
            Console.rawError("\r\u{1B}[K\(line)")
        }
    }

    static func size(_ bytes: Int) -> String {
        let units = ["B", "KB", "MB", "GB", "TB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1000, unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        let tenths = Int((value * 10).rounded())
        return unit == 0 ? "\(bytes) B" : "\(tenths / 10).\(tenths % 10) \(units[unit])"
    }

    static func duration(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded())
        if whole < 60 { return "\(whole) s" }
        if whole < 3600 { return "\(whole / 60) min \(whole % 60) s" }
        return "\(whole / 3600) h \(whole % 3600 / 60) min"
    }
}

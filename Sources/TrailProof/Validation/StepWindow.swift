import Synchronization

/// How far the digest walk may run ahead of log verification: a counting semaphore the walk
/// acquires before it hands over a step and the verifier releases when it has taken one.
///
/// Without it the walk (fast on a local store) buffered every valid digest of the range, with
/// all its log entries, ahead of the verifier: memory grew with the range.
final class StepWindow: Sendable {
    private struct State {
        var free: Int
        var waiting: [CheckedContinuation<Void, Never>] = []
    }

    private let state: Mutex<State>

    init(size: Int) {
        state = Mutex(State(free: size))
    }

    /// Waits for room for one more step.
    func acquire() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let granted = state.withLock { state -> Bool in
                if state.free > 0 {
                    state.free -= 1
                    return true
                }
                state.waiting.append(continuation)
                return false
            }
            if granted { continuation.resume() }
        }
    }

    /// Frees the room of one step taken.
    func release() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if state.waiting.isEmpty {
                state.free += 1
                return nil
            }
            return state.waiting.removeFirst()
        }
        next?.resume()
    }
}

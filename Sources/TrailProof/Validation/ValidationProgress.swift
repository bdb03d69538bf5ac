import Synchronization

/// Counters a caller can read while a run goes on, for a progress line: the bytes of log files
/// read so far (as stored, before gunzip) and the log files read. Updated by each worker once per
/// batch of files it reads; reading them never waits.
public final class ValidationProgress: Sendable {
    private let bytes = Atomic<Int>(0)
    private let files = Atomic<Int>(0)

    public init() {}

    /// Bytes of log files read so far.
    public var bytesRead: Int { bytes.load(ordering: .relaxed) }
    /// Log files read so far.
    public var logFilesRead: Int { files.load(ordering: .relaxed) }

    func add(bytes count: Int, logFiles: Int) {
        bytes.add(count, ordering: .relaxed)
        files.add(logFiles, ordering: .relaxed)
    }
}

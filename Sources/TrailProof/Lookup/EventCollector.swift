import Synchronization

/// Collects, while a validation runs, the records of its log files that a query matches: each
/// file's records are read from the same inflated bytes that are hashed (one pass per file),
/// and kept only once the file's verdict is known: verified files' events, and with
/// `includeUnverified` the others' marked as such.
public final class EventCollector: Sendable {
    /// One event found.
    public struct FoundEvent: Sendable {
        /// The record as parsed.
        public let record: JSONValue
        /// The record's JSON text as the log file holds it.
        public let text: [UInt8]
        public let eventTime: Timestamp
        public let logFile: ObjectLocation
        /// The valid digest that lists the log file; nil for a file no valid digest lists.
        public let digestFile: ObjectLocation?
        /// Whether the log file was verified (hash equal to a valid digest's entry).
        public let verified: Bool
        /// The record's position in its file, for a stable order.
        let index: Int
    }

    /// A log file whose events were left out (or, with `includeUnverified`, marked).
    public struct SkippedFile: Sendable {
        public let logFile: ObjectLocation
        public let verdict: Verdict
    }

    public let query: EventQuery
    public let includeUnverified: Bool
    private let required: [[UInt8]]

    private struct State {
        var scanned = Set<ObjectLocation>()
        var found: [FoundEvent] = []
        var skipped: [SkippedFile] = []
        var verifiedFiles = 0
        var unreadableRecords: [(ObjectLocation, String)] = []
    }

    private let state = Mutex(State())

    public init(query: EventQuery, includeUnverified: Bool = false) {
        self.query = query
        self.includeUnverified = includeUnverified
        required = query.requiredTexts
    }

    /// The events found, newest first (as lookup-events returns them), then by file and position.
    public var events: [FoundEvent] {
        state.withLock { $0.found }.sorted {
            if $0.eventTime != $1.eventTime { return $0.eventTime > $1.eventTime }
            if $0.logFile.key != $1.logFile.key { return ObjectLocation.precedesInS3Order($0.logFile.key, $1.logFile.key) }
            return $0.index < $1.index
        }
    }

    /// The log files whose events were not taken as verified, in the order they were met.
    public var skippedFiles: [SkippedFile] { state.withLock { $0.skipped } }

    /// How many log files were verified and searched.
    public var verifiedFiles: Int { state.withLock { $0.verifiedFiles } }

    /// Verified files whose records could not be read as a CloudTrail log document (the hash
    /// matched, so this is what the digest vouches for), with the reason.
    public var unreadableFiles: [(ObjectLocation, String)] { state.withLock { $0.unreadableRecords } }

    /// Reads one file's records as its inflated bytes go by.
    final class FileScan: @unchecked Sendable {
        // @unchecked: a scan belongs to the one task that reads its file.
        private let scanner = LogRecordScanner()
        private let query: EventQuery
        private let required: [[UInt8]]
        private(set) var matches: [(record: JSONValue, text: [UInt8], time: Timestamp, index: Int)] = []
        private(set) var failure: String?
        private var index = 0

        init(query: EventQuery, required: [[UInt8]]) {
            self.query = query
            self.required = required
        }

        func feed(_ bytes: UnsafeRawBufferPointer) {
            guard failure == nil else { return }
            do {
                try scanner.feed(
                    bytes,
                    accept: { [required] raw in
                        EventQuery.mayMatch(raw, required: required)
                    }
                ) { record, raw in
                    if let time = query.match(record) { matches.append((record, Array(raw), time, scanner.recordCount)) }
                }
            } catch {
                failure = "\(error)"
            }
        }

        func finish() {
            guard failure == nil else { return }
            do { try scanner.finish() } catch { failure = "\(error)" }
        }
    }

    func makeScan() -> FileScan { FileScan(query: query, required: required) }

    /// Whether a file's records were read during the run.
    func wasScanned(_ logFile: ObjectLocation) -> Bool { state.withLock { $0.scanned.contains(logFile) } }

    /// Reads a file that the run judged without reading it (a log no valid digest lists, or one
    /// listed only by an invalid digest), for `includeUnverified`.
    func scanUnverified(_ logFile: ObjectLocation, verdict: Verdict, store: any ObjectStore) async {
        let scan = makeScan()
        let inflater = GzipInflater()
        do {
            try await store.readObject(logFile) { chunk in try inflater.feed(chunk) { scan.feed($0) } }
        } catch {
            state.withLock { $0.skipped.append(SkippedFile(logFile: logFile, verdict: verdict)) }
            return
        }
        collect(logFile: logFile, digestFile: nil, verdict: verdict, scan: scan)
    }

    /// Takes a file's matches once its verdict is known.
    func collect(logFile: ObjectLocation, digestFile: ObjectLocation?, verdict: Verdict, scan: FileScan) {
        scan.finish()
        state.withLock { state in
            state.scanned.insert(logFile)
            if verdict.isValid {
                state.verifiedFiles += 1
                if let failure = scan.failure { state.unreadableRecords.append((logFile, failure)) }
            } else {
                state.skipped.append(SkippedFile(logFile: logFile, verdict: verdict))
                guard includeUnverified else { return }
            }
            for match in scan.matches {
                state.found.append(
                    FoundEvent(
                        record: match.record, text: match.text, eventTime: match.time, logFile: logFile, digestFile: digestFile,
                        verified: verdict.isValid, index: match.index))
            }
        }
    }
}

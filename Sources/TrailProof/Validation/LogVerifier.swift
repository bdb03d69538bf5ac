import Synchronization

/// Checks log files against their digest entries: streams each from the store through gunzip
/// and SHA-256 (memory does not grow with its size) and compares the hash.
///
/// A run verifies thousands of small files, so the inflater, the hasher and the read buffer are
/// made once per worker and reused: a pool keeps as many as there are batches in flight.
final class LogVerifier: Sendable {
    let store: any ObjectStore
    let progress: ValidationProgress?
    private let idle = Mutex<[Worker]>([])

    init(store: any ObjectStore, progress: ValidationProgress? = nil) {
        self.store = store
        self.progress = progress
    }

    /// The verdicts of `entries`, in their order, read one after another by one worker.
    func verify(_ entries: some Collection<DigestFile.LogFileEntry>) async -> [Verdict] {
        await verify(entries, scanningFor: nil).map(\.verdict)
    }

    /// The verdict of one log file.
    func verify(_ entry: DigestFile.LogFileEntry) async -> Verdict {
        await verify(CollectionOfOne(entry))[0]
    }

    /// ``verify(_:)``; with a `collector`, also reading each file's records for it from the same
    /// bytes (the file's scan comes beside its verdict).
    func verify(_ entries: some Collection<DigestFile.LogFileEntry>, scanningFor collector: EventCollector?) async -> [(
        verdict: Verdict, scan: EventCollector.FileScan?
    )] {
        let worker = idle.withLock { $0.popLast() } ?? Worker()
        var results: [(verdict: Verdict, scan: EventCollector.FileScan?)] = []
        results.reserveCapacity(entries.count)
        // The progress counters are shared by every worker: one add per batch, not two per file
        // (each add on a cache line the other core wrote last waits for it).
        var bytesRead = 0
        // By index, down to the fields read: a copy of an entry (six strings) writes reference
        // counts from the worker's core into memory the parsing core owns.
        for index in entries.indices {
            let scan = collector?.makeScan()
            results.append((await verify(entries, at: index, with: worker, scan: scan, bytesRead: &bytesRead), scan))
        }
        progress?.add(bytes: bytesRead, logFiles: results.count)
        idle.withLock { $0.append(worker) }
        return results
    }

    private func verify<Entries: Collection<DigestFile.LogFileEntry>>(
        _ entries: Entries, at index: Entries.Index, with worker: Worker, scan: EventCollector.FileScan?, bytesRead: inout Int
    ) async -> Verdict {
        // An unsafe key is refused by the store before anything is read (every store checks its
        // keys), and is INVALID: a digest listed it.
        let object = entries[index].location
        let inflater = worker.inflater
        let hasher = worker.hasher
        let staging = worker.staging
        inflater.reset()
        hasher.reset()
        func consume(_ bytes: UnsafeRawBufferPointer) {
            hasher.update(bytes)
            scan?.feed(bytes)
        }
        let ending: GzipInflater.Ending
        do {
            // A file that fits in `staging` is decoded in one piece once read (libdeflate when
            // installed); a larger one is streamed through zlib from the chunk that overflows.
            var staged = 0
            var streaming = false
            try await store.readObject(object, using: worker.reading) { chunk in
                bytesRead += chunk.count
                if !streaming {
                    if staged + chunk.count <= staging.count {
                        if let source = chunk.baseAddress { (staging.baseAddress! + staged).copyMemory(from: source, byteCount: chunk.count) }
                        staged += chunk.count
                        return
                    }
                    streaming = true
                    try inflater.feed(UnsafeRawBufferPointer(rebasing: staging[0..<staged]), output: consume)
                }
                try inflater.feed(chunk, output: consume)
            }
            ending = streaming ? inflater.finish() : try inflater.inflateWhole(UnsafeRawBufferPointer(rebasing: staging[0..<staged]), output: consume)
        } catch let error as GzipInflater.FormatError {
            return .invalid(.invalidFormat("not gzip: \(error.reason)"))
        } catch {
            return .notRead(error)
        }
        // As aws-cli: what inflated so far is hashed, and a different hash is reported first.
        guard hasher.finish({ entries[index].hash.isEncoding(of: $0) }) else { return .invalid(.hashMismatch) }
        switch ending {
        case .complete:
            return .valid
        case .truncated:
            return .invalid(Finding(.truncatedGzipStream, "gzip stream is truncated"))
        case .trailingData(let count):
            return .invalid(Finding(.dataAfterGzipStream, "data after the end of the gzip stream", detail: "\(count) bytes"))
        }
    }

    /// What one worker reuses from file to file.
    ///
    /// `@unchecked Sendable`: a worker is used by one task at a time; the pool hands it out
    /// under its lock and takes it back when the batch is done.
    private final class Worker: @unchecked Sendable {
        let inflater = GzipInflater()
        let hasher = MessageDigest(.sha256)
        /// The read buffer, and the folder handle a local store keeps between this worker's reads.
        let reading = ReadContext()
        /// A whole compressed file up to this size is decoded in one piece.
        let staging = UnsafeMutableRawBufferPointer.allocate(byteCount: 128 * 1024, alignment: 16)

        deinit { staging.deallocate() }
    }
}

import CZlib
import Synchronization

/// Streaming gzip decompression (one gzip member, as CloudTrail writes) on zlib.
///
/// Feed compressed chunks with ``feed(_:output:)``; uncompressed bytes go to the `output`
/// closure in pieces. ``finish()`` tells how the input ended: at the end of the gzip stream,
/// before it (truncated), or with bytes after it (appended data, or a second member).
public final class GzipInflater {
    /// How the compressed input ended.
    public enum Ending: Equatable, Sendable {
        /// Exactly at the end of the gzip stream (trailer checked: CRC-32 and length).
        case complete
        /// The input stopped before the end of the gzip stream.
        case truncated
        /// The gzip stream ended and this many more bytes followed it.
        case trailingData(byteCount: Int)
    }

    /// The compressed bytes are not a valid gzip stream.
    public struct FormatError: Error, Sendable, CustomStringConvertible {
        public let reason: String
        public var description: String { reason }
    }

    /// Size of the buffer uncompressed data is produced into.
    public static let outputChunkSize = 256 * 1024

    // z_stream holds pointers into itself: it must never move, so it lives on the heap.
    private let stream: UnsafeMutablePointer<z_stream>
    /// Whether zlib's state is set up: on first use, as a whole-buffer decode by libdeflate (every
    /// digest, most small log files) needs none.
    private var streamReady = false
    /// Allocated on first use: a whole-buffer decode by libdeflate needs none.
    private var outputBuffer: UnsafeMutablePointer<UInt8>?
    private var streamEnded = false
    private var trailingByteCount = 0
    /// libdeflate for ``inflateWhole(_:output:)``, when the system has it.
    private let wholeDecoder: WholeGzipDecoder?

    /// Prepares to read a gzip stream (zlib header or raw deflate is refused). With
    /// `wholeBuffer` false, ``inflateWhole(_:output:)`` uses zlib only.
    public init(wholeBuffer: Bool = true) {
        wholeDecoder = WholeGzipDecoder(enabled: wholeBuffer)
        stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
    }

    private func prepareStream() {
        guard !streamReady else { return }
        // 16 + 15: gzip wrapper only, 32 KiB window; as Python's zlib.MAX_WBITS | 16.
        let status = inflateInit2_(stream, 16 + MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        precondition(status == Z_OK, "inflateInit2 failed with status \(status): out of memory or zlib mismatch")
        streamReady = true
    }

    deinit {
        if streamReady { inflateEnd(stream) }
        stream.deinitialize(count: 1)
        stream.deallocate()
        outputBuffer?.deallocate()
    }

    /// Makes the inflater ready for a new gzip stream, keeping its memory: a worker inflating
    /// thousands of small files reuses one inflater.
    public func reset() {
        if streamReady {
            let status = inflateReset(stream)
            precondition(status == Z_OK, "inflateReset failed with status \(status) on an initialized stream")
        }
        streamEnded = false
        trailingByteCount = 0
    }

    /// Decompresses one chunk of input, passing the uncompressed bytes to `output`.
    public func feed(_ input: UnsafeRawBufferPointer, output: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard input.count > 0 else { return }
        if streamEnded {
            trailingByteCount += input.count
            return
        }
        prepareStream()
        let outputBuffer = self.outputBuffer ?? UnsafeMutablePointer<UInt8>.allocate(capacity: Self.outputChunkSize)
        self.outputBuffer = outputBuffer
        stream.pointee.next_in = UnsafeMutablePointer(mutating: input.bindMemory(to: UInt8.self).baseAddress)
        stream.pointee.avail_in = UInt32(input.count)
        defer {
            stream.pointee.next_in = nil
            stream.pointee.avail_in = 0
        }
        while stream.pointee.avail_in > 0 {
            stream.pointee.next_out = outputBuffer
            stream.pointee.avail_out = UInt32(Self.outputChunkSize)
            let status = inflate(stream, Z_NO_FLUSH)
            let produced = Self.outputChunkSize - Int(stream.pointee.avail_out)
            if produced > 0 { try output(UnsafeRawBufferPointer(start: outputBuffer, count: produced)) }
            switch status {
            case Z_OK:
                continue
            case Z_STREAM_END:
                streamEnded = true
                trailingByteCount += Int(stream.pointee.avail_in)
                return
            case Z_BUF_ERROR:
                // No progress possible with this input; wait for more.
                if produced == 0 { return }
            default:
                let message = stream.pointee.msg.map { String(cString: $0) } ?? "zlib status \(status)"
                throw FormatError(reason: message)
            }
        }
    }

    /// Whether ``inflateWhole(_:output:)`` can use libdeflate on this system.
    public static var hasWholeBufferDecoder: Bool { WholeGzipDecoder.isAvailable }

    /// Decompresses a whole object in one call, as ``reset()``, ``feed(_:output:)`` and
    /// ``finish()`` would, with the same output, ending and errors. A complete member that
    /// inflates to at most 512 KiB is decoded by libdeflate when it is installed (one call,
    /// about twice zlib's speed); anything else goes through zlib.
    public func inflateWhole(_ input: UnsafeRawBufferPointer, output: (UnsafeRawBufferPointer) throws -> Void) throws -> Ending {
        reset()
        if let decoded = wholeDecoder?.decode(input) {
            try output(decoded.output)
            streamEnded = true
            trailingByteCount = input.count - decoded.consumed
            return finish()
        }
        try feed(input, output: output)
        return finish()
    }

    /// Swift-array convenience for ``feed(_:output:)``.
    public func feed(_ input: [UInt8], output: (UnsafeRawBufferPointer) throws -> Void) throws {
        try input.withUnsafeBytes { try feed($0, output: output) }
    }

    /// How the input ended. Call after the last ``feed(_:output:)``.
    public func finish() -> Ending {
        if !streamEnded { return .truncated }
        return trailingByteCount == 0 ? .complete : .trailingData(byteCount: trailingByteCount)
    }

    /// An inflater no call of ``decompressWhole(_:maxOutput:)`` uses now. `@unchecked Sendable`:
    /// it is used by one call at a time, handed over through the lock.
    private struct Idle: @unchecked Sendable {
        let inflater: GzipInflater
    }

    private static let idle = Mutex<[Idle]>([])

    /// How many idle inflaters are kept: one per core is enough, and each may hold up to 768 KiB
    /// of output buffers after a large object.
    private static let maximumIdle = 4

    /// Decompresses a whole buffer, requiring exactly one complete gzip stream that inflates
    /// to at most `maxOutput` bytes; inflation stops as soon as it would go beyond.
    public static func decompressWhole(_ compressed: [UInt8], maxOutput: Int = 1 << 30) throws -> [UInt8] {
        // A run decodes hundreds of digests: an idle inflater is reused rather than libdeflate's
        // state (about 10 KB, cleared on allocation) made and freed for each.
        let inflater = idle.withLock { $0.popLast() }?.inflater ?? GzipInflater()
        defer {
            idle.withLock { idle in
                if idle.count < maximumIdle { idle.append(Idle(inflater: inflater)) }
            }
        }
        var result: [UInt8] = []
        let ending = try compressed.withUnsafeBytes { input in
            try inflater.inflateWhole(input) { chunk in
                guard result.count + chunk.count <= maxOutput else {
                    throw FormatError(reason: "it inflates to more than \(maxOutput) bytes")
                }
                result.append(contentsOf: chunk)
            }
        }
        switch ending {
        case .complete: return result
        case .truncated: throw FormatError(reason: "the gzip stream is truncated")
        case .trailingData(let count): throw FormatError(reason: "\(count) bytes follow the end of the gzip stream")
        }
    }
}

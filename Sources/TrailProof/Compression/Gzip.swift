import CZlib

/// One-shot gzip compression for the files TrailProof writes (log files and digests).
public enum Gzip {
    /// The gzip (RFC 1952) encoding of `data`, single member, zlib level 6 (its default) unless told.
    public static func compress(_ data: [UInt8], level: Int32 = 6) throws -> [UInt8] {
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        defer {
            deflateEnd(stream)
            stream.deinitialize(count: 1)
            stream.deallocate()
        }
        // 16 + 15: gzip wrapper, 32 KiB window.
        let status = deflateInit2_(
            stream, level, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
            Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else {
            throw TrailProofError(.cryptographyFailure, "zlib deflateInit2 failed with status \(status)")
        }
        let bound = Int(deflateBound(stream, UInt(data.count)))
        var output = [UInt8](repeating: 0, count: bound)
        let written: Int = try data.withUnsafeBufferPointer { input in
            try output.withUnsafeMutableBufferPointer { out in
                stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
                stream.pointee.avail_in = UInt32(input.count)
                stream.pointee.next_out = out.baseAddress
                stream.pointee.avail_out = UInt32(out.count)
                let result = deflate(stream, Z_FINISH)
                guard result == Z_STREAM_END else {
                    throw TrailProofError(.cryptographyFailure, "zlib deflate did not finish (status \(result))")
                }
                return out.count - Int(stream.pointee.avail_out)
            }
        }
        output.removeSubrange(written...)
        return output
    }
}

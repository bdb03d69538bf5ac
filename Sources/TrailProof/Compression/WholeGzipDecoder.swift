import Glibc

/// libdeflate's whole-buffer gzip decoder, loaded at run time from the system's `libdeflate.so.0`
/// (Debian and Ubuntu `libdeflate0`) when it is there; without it, zlib does all the work.
///
/// It decodes a small log file about twice as fast as zlib's streaming inflate (checksum
/// included), which matters when per-file cost decides a run. It is used only where its answer
/// is the one zlib would give: ``GzipInflater/inflateWhole(_:output:)`` takes its output only
/// when it decoded a complete member, and hands everything else (damaged, truncated, too large,
/// a header CRC that libdeflate would not check) to zlib, whose verdicts and messages stay.
final class WholeGzipDecoder {
    private typealias Allocate = @convention(c) () -> OpaquePointer?
    private typealias Free = @convention(c) (OpaquePointer?) -> Void
    private typealias Decompress =
        @convention(c) (
            OpaquePointer?, UnsafeRawPointer?, Int, UnsafeMutableRawPointer?, Int, UnsafeMutablePointer<Int>?,
            UnsafeMutablePointer<Int>?
        ) -> Int32

    private struct Library: @unchecked Sendable {
        let allocate: Allocate
        let free: Free
        let decompress: Decompress
    }

    /// The library's functions, or nil when it is not installed (looked up once per process).
    private static let library: Library? = {
        guard let handle = dlopen("libdeflate.so.0", RTLD_NOW | RTLD_LOCAL) else { return nil }
        guard let allocate = dlsym(handle, "libdeflate_alloc_decompressor"),
            let free = dlsym(handle, "libdeflate_free_decompressor"),
            let decompress = dlsym(handle, "libdeflate_gzip_decompress_ex")
        else {
            dlclose(handle)
            return nil
        }
        return Library(
            allocate: unsafeBitCast(allocate, to: Allocate.self), free: unsafeBitCast(free, to: Free.self),
            decompress: unsafeBitCast(decompress, to: Decompress.self))
    }()

    /// Whether libdeflate was found on this system.
    static var isAvailable: Bool { library != nil }

    /// The largest output decoded in one piece; larger objects are streamed through zlib, so a
    /// worker holds at most this much.
    static let maximumOutput = 512 * 1024

    private let library: Library
    private let decompressor: OpaquePointer
    private var output: UnsafeMutableRawBufferPointer

    /// A decoder, or nil when libdeflate is not installed or `enabled` is false.
    init?(enabled: Bool = true) {
        guard enabled, let library = Self.library, let decompressor = library.allocate() else { return nil }
        self.library = library
        self.decompressor = decompressor
        output = UnsafeMutableRawBufferPointer.allocate(byteCount: 16 * 1024, alignment: 16)
    }

    deinit {
        library.free(decompressor)
        output.deallocate()
    }

    /// Decodes the gzip member at the start of `input` when it is complete, well-formed and
    /// inflates to at most ``maximumOutput`` bytes: its uncompressed bytes (valid until the next
    /// call) and how many input bytes it took. Nil for anything else, left to zlib.
    func decode(_ input: UnsafeRawBufferPointer) -> (output: UnsafeRawBufferPointer, consumed: Int)? {
        // Header (10 bytes) and trailer (8): ID1 ID2 CM=8, and no FHCRC: libdeflate skips the
        // header CRC where zlib checks it, so such a file is zlib's to judge.
        guard input.count >= 18, input[0] == 0x1f, input[1] == 0x8b, input[2] == 8, input[3] & 0x02 == 0 else { return nil }
        // ISIZE, the last four bytes when nothing follows the member: the output size to expect.
        // A wrong one (or data after the member) only makes the decode fail and fall to zlib.
        let expected = Int(input.loadUnaligned(fromByteOffset: input.count - 4, as: UInt32.self).littleEndian)
        guard expected <= Self.maximumOutput else { return nil }
        if output.count < expected {
            output.deallocate()
            output = UnsafeMutableRawBufferPointer.allocate(byteCount: min(max(expected, output.count * 2), Self.maximumOutput), alignment: 16)
        }
        var consumed = 0
        var produced = 0
        let status = library.decompress(
            decompressor, input.baseAddress, input.count, output.baseAddress, expected, &consumed, &produced)
        guard status == 0, produced == expected, consumed <= input.count else { return nil }
        return (UnsafeRawBufferPointer(start: output.baseAddress, count: produced), consumed)
    }
}

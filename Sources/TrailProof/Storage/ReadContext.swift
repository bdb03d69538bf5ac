/// What one worker reuses from object to object when it reads many in a row: the buffer a store
/// reads into and, in a local store, the open handle of the folder it read from last (the log
/// files of one digest share a folder, so most reads skip the shared handle cache and its lock).
///
/// `@unchecked Sendable`: a context is used by one task at a time, as a worker's buffer is.
public final class ReadContext: @unchecked Sendable {
    /// The memory a store reads into.
    public let buffer: UnsafeMutableRawBufferPointer
    /// The folder handle a local store keeps between reads (see ``DirectoryHandles/Lease``).
    var folder: DirectoryHandles.Lease?

    /// A context with a read buffer of `bufferSize` bytes.
    public init(bufferSize: Int = 256 * 1024) {
        precondition(bufferSize > 0, "a read buffer must not be empty")
        buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bufferSize, alignment: 16)
    }

    deinit { buffer.deallocate() }
}

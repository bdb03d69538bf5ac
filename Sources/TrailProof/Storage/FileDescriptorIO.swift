import Glibc

/// Whole reads and writes on an open file descriptor: short writes continued, interrupted calls
/// retried, failures reported with the system's reason.
public enum FileDescriptorIO {
    /// Writes every byte of `bytes` to `file`, or throws naming `what` and the system's reason.
    public static func write(_ bytes: UnsafeRawBufferPointer, to file: Int32, naming what: @autoclosure () -> String) throws {
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.write(file, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw TrailProofError(.storageFailure, "cannot write \(what()): \(errnoText())")
            }
            offset += written
        }
    }

    /// Writes every byte of `bytes` to `file`, or throws naming `what` and the system's reason.
    public static func write(_ bytes: [UInt8], to file: Int32, naming what: @autoclosure () -> String) throws {
        try bytes.withUnsafeBytes { try write($0, to: file, naming: what()) }
    }

    /// Everything `file` holds from its current offset to its end, or throws naming `what`.
    public static func readToEnd(_ file: Int32, naming what: @autoclosure () -> String) throws -> [UInt8] {
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(file, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw TrailProofError(.storageFailure, "cannot read \(what()): \(errnoText())")
            }
            if count == 0 { return result }
            result += buffer[0..<count]
        }
    }
}

import Glibc

/// An append-only scratch file for the parts of a machine report, so that a report over a year of
/// log files is written without holding its records in memory.
///
/// The file is unlinked as soon as it is made (`tmpfile`): nothing is left behind, even after a kill.
final class ReportSpool {
    private let file: UnsafeMutablePointer<FILE>
    /// Bytes written so far.
    private(set) var size = 0

    init() throws {
        guard let file = tmpfile() else {
            throw TrailProofError(.storageFailure, "cannot make a scratch file for the report in the temporary folder: \(errnoText())")
        }
        self.file = file
    }

    deinit { fclose(file) }

    func append(_ text: String) throws {
        var text = text
        let written = text.withUTF8 { fwrite($0.baseAddress, 1, $0.count, file) }
        guard written == text.utf8.count else {
            throw TrailProofError(.storageFailure, "cannot write the report's scratch file: \(errnoText())")
        }
        size += written
    }

    /// Hands the bytes in `range` to `sink`, in pieces.
    func copy(_ range: Range<Int>, to sink: (String) throws -> Void) throws {
        guard !range.isEmpty else { return }
        guard fflush(file) == 0, fseek(file, range.lowerBound, SEEK_SET) == 0 else {
            throw TrailProofError(.storageFailure, "cannot read the report's scratch file: \(errnoText())")
        }
        defer { fseek(file, 0, SEEK_END) }
        var remaining = range.count
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var pending: [UInt8] = []  // a UTF-8 sequence cut at a piece's end
        while remaining > 0 {
            let count = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, min($0.count, remaining), file) }
            guard count > 0 else { throw TrailProofError(.storageFailure, "the report's scratch file ended early") }
            remaining -= count
            var piece = pending + buffer[..<count]
            let cut = piece.count - Self.incompleteTail(piece)
            pending = Array(piece[cut...])
            piece.removeSubrange(cut...)
            try sink(String(decoding: piece, as: UTF8.self))
        }
        if !pending.isEmpty { try sink(String(decoding: pending, as: UTF8.self)) }
    }

    /// How many bytes at the end of `bytes` begin a UTF-8 sequence that is not complete yet.
    private static func incompleteTail(_ bytes: [UInt8]) -> Int {
        var index = bytes.count - 1
        while index >= 0, bytes.count - index <= 4 {
            let byte = bytes[index]
            if byte & 0xC0 != 0x80 {
                let length = byte < 0xC0 ? 1 : byte < 0xE0 ? 2 : byte < 0xF0 ? 3 : 4
                return bytes.count - index < length ? bytes.count - index : 0
            }
            index -= 1
        }
        return 0
    }
}

// libFuzzer target: the gzip inflater, fed whole and in two chunks, with an output cap; and the
// whole-buffer path (libdeflate when installed) against zlib streaming: the same bytes, ending
// and error for every input.
@testable import TrailProof

nonisolated(unsafe) private let wholeBuffer = GzipInflater()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGzipInflater(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let whole = try? GzipInflater.decompressWhole(bytes, maxOutput: 1 << 20)
    let split = bytes.isEmpty ? 0 : Int(bytes[0]) % (bytes.count + 1)
    let inflater = GzipInflater(wholeBuffer: false)
    var streamed: [UInt8] = []
    var streamedAnswer = ""
    do {
        try inflater.feed(Array(bytes[..<split])) {
            streamed += $0; if streamed.count > 1 << 20 { throw GzipInflater.FormatError(reason: "cap") }
        }
        try inflater.feed(Array(bytes[split...])) {
            streamed += $0; if streamed.count > 1 << 20 { throw GzipInflater.FormatError(reason: "cap") }
        }
        // One complete stream read whole and in two chunks gives the same bytes.
        if let whole, inflater.finish() == .complete { precondition(whole == streamed, "chunked inflation differs") }
        streamedAnswer = "\(inflater.finish())"
    } catch {
        streamedAnswer = "error \(error)"
    }
    guard streamed.count <= 1 << 20 else { return 0 }
    var decoded: [UInt8] = []
    var wholeAnswer: String
    do {
        wholeAnswer = "\(try bytes.withUnsafeBytes { try wholeBuffer.inflateWhole($0) { decoded += $0 } })"
    } catch {
        wholeAnswer = "error \(error)"
    }
    // Where the output fit under the cap, zlib's answer and the whole-buffer answer agree.
    if !streamedAnswer.hasSuffix("cap") {
        precondition(wholeAnswer == streamedAnswer, "whole-buffer \(wholeAnswer), zlib \(streamedAnswer)")
        precondition(decoded == streamed, "whole-buffer bytes differ from zlib's")
    }
    return 0
}

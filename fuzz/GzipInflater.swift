// libFuzzer target: the gzip inflater, fed whole and in two chunks, with an output cap.
@testable import TrailProof

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGzipInflater(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let whole = try? GzipInflater.decompressWhole(bytes, maxOutput: 1 << 20)
    let split = bytes.isEmpty ? 0 : Int(bytes[0]) % (bytes.count + 1)
    let inflater = GzipInflater()
    var streamed: [UInt8] = []
    do {
        try inflater.feed(Array(bytes[..<split])) { streamed += $0; if streamed.count > 1 << 20 { throw GzipInflater.FormatError(reason: "cap") } }
        try inflater.feed(Array(bytes[split...])) { streamed += $0; if streamed.count > 1 << 20 { throw GzipInflater.FormatError(reason: "cap") } }
        // One complete stream read whole and in two chunks gives the same bytes.
        if let whole, inflater.finish() == .complete { precondition(whole == streamed, "chunked inflation differs") }
    } catch {}
    return 0
}

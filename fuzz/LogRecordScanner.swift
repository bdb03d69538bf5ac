// libFuzzer target: the streaming log document reader, whole and in two chunks, against the strict parser.
@testable import TrailProof

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLogRecordScanner(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let split = bytes.isEmpty ? 0 : Int(bytes[0]) % (bytes.count + 1)
    let scanner = LogRecordScanner()
    var records: [JSONValue] = []
    let accepted: Bool
    do {
        try scanner.feed(Array(bytes[..<split])) { records.append($0) }
        try scanner.feed(Array(bytes[split...])) { records.append($0) }
        try scanner.finish()
        accepted = true
    } catch {
        accepted = false
    }
    // The scanner accepts exactly the documents the strict parser accepts as {"Records": [...]}.
    let strict = try? StrictJSONParser.parse(bytes)
    let strictRecords = strict?["Records"]?.arrayValue
    // (The scanner bounds nesting from each record, the whole-document parser from the root: a
    // deep record may pass the one and not the other, so only documents both read are compared.)
    if accepted, let strictRecords { precondition(strictRecords == records, "the scanner read records the strict parser reads otherwise") }
    if let strictRecords, case .object = strict, !accepted, bytes.count < LogRecordScanner.maximumValueSize {
        _ = strictRecords
        preconditionFailure("the scanner refused a document the strict parser accepts")
    }
    return 0
}

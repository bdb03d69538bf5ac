// libFuzzer target: the digest parser (uncompressed digest bytes in, a DigestFile or an error out), and
// its one-pass reader of the common case against the strict one.
@testable import TrailProof

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDigestParser(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    // The one-pass reader of the common case answers only what the strict reader answers.
    if let common = DigestFile(commonCase: bytes) {
        precondition((try? DigestFile(strictlyParsing: bytes)) == common, "the common-case reader and the strict one disagree")
    }
    if let digest = try? DigestFile(parsing: bytes) {
        // What parses must serialize and parse back to the same document.
        precondition((try? DigestFile(parsing: digest.serialized())) == digest, "a parsed digest does not round-trip")
    }
    return 0
}

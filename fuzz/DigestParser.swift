// libFuzzer target: the strict digest parser (uncompressed digest bytes in, a DigestFile or an error out).
@testable import TrailProof

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDigestParser(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let digest = try? DigestFile(parsing: bytes) {
        // What parses must serialize and parse back to the same document.
        precondition((try? DigestFile(parsing: digest.serialized())) == digest, "a parsed digest does not round-trip")
    }
    return 0
}

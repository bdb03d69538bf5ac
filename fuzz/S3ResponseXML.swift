// libFuzzer target: the S3 XML reader (ListObjectsV2 pages and error documents).
@testable import TrailProof

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzS3ResponseXML(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    _ = try? S3ResponseXML.listPage(bytes)
    _ = S3ResponseXML.errorDocument(bytes)
    return 0
}

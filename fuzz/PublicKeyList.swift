// libFuzzer target: the ListPublicKeys reader.
@testable import TrailProof

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPublicKeyList(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let list = try? PublicKeyList(json: bytes, source: "fuzz") {
        for entry in list.entries { _ = try? RSAPublicKey(der: entry.der) }
        _ = list.keysOverlapping(start: Timestamp(secondsSinceEpoch: 0), end: Timestamp(secondsSinceEpoch: 253_402_300_799))
    }
    return 0
}

import COpenSSLCrypto

/// Builds a ``TrailProofError`` from OpenSSL's thread-local error queue, emptying it.
func openSSLFailure(_ operation: String) -> TrailProofError {
    var reasons: [String] = []
    while true {
        let code = ERR_get_error()
        if code == 0 { break }
        var buffer = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &buffer, buffer.count)
        reasons.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }
    let detail = reasons.isEmpty ? "no detail from OpenSSL" : reasons.joined(separator: "; ")
    return TrailProofError(.cryptographyFailure, "\(operation) failed: \(detail)")
}

/// Drops whatever OpenSSL left in the error queue after an expected failure.
func clearOpenSSLErrors() {
    ERR_clear_error()
}

import COpenSSLCrypto

/// HMAC-SHA256 on OpenSSL's EVP MAC interface, for AWS Signature Version 4.
public enum HMAC {
    /// HMAC-SHA256 of `data` under `key`.
    public static func sha256(key: [UInt8], data: [UInt8]) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: 32)
        var length = 0
        let result = key.withUnsafeBytes { keyBytes in
            data.withUnsafeBufferPointer { dataBytes in
                EVP_Q_mac(
                    nil, "HMAC", nil, "SHA256", nil, keyBytes.baseAddress, keyBytes.count, dataBytes.baseAddress, dataBytes.count, &output,
                    output.count, &length)
            }
        }
        precondition(result != nil && length == 32, "OpenSSL HMAC-SHA256 failed: \(openSSLFailure("EVP_Q_mac"))")
        return output
    }
}

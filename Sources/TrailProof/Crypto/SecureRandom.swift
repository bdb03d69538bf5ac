import COpenSSLCrypto

/// Random values from OpenSSL's CSPRNG.
enum SecureRandom {
    private static let alphanumerics = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)

    /// `count` random bytes.
    static func bytes(_ count: Int) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: count)
        guard RAND_bytes(&output, Int32(count)) == 1 else {
            preconditionFailure("OpenSSL RAND_bytes failed: \(openSSLFailure("RAND_bytes"))")
        }
        return output
    }

    /// A string of `count` random letters and digits, uniformly distributed (rejection sampling).
    static func alphanumericString(_ count: Int) -> String {
        var result: [UInt8] = []
        while result.count < count {
            for byte in bytes(count * 2) where result.count < count {
                // 248 = 4 * 62: values at or above it would bias the result.
                if byte < 248 { result.append(alphanumerics[Int(byte) % alphanumerics.count]) }
            }
        }
        return String(decoding: result, as: UTF8.self)
    }
}

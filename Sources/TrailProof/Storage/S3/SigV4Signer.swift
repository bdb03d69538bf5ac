/// AWS Signature Version 4 (`AWS4-HMAC-SHA256`), on OpenSSL's SHA-256 and HMAC.
///
///     let signer = SigV4Signer(credentials: credentials, region: "us-east-1", service: "s3")
///     let headers = signer.signedHeaders(method: "GET", path: "/bucket/key", query: [], headers: [("host", "s3.amazonaws.com")],
///                                        payloadHash: SigV4Signer.unsignedPayload, date: .now())
///
/// For S3 the path is used as given (encoded once, never normalized); other services
/// normalize `.`/`..`/`//` in the path, as the published test suite expects.
public struct SigV4Signer: Sendable {
    /// An access key pair, with a session token for temporary credentials.
    public struct Credentials: Hashable, Sendable {
        public var accessKeyID: String
        public var secretAccessKey: String
        public var sessionToken: String?

        public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil) {
            self.accessKeyID = accessKeyID
            self.secretAccessKey = secretAccessKey
            self.sessionToken = sessionToken
        }
    }

    /// The payload hash S3 accepts when the body is not hashed in advance.
    public static let unsignedPayload = "UNSIGNED-PAYLOAD"
    /// SHA-256 of an empty body.
    public static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    public let credentials: Credentials
    public let region: String
    public let service: String

    public init(credentials: Credentials, region: String, service: String) {
        self.credentials = credentials
        self.region = region
        self.service = service
    }

    /// The headers to send: the given ones plus `x-amz-date`, `x-amz-content-sha256` (S3),
    /// `x-amz-security-token` (temporary credentials) and `authorization`.
    public func signedHeaders(
        method: String, path: String, query: [(String, String)], headers: [(String, String)], payloadHash: String,
        date: Timestamp
    ) -> [(String, String)] {
        var all = headers
        all.append(("x-amz-date", date.compactSeconds))
        if service == "s3" { all.append(("x-amz-content-sha256", payloadHash)) }
        if let token = credentials.sessionToken { all.append(("x-amz-security-token", token)) }
        all.append(("authorization", authorization(method: method, path: path, query: query, headers: all, payloadHash: payloadHash, date: date)))
        return all
    }

    /// The `Authorization` header value for a request whose headers already include `x-amz-date`.
    public func authorization(
        method: String, path: String, query: [(String, String)], headers: [(String, String)], payloadHash: String,
        date: Timestamp
    ) -> String {
        let canonical = canonicalRequest(method: method, path: path, query: query, headers: headers, payloadHash: payloadHash)
        let signature = Hex.encode(
            HMAC.sha256(key: signingKey(date: date), data: Array(stringToSign(canonicalRequest: canonical.text, date: date).utf8)))
        return
            "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(scope(date)), SignedHeaders=\(canonical.signedHeaders), Signature=\(signature)"
    }

    /// The canonical request and its signed-header list.
    public func canonicalRequest(method: String, path: String, query: [(String, String)], headers: [(String, String)], payloadHash: String) -> (
        text: String, signedHeaders: String
    ) {
        var grouped: [String: [String]] = [:]
        for (name, value) in headers { grouped[name.lowercased(), default: []].append(Self.trimmed(value)) }
        let names = grouped.keys.sorted()
        let canonicalHeaders = names.map { "\($0):\(grouped[$0]!.joined(separator: ","))\n" }.joined()
        let signedHeaders = names.joined(separator: ";")
        let encodedQuery: [(name: String, value: String)] = query.map { pair in
            (Self.encode(pair.0, keepSlash: false), Self.encode(pair.1, keepSlash: false))
        }
        let sortedQuery = encodedQuery.sorted { lhs, rhs in lhs.name == rhs.name ? lhs.value < rhs.value : lhs.name < rhs.name }
        let canonicalQuery = sortedQuery.map { "\($0.name)=\($0.value)" }.joined(separator: "&")
        let canonicalPath = Self.encode(service == "s3" ? path : Self.normalized(path), keepSlash: true)
        let text = [method, canonicalPath, canonicalQuery, canonicalHeaders, signedHeaders, payloadHash].joined(separator: "\n")
        return (text, signedHeaders)
    }

    /// `AWS4-HMAC-SHA256`, the date, the scope and the hash of the canonical request.
    public func stringToSign(canonicalRequest: String, date: Timestamp) -> String {
        "AWS4-HMAC-SHA256\n\(date.compactSeconds)\n\(scope(date))\n\(MessageDigest.sha256Hex(Array(canonicalRequest.utf8)))"
    }

    private func scope(_ date: Timestamp) -> String { "\(date.compactSeconds.prefix(8))/\(region)/\(service)/aws4_request" }

    private func signingKey(date: Timestamp) -> [UInt8] {
        let dateKey = HMAC.sha256(key: Array("AWS4\(credentials.secretAccessKey)".utf8), data: Array(date.compactSeconds.prefix(8).utf8))
        let regionKey = HMAC.sha256(key: dateKey, data: Array(region.utf8))
        let serviceKey = HMAC.sha256(key: regionKey, data: Array(service.utf8))
        return HMAC.sha256(key: serviceKey, data: Array("aws4_request".utf8))
    }

    /// RFC 3986 percent-encoding of everything but unreserved characters (and `/` if kept).
    public static func encode(_ text: String, keepSlash: Bool) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: "/") where keepSlash:
                out.append("/")
            default:
                out += byte < 16 ? "%0" : "%"
                out += String(byte, radix: 16, uppercase: true)
            }
        }
        return out
    }

    /// Values trimmed, with runs of spaces and tabs folded to one space.
    private static func trimmed(_ value: String) -> String {
        value.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
    }

    /// The path with `.` and `..` segments resolved and empty segments removed.
    private static func normalized(_ path: String) -> String {
        var segments: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) {
            if segment == "." { continue }
            if segment == ".." {
                _ = segments.popLast()
                continue
            }
            segments.append(segment)
        }
        let joined = "/" + segments.joined(separator: "/")
        return path.hasSuffix("/") && joined != "/" ? joined + "/" : joined
    }
}

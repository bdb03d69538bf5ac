import FoundationEssentials
public import Logging

/// Where and how to reach S3 or an S3-compatible server (SeaweedFS, MinIO, Ceph).
public struct S3Configuration: Sendable {
    /// How buckets appear in URLs.
    public enum Addressing: String, Hashable, Sendable, CaseIterable {
        /// `https://ENDPOINT/BUCKET/KEY`: what most S3-compatible servers need.
        case path
        /// `https://BUCKET.ENDPOINT/KEY`: what AWS S3 prefers.
        case virtual
    }

    /// `http` or `https`.
    public var scheme: String
    /// The endpoint host, without bucket.
    public var host: String
    public var port: Int?
    public var region: String
    public var addressing: Addressing
    /// The credentials requests are signed with, refreshed before temporary ones expire.
    public var credentials: RefreshingCredentials
    /// Attempts per request for throttling, 5xx answers and broken connections.
    public var maxAttempts = 4
    /// Keys per ListObjectsV2 page (nil: the server's default, 1000 on AWS).
    public var listPageSize: Int?
    /// Seconds to wait for a connection, and for each answer.
    public var connectTimeout: Int64 = 10
    public var requestTimeout: Int64 = 120
    /// Seconds a connection may stay silent while an answer is awaited or read; a body that
    /// stalls longer is resumed with a new request.
    public var readTimeout: Int64 = 30
    /// Where requests, retries and the credential source are logged (at debug level); by
    /// default nowhere. Never a secret, a signature or a body.
    public var logger = Logger(label: "trailproof", factory: { _ in SwiftLogNoOpLogHandler() })

    public init(endpoint: String?, region: String, addressing: Addressing?, credentials: SigV4Signer.Credentials) throws {
        try self.init(endpoint: endpoint, region: region, addressing: addressing, credentials: RefreshingCredentials(fixed: credentials))
    }

    public init(endpoint: String?, region: String, addressing: Addressing?, credentials: RefreshingCredentials) throws {
        self.region = region
        self.credentials = credentials
        if let endpoint {
            guard let url = URL(string: endpoint), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
                let host = url.host, !host.isEmpty, url.path.isEmpty || url.path == "/"
            else {
                throw TrailProofError(
                    .invalidArgument, "invalid endpoint URL \"\(endpoint)\": expected e.g. https://s3.example.com or http://127.0.0.1:8333")
            }
            self.scheme = scheme
            self.host = host
            self.port = url.port
            self.addressing = addressing ?? .path
        } else {
            guard TrailLocation.isRegionName(region) else { throw TrailProofError(.invalidArgument, "invalid S3 region \"\(region)\"") }
            scheme = "https"
            host = "s3.\(region).amazonaws.com"
            port = nil
            self.addressing = addressing ?? .virtual
        }
    }

    /// The endpoint as text, for messages.
    public var endpointDescription: String { "\(scheme)://\(hostHeader(bucket: nil))" }

    /// The `Host` of requests for `bucket`, with a non-default port.
    func hostHeader(bucket: String?) -> String {
        let base = addressing == .virtual && bucket != nil ? "\(bucket!).\(host)" : host
        guard let port, !(scheme == "http" && port == 80), !(scheme == "https" && port == 443) else { return base }
        return "\(base):\(port)"
    }

    /// The path of an object (or of the bucket when `key` is nil, or of the service when both
    /// are nil), not yet percent-encoded.
    func path(bucket: String?, key: String?) -> String {
        guard let bucket else { return "/" }
        switch addressing {
        case .path: return "/\(bucket)" + (key.map { "/" + $0 } ?? "")
        case .virtual: return "/" + (key ?? "")
        }
    }

    /// Resolves the configuration as the AWS tools do: endpoint from the argument,
    /// `AWS_ENDPOINT_URL_S3` or `AWS_ENDPOINT_URL`; region from the argument, `AWS_REGION`,
    /// `AWS_DEFAULT_REGION` or the profile, else us-east-1; credentials from ``AWSCredentialChain``.
    public static func resolve(
        endpoint: String?, region: String?, addressing: Addressing?, profile: String? = nil,
        environment: [String: String]? = nil, logger: Logger? = nil
    ) async throws -> S3Configuration {
        let environment = environment ?? ProcessInfo.processInfo.environment
        let logger = logger ?? Logger(label: "trailproof", factory: { _ in SwiftLogNoOpLogHandler() })
        let chain = AWSCredentialChain(environment: environment, profile: profile, logger: logger)
        let endpointURL = endpoint ?? environment["AWS_ENDPOINT_URL_S3"] ?? environment["AWS_ENDPOINT_URL"]
        let resolvedRegion = region ?? environment["AWS_REGION"] ?? environment["AWS_DEFAULT_REGION"] ?? chain.profileRegion() ?? "us-east-1"
        let credentials = RefreshingCredentials(initial: try await chain.resolve()) { try await chain.resolve() }
        var configuration = try S3Configuration(endpoint: endpointURL, region: resolvedRegion, addressing: addressing, credentials: credentials)
        configuration.logger = logger
        return configuration
    }
}

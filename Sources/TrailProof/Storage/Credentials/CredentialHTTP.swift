import AsyncHTTPClient
import Logging
import NIOCore
import NIOHTTP1

/// The small HTTP requests credential providers make (STS, SSO, container and instance
/// metadata endpoints): one client for the process, bounded answers, a deadline per request.
enum CredentialHTTP {
    struct Response {
        var status: Int
        var body: [UInt8]
    }

    /// Answers larger than this are not credentials.
    static let maximumBody = 256 * 1024

    private static let client: HTTPClient = {
        // A body that stalls is bounded by the read timeout; the answer's head by each request's deadline.
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow, timeout: .init(connect: .seconds(5), read: .seconds(10)))
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    /// Sends one request; throws when no answer came within `timeout` seconds.
    static func send(
        _ method: String, _ url: String, headers: [(String, String)] = [], body: [UInt8]? = nil, timeout: Double, logger: Logger
    ) async throws -> Response {
        let started = ContinuousClock.now
        // What --debug shows: the method, host and path, never a header (tokens) or a body.
        func log(_ status: String) {
            let elapsed = started.duration(to: .now).wholeMilliseconds
            let target = url.split(separator: "?", maxSplits: 1).first.map(String.init) ?? url
            logger.debug(
                "credentials request",
                metadata: [
                    "method": "\(method)", "url": "\(target)", "status": "\(status)",
                    "elapsed_ms": "\(elapsed)",
                ])
        }
        do {
            let response = try await exchange(method, url, headers: headers, body: body, timeout: timeout)
            log("\(response.status)")
            return response
        } catch {
            log("\(error)")
            throw error
        }
    }

    private static func exchange(
        _ method: String, _ url: String, headers: [(String, String)], body: [UInt8]?, timeout: Double
    ) async throws -> Response {
        var request = HTTPClientRequest(url: url)
        request.method = HTTPMethod(rawValue: method)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await client.execute(request, timeout: .milliseconds(Int64(timeout * 1000)))
        var bytes: [UInt8] = []
        for try await chunk in response.body {
            guard bytes.count + chunk.readableBytes <= maximumBody else {
                throw TrailProofError(.storageFailure, "\(url) answered with more than \(maximumBody) bytes")
            }
            bytes.append(contentsOf: chunk.readableBytesView)
        }
        return Response(status: Int(response.status.code), body: bytes)
    }

    /// `application/x-www-form-urlencoded` of the pairs, as the STS query API takes them.
    static func form(_ pairs: [(String, String)]) -> [UInt8] {
        Array(pairs.map { "\(SigV4Signer.encode($0.0, keepSlash: false))=\(SigV4Signer.encode($0.1, keepSlash: false))" }.joined(separator: "&").utf8)
    }
}

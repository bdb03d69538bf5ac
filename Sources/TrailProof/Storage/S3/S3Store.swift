import AsyncHTTPClient
import FoundationEssentials
import Logging
import NIOCore
import NIOHTTP1
import Synchronization

/// A bucket store in AWS S3 or an S3-compatible server, signed with SigV4.
///
/// Lists with ListObjectsV2, reads with GetObject (bodies streamed, never held whole unless
/// asked for), checks with HeadObject and writes with PutObject and `x-amz-meta-*` metadata.
/// Throttling, 5xx answers and broken connections are retried with jittered exponential
/// backoff; 403, 404 and wrong-region answers become messages that name bucket and key.
public struct S3Store: ObjectStore {
    public let configuration: S3Configuration

    public init(configuration: S3Configuration) {
        self.configuration = configuration
    }

    public var displayName: String { "S3 at \(configuration.endpointDescription)" }

    /// Network stores want many requests in flight: with small log files each request is mostly
    /// waiting for the round trip, so 128 at once hide a remote region's latency (bench/validate-latency.sh).
    public var preferredConcurrency: Int { 128 }

    /// The clients of the process, one per pair of timeouts: a client's connection pool is
    /// shared by every store, and it is never deinitialised (AsyncHTTPClient requires a shutdown
    /// before that).
    private static let clients = Mutex<[[Int64]: HTTPClient]>([:])

    private var client: HTTPClient {
        Self.clients.withLock { clients in
            let timeouts = [configuration.connectTimeout, configuration.readTimeout]
            if let client = clients[timeouts] { return client }
            var pool = HTTPClient.Configuration.ConnectionPool()
            pool.concurrentHTTP1ConnectionsPerHostSoftLimit = 128
            // A refused connection must surface: our retries (bounded, jittered) decide what to do.
            pool.retryConnectionEstablishment = false
            // The read timeout also bounds a body that stalls half-way: the read is then resumed.
            let timeout = HTTPClient.Configuration.Timeout(
                connect: .seconds(configuration.connectTimeout), read: .seconds(configuration.readTimeout))
            let client = HTTPClient(
                eventLoopGroup: HTTPClient.defaultEventLoopGroup,
                configuration: HTTPClient.Configuration(redirectConfiguration: .disallow, timeout: timeout, connectionPool: pool))
            clients[timeouts] = client
            return client
        }
    }

    // MARK: ObjectStore

    public func listKeys(bucket: String, prefix: String, startAfter: String?) async throws -> [String] {
        var keys: [String] = []
        try await listPages(bucket: bucket, prefix: prefix, startAfter: startAfter) { keys += $0.keys }
        return keys
    }

    public func listObjects(bucket: String, prefix: String, startAfter: String?, page body: ([ListedObject]) throws -> Void) async throws {
        try await listPages(bucket: bucket, prefix: prefix, startAfter: startAfter) { page in
            var objects: [ListedObject] = []
            for (index, key) in page.keys.enumerated() {
                guard let size = page.sizes[index], let modified = page.lastModified[index] else {
                    throw TrailProofError(
                        .storageFailure, "\(displayName) listed s3://\(bucket)/\(key) without a readable Size and LastModified")
                }
                objects.append(ListedObject(key: key, size: size, lastModified: modified))
            }
            try body(objects)
        }
    }

    /// ListObjectsV2, one request per page, each page handed to `body`.
    private func listPages(bucket: String, prefix: String, startAfter: String?, _ body: (S3ResponseXML.ListPage) throws -> Void) async throws {
        try ObjectLocation.validateBucket(bucket)
        var continuation: String?
        repeat {
            var query = [("list-type", "2"), ("prefix", prefix)]
            if let size = configuration.listPageSize { query.append(("max-keys", String(size))) }
            if let continuation {
                query.append(("continuation-token", continuation))
            } else if let startAfter {
                query.append(("start-after", startAfter))
            }
            let (bytes, _) = try await getWhole(
                bucket: bucket, key: nil, query: query, subject: "listing s3://\(bucket)/\(prefix)", maxBytes: Self.maximumListPageSize)
            let page = try S3ResponseXML.listPage(bytes)
            try body(page)
            continuation = page.isTruncated ? page.nextContinuationToken : nil
            if page.isTruncated && continuation == nil {
                throw TrailProofError(
                    .storageFailure, "\(displayName) said the listing of s3://\(bucket)/\(prefix) continues but gave no continuation token")
            }
        } while continuation != nil
    }

    public func listBuckets() async throws -> [String] {
        let (bytes, _) = try await getWhole(bucket: nil, key: nil, query: [], subject: "the bucket list", maxBytes: Self.maximumListPageSize)
        return try S3ResponseXML.bucketNames(bytes).sorted { ObjectLocation.precedesInS3Order($0, $1) }
    }

    public func deleteObject(_ location: ObjectLocation) async throws {
        do {
            _ = try await send("DELETE", location)
        } catch let error as TrailProofError where error.code == .objectNotFound {
            return
        }
    }

    public func getObject(_ location: ObjectLocation, maxBytes: Int) async throws -> StoredObject {
        try ObjectLocation.validateBucket(location.bucket)
        try ObjectLocation.validateKey(location.key)
        let (bytes, headers) = try await getWhole(bucket: location.bucket, key: location.key, query: [], subject: location.uri, maxBytes: maxBytes)
        return StoredObject(bytes: bytes, metadata: Self.metadata(of: headers))
    }

    /// The most a ListObjectsV2 page may hold (1,000 keys of 1 KB are about 1.5 MB of XML).
    static let maximumListPageSize = 16 << 20

    /// A whole answer body of at most `maxBytes`, fetched again whole when it breaks off.
    private func getWhole(bucket: String?, key: String?, query: [(String, String)], subject: String, maxBytes: Int) async throws -> (
        [UInt8], HTTPHeaders
    ) {
        var attempt = 0
        while true {
            attempt += 1
            let response = try await send("GET", bucket: bucket, key: key, query: query, subject: subject)
            if let length = response.headers.first(name: "content-length").flatMap(Int.init), length > maxBytes {
                throw TrailProofError(.objectTooLarge, "\(subject) in \(displayName) is larger than \(maxBytes) bytes (\(length))")
            }
            do {
                return (Array(buffer: try await response.body.collect(upTo: maxBytes)), response.headers)
            } catch is NIOTooManyBytesError {
                throw TrailProofError(.objectTooLarge, "\(subject) in \(displayName) is larger than \(maxBytes) bytes")
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                guard attempt < configuration.maxAttempts else {
                    throw TrailProofError(
                        .storageFailure, "the connection broke while reading \(subject) from \(displayName), \(attempt) attempts: \(error)")
                }
                try await backoff(attempt: attempt)
            }
        }
    }

    /// Streams the object to `chunk`. A body that breaks off (a reset, a stall past the read
    /// timeout) is resumed where it stopped with a ranged GET pinned to the object's ETag, so the
    /// consumer sees each byte once and never a mix of two versions of the object.
    public func readObject(_ location: ObjectLocation, chunk: (UnsafeRawBufferPointer) throws -> Void) async throws {
        var delivered = 0
        var etag: String?
        var attempt = 0
        while true {
            attempt += 1
            var headers: [(String, String)] = []
            if delivered > 0, let etag { headers = [("range", "bytes=\(delivered)-"), ("if-match", etag)] }
            let response = try await send("GET", location, headers: headers)
            if delivered > 0 {
                guard response.status.code == 206 else {
                    throw TrailProofError(
                        .storageFailure, "\(displayName) did not resume \(location.uri) at byte \(delivered) (HTTP \(response.status.code))")
                }
            } else {
                etag = response.headers.first(name: "etag")
            }
            // What the consumer throws passes through; only a failing body stream is a transport error.
            var consumerError: (any Error)?
            do {
                for try await buffer in response.body {
                    do {
                        try buffer.withUnsafeReadableBytes { try chunk($0) }
                        delivered += buffer.readableBytes
                    } catch {
                        consumerError = error
                        throw error
                    }
                }
                return
            } catch {
                if let consumerError { throw consumerError }
                if error is CancellationError { throw error }
                guard attempt < configuration.maxAttempts, etag != nil || delivered == 0 else {
                    throw TrailProofError(
                        .storageFailure,
                        "the connection broke while reading \(location.uri) from \(displayName) after \(delivered) bytes, \(attempt) attempts: \(error)"
                    )
                }
                configuration.logger.debug(
                    "S3 body broke off; resuming", metadata: ["object": "\(location.uri)", "delivered": "\(delivered)", "attempt": "\(attempt)"])
            }
            try await backoff(attempt: attempt)
        }
    }

    public func objectExists(_ location: ObjectLocation) async throws -> Bool {
        do {
            _ = try await send("HEAD", location)
            return true
        } catch let error as TrailProofError where error.code == .objectNotFound {
            return false
        }
    }

    public func putObject(_ location: ObjectLocation, bytes: [UInt8], metadata: [String: String], overwrite: Bool) async throws {
        if !overwrite, try await objectExists(location) {
            throw TrailProofError(.objectExists, "\(location.uri) already exists in \(displayName); it is never overwritten")
        }
        var headers = metadata.sorted { $0.key < $1.key }.map { ("x-amz-meta-\($0.key.lowercased())", $0.value) }
        headers.append(("content-type", "application/octet-stream"))
        // Where the server supports conditional writes, a race with another writer also fails.
        if !overwrite { headers.append(("if-none-match", "*")) }
        _ = try await send("PUT", bucket: location.bucket, key: location.key, query: [], headers: headers, body: bytes, subject: location.uri)
    }

    /// Creates a bucket (CreateBucket); an existing bucket owned by the caller is fine.
    public func createBucket(_ bucket: String) async throws {
        try ObjectLocation.validateBucket(bucket)
        var body: [UInt8]?
        if configuration.region != "us-east-1" {
            let xml =
                "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><LocationConstraint>\(configuration.region)</LocationConstraint></CreateBucketConfiguration>"
            body = Array(xml.utf8)
        }
        do {
            _ = try await send("PUT", bucket: bucket, key: nil, query: [], body: body, subject: "bucket \(bucket)")
        } catch let error as TrailProofError where error.message.contains("BucketAlreadyOwnedByYou") {
            return
        }
    }

    // MARK: Requests

    private func send(_ method: String, _ location: ObjectLocation, headers: [(String, String)] = []) async throws -> HTTPClientResponse {
        try ObjectLocation.validateBucket(location.bucket)
        try ObjectLocation.validateKey(location.key)
        return try await send(method, bucket: location.bucket, key: location.key, query: [], headers: headers, subject: location.uri)
    }

    /// Sends a signed request, retrying what may pass, and returns a 2xx response; anything
    /// else becomes a ``TrailProofError`` that names `subject`.
    private func send(
        _ method: String, bucket: String?, key: String?, query: [(String, String)], headers: [(String, String)] = [],
        body: [UInt8]? = nil, subject: String
    ) async throws -> HTTPClientResponse {
        let path = configuration.path(bucket: bucket, key: key)
        var url = "\(configuration.scheme)://\(configuration.hostHeader(bucket: bucket))\(SigV4Signer.encode(path, keepSlash: true))"
        if !query.isEmpty {
            url +=
                "?"
                + query.map { "\(SigV4Signer.encode($0.0, keepSlash: false))=\(SigV4Signer.encode($0.1, keepSlash: false))" }.joined(separator: "&")
        }
        let payloadHash = body.map { MessageDigest.sha256Hex($0) } ?? SigV4Signer.emptyPayloadHash
        let logger = configuration.logger
        // What --debug shows of a request: never a header, a signature or a body. Built only when
        // a line is logged (the metadata below is an autoclosure): this is every request's path.
        func target() -> String { path + (query.isEmpty ? "" : "?" + query.map { "\($0.0)=\($0.1)" }.joined(separator: "&")) }
        var attempt = 0
        while true {
            attempt += 1
            let signer = SigV4Signer(credentials: try await configuration.credentials.current(), region: configuration.region, service: "s3")
            let signed = signer.signedHeaders(
                method: method, path: path, query: query, headers: [("host", configuration.hostHeader(bucket: bucket))] + headers,
                payloadHash: payloadHash, date: Timestamp.now())
            var request = HTTPClientRequest(url: url)
            request.method = HTTPMethod(rawValue: method)
            for (name, value) in signed { request.headers.add(name: name, value: value) }
            if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
            let started = ContinuousClock.now
            func log(_ message: Logger.Message, status: String) {
                let elapsed = started.duration(to: .now).wholeMilliseconds
                logger.debug(
                    message,
                    metadata: [
                        "method": "\(method)", "host": "\(configuration.hostHeader(bucket: bucket))", "path": "\(target())", "status": "\(status)",
                        "attempt": "\(attempt)", "elapsed_ms": "\(elapsed)",
                    ])
            }
            do {
                let response = try await client.execute(request, timeout: .seconds(configuration.requestTimeout))
                log("S3 request", status: "\(response.status.code)")
                if (200..<300).contains(response.status.code) { return response }
                let error = try await describe(response, method: method, bucket: bucket, subject: subject)
                guard Self.isRetryable(status: response.status.code, code: error.s3Code), attempt < configuration.maxAttempts else {
                    throw error.error
                }
                logger.debug(
                    "S3 request will be retried", metadata: ["path": "\(target())", "reason": "\(error.s3Code ?? "HTTP \(response.status.code)")"])
            } catch let error as TrailProofError {
                throw error
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                log("S3 request failed", status: "\(error)")
                // A transport failure (refused, reset, timed out): worth another attempt.
                guard attempt < configuration.maxAttempts else {
                    throw TrailProofError(
                        .storageFailure,
                        "cannot reach \(displayName) for \(subject) after \(attempt) attempts: \(error). Check --endpoint-url and that the server runs"
                    )
                }
            }
            try await backoff(attempt: attempt)
        }
    }

    /// Full jitter: a random wait up to 100 ms * 2^attempt.
    private func backoff(attempt: Int) async throws {
        let ceiling = 100_000_000 * (1 << min(attempt, 6))
        try await Task.sleep(nanoseconds: UInt64.random(in: 0...UInt64(ceiling)))
    }

    private struct DescribedError {
        let error: TrailProofError
        let s3Code: String?
    }

    /// Turns a non-2xx answer into an error that says what to check.
    private func describe(_ response: HTTPClientResponse, method: String, bucket bucketName: String?, subject: String) async throws -> DescribedError
    {
        let body = (try? await response.body.collect(upTo: 64 * 1024)).map { Array(buffer: $0) } ?? []
        let document = S3ResponseXML.errorDocument(body)
        let bucket = bucketName ?? "(none: a service request)"
        let code = document.code
        let status = Int(response.status.code)
        let detail = "HTTP \(status)" + (code.map { " \($0)" } ?? "") + (document.message.map { ": \($0)" } ?? "")
        let region = document.region ?? response.headers.first(name: "x-amz-bucket-region")
        switch (status, code) {
        case (404, "NoSuchBucket"):
            return .init(
                error: TrailProofError(.storageFailure, "bucket \(bucket) does not exist at \(configuration.endpointDescription) (\(detail))"),
                s3Code: code)
        case (404, _):
            return .init(error: TrailProofError(.objectNotFound, "\(subject) not found in \(displayName)"), s3Code: code)
        case (412, _):
            // The only precondition sent is If-None-Match: * on a write that must not overwrite.
            return .init(
                error: TrailProofError(.objectExists, "\(subject) already exists in \(displayName); it is never overwritten (\(detail))"),
                s3Code: code)
        case (403, "SignatureDoesNotMatch"):
            return .init(
                error: TrailProofError(
                    .storageFailure,
                    "\(displayName) refused the signature for \(subject) (\(detail)): the secret access key does not match the access key ID \(configuration.credentials.latest.keys.accessKeyID); check AWS_SECRET_ACCESS_KEY or the profile"
                ),
                s3Code: code)
        case (403, "InvalidAccessKeyId"):
            return .init(
                error: TrailProofError(
                    .storageFailure,
                    "\(displayName) does not know access key ID \(configuration.credentials.latest.keys.accessKeyID) (\(detail)); check AWS_ACCESS_KEY_ID or the profile"
                ),
                s3Code: code)
        case (403, _):
            return .init(
                error: TrailProofError(
                    .storageFailure,
                    "access to \(subject) denied by \(displayName) (\(detail)); check that the credentials may \(method == "PUT" ? "s3:PutObject" : "s3:GetObject and s3:ListBucket") on bucket \(bucket)"
                ),
                s3Code: code)
        case (301, _), (400, "AuthorizationHeaderMalformed"), (400, "IllegalLocationConstraintException"):
            let hint =
                region.map { "bucket \(bucket) is in region \($0), not \(configuration.region): pass --s3-region \($0)" }
                ?? "the bucket is in another region than \(configuration.region); pass its region with --s3-region"
            return .init(error: TrailProofError(.storageFailure, "\(subject): \(hint) (\(detail))"), s3Code: code)
        default:
            return .init(error: TrailProofError(.storageFailure, "\(displayName) answered \(detail) for \(subject)"), s3Code: code)
        }
    }

    private static func isRetryable(status: UInt, code: String?) -> Bool {
        status >= 500 || status == 429 || code == "SlowDown" || code == "Throttling" || code == "RequestTimeout"
    }

    /// The user metadata of an answer: `x-amz-meta-NAME` headers, names lowercased.
    static func metadata(of headers: HTTPHeaders) -> [String: String] {
        var metadata: [String: String] = [:]
        for header in headers where header.name.lowercased().hasPrefix("x-amz-meta-") {
            metadata[String(header.name.lowercased().dropFirst("x-amz-meta-".count))] = header.value
        }
        return metadata
    }
}

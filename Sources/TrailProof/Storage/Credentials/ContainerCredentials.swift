import FoundationEssentials
import Logging

/// ECS task roles (and EKS Pod Identity): `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` below
/// `http://169.254.170.2`, or `AWS_CONTAINER_CREDENTIALS_FULL_URI`, which botocore allows over
/// plain HTTP only to loopback and the ECS and EKS agent addresses. The authorization token comes
/// from `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` (read each time: the agent rotates it) or
/// `AWS_CONTAINER_AUTHORIZATION_TOKEN`.
struct ContainerCredentials: Sendable {
    let environment: [String: String]
    let logger: Logger

    /// Whether the environment names a container endpoint.
    var isConfigured: Bool {
        environment["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"] != nil || environment["AWS_CONTAINER_CREDENTIALS_FULL_URI"] != nil
    }

    static let allowedHTTPHosts: Set<String> = ["localhost", "169.254.170.2", "169.254.170.23", "[fd00:ec2::23]", "[::1]"]

    func load() async throws -> AWSCredentials {
        let url: String
        if let relative = environment["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"] {
            url = "http://169.254.170.2" + (relative.hasPrefix("/") ? relative : "/" + relative)
        } else {
            let full = environment["AWS_CONTAINER_CREDENTIALS_FULL_URI"] ?? ""
            guard let components = URLComponents(string: full), let scheme = components.scheme?.lowercased(), let host = components.host
            else {
                throw TrailProofError(.invalidArgument, "AWS_CONTAINER_CREDENTIALS_FULL_URI \"\(full)\" is not a URL")
            }
            let bracketed = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
            guard scheme == "https" || (scheme == "http" && (Self.allowedHTTPHosts.contains(bracketed) || host.hasPrefix("127.")))
            else {
                throw TrailProofError(
                    .invalidArgument,
                    "AWS_CONTAINER_CREDENTIALS_FULL_URI \(full) must use https, or http to loopback or the ECS/EKS agent address")
            }
            url = full
        }
        var headers: [(String, String)] = []
        if let tokenFile = environment["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] {
            guard let data = FileManager.default.contents(atPath: tokenFile) else {
                throw TrailProofError(.invalidArgument, "cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE \(tokenFile)")
            }
            headers.append(("authorization", String(decoding: data, as: UTF8.self).trimmingWhitespace()))
        } else if let token = environment["AWS_CONTAINER_AUTHORIZATION_TOKEN"] {
            headers.append(("authorization", token))
        }
        let source = "container credentials endpoint \(url)"
        // As botocore: two-second answers, three attempts. A refusal (4xx) is final; no answer
        // or a server error is tried again.
        var lastError: (any Error)?
        for _ in 0..<3 {
            let response: CredentialHTTP.Response
            do {
                response = try await CredentialHTTP.send("GET", url, headers: headers, timeout: 2, logger: logger)
            } catch {
                lastError = error
                continue
            }
            if response.status == 200 { return try AWSCredentials.fromJSON(response.body, source: source) }
            let refused = TrailProofError(.storageFailure, "\(source) answered HTTP \(response.status)")
            if (400..<500).contains(response.status) { throw refused }
            lastError = refused
        }
        if let error = lastError as? TrailProofError { throw error }
        throw TrailProofError(.storageFailure, "\(source) did not answer: \(lastError.map { "\($0)" } ?? "")")
    }
}

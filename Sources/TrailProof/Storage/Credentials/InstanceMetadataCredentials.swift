import Logging

/// An EC2 instance role, from the instance metadata service as botocore reads it: IMDSv2 first
/// (a token from `PUT /latest/api/token`), then the role name and its credentials under
/// `/latest/meta-data/iam/security-credentials/`. When the token request gets no answer in time
/// (the hop limit of 1 drops it inside a container) or is refused with 403, 404 or 405, the
/// reads go without a token (IMDSv1), unless `AWS_EC2_METADATA_V1_DISABLED` is true (then it
/// is an error, as in botocore).
/// `AWS_EC2_METADATA_DISABLED=true` turns it off; `AWS_EC2_METADATA_SERVICE_ENDPOINT`,
/// `AWS_METADATA_SERVICE_TIMEOUT` (1 s) and `AWS_METADATA_SERVICE_NUM_ATTEMPTS` (1) are honoured.
struct InstanceMetadataCredentials: Sendable {
    let environment: [String: String]
    let logger: Logger

    var isDisabled: Bool { environment["AWS_EC2_METADATA_DISABLED"]?.lowercased() == "true" }

    private var endpoint: String {
        var endpoint = environment["AWS_EC2_METADATA_SERVICE_ENDPOINT"] ?? "http://169.254.169.254"
        while endpoint.hasSuffix("/") { endpoint.removeLast() }
        return endpoint
    }
    private var timeout: Double { environment["AWS_METADATA_SERVICE_TIMEOUT"].flatMap(Double.init) ?? 1 }
    private var attempts: Int { max(1, environment["AWS_METADATA_SERVICE_NUM_ATTEMPTS"].flatMap { Int($0) } ?? 1) }
    private var v1Disabled: Bool { environment["AWS_EC2_METADATA_V1_DISABLED"]?.lowercased() == "true" }

    /// The instance role's credentials, or nil when there is no metadata service or no role.
    func load() async throws -> AWSCredentials? {
        guard !isDisabled else { return nil }
        let token = try await fetchToken()
        if token == nil, v1Disabled {
            throw TrailProofError(
                .storageFailure,
                "the EC2 instance metadata service at \(endpoint) gave no IMDSv2 token and IMDSv1 is disabled (AWS_EC2_METADATA_V1_DISABLED)")
        }
        var headers: [(String, String)] = []
        if let token { headers.append(("x-aws-ec2-metadata-token", token)) }
        let base = endpoint + "/latest/meta-data/iam/security-credentials/"
        guard let names = try await get(base, headers: headers),
            let role = String(decoding: names, as: UTF8.self).split(whereSeparator: \.isNewline).first.map(String.init), !role.isEmpty
        else { return nil }
        guard let body = try await get(base + SigV4Signer.encode(role, keepSlash: false), headers: headers) else { return nil }
        return try AWSCredentials.fromJSON(body, source: "EC2 instance metadata (role \(role))")
    }

    private func fetchToken() async throws -> String? {
        for _ in 0..<attempts {
            do {
                let response = try await CredentialHTTP.send(
                    "PUT", endpoint + "/latest/api/token", headers: [("x-aws-ec2-metadata-token-ttl-seconds", "21600")], timeout: timeout,
                    logger: logger)
                if response.status == 200 { return String(decoding: response.body, as: UTF8.self) }
                if [403, 404, 405].contains(response.status) { return nil }
            } catch {
                continue
            }
        }
        return nil
    }

    private func get(_ url: String, headers: [(String, String)]) async throws -> [UInt8]? {
        for _ in 0..<attempts {
            do {
                let response = try await CredentialHTTP.send("GET", url, headers: headers, timeout: timeout, logger: logger)
                if response.status == 200 { return response.body }
                if response.status == 404 { return nil }
            } catch {
                continue
            }
        }
        return nil
    }
}

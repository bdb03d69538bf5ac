import Logging

/// The two STS calls of the credential chain, `AssumeRole` (signed with the source
/// credentials) and `AssumeRoleWithWebIdentity` (unsigned), on the query API.
///
/// The endpoint is botocore's: `AWS_ENDPOINT_URL_STS`, else `AWS_ENDPOINT_URL`, else the
/// regional endpoint `https://sts.REGION.amazonaws.com` of the profile's or the environment's
/// region, else the global `https://sts.amazonaws.com`.
struct STSClient: Sendable {
    let endpoint: String
    let region: String
    let logger: Logger

    init(environment: [String: String], region: String?, logger: Logger) {
        self.logger = logger
        if let url = environment["AWS_ENDPOINT_URL_STS"] ?? environment["AWS_ENDPOINT_URL"], !url.isEmpty {
            var trimmed = Substring(url)
            while trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
            endpoint = String(trimmed)
        } else if let region, TrailLocation.isRegionName(region) {
            endpoint = "https://sts.\(region).amazonaws.com"
        } else {
            endpoint = "https://sts.amazonaws.com"
        }
        self.region = region ?? "us-east-1"
    }

    /// `sts:AssumeRole` as `source`.
    func assumeRole(
        roleARN: String, sessionName: String, externalID: String?, durationSeconds: Int?, source: SigV4Signer.Credentials,
        describedAs description: String
    ) async throws -> AWSCredentials {
        var parameters = [("Action", "AssumeRole"), ("Version", "2011-06-15"), ("RoleArn", roleARN), ("RoleSessionName", sessionName)]
        if let durationSeconds { parameters.append(("DurationSeconds", String(durationSeconds))) }
        if let externalID { parameters.append(("ExternalId", externalID)) }
        let body = CredentialHTTP.form(parameters)
        guard let host = Self.host(of: endpoint) else {
            throw TrailProofError(.invalidArgument, "invalid STS endpoint \"\(endpoint)\"")
        }
        let signer = SigV4Signer(credentials: source, region: region, service: "sts")
        let headers = signer.signedHeaders(
            method: "POST", path: "/", query: [],
            headers: [("host", host), ("content-type", "application/x-www-form-urlencoded; charset=utf-8")],
            payloadHash: MessageDigest.sha256Hex(body), date: Timestamp.now())
        return try await call("AssumeRole", body: body, headers: headers, describedAs: description)
    }

    /// `sts:AssumeRoleWithWebIdentity` with the token read from a file (GitHub Actions OIDC, EKS).
    func assumeRoleWithWebIdentity(roleARN: String, sessionName: String, token: String, describedAs description: String) async throws
        -> AWSCredentials
    {
        let body = CredentialHTTP.form([
            ("Action", "AssumeRoleWithWebIdentity"), ("Version", "2011-06-15"), ("RoleArn", roleARN), ("RoleSessionName", sessionName),
            ("WebIdentityToken", token),
        ])
        return try await call(
            "AssumeRoleWithWebIdentity", body: body, headers: [("content-type", "application/x-www-form-urlencoded; charset=utf-8")],
            describedAs: description)
    }

    private func call(_ action: String, body: [UInt8], headers: [(String, String)], describedAs description: String) async throws
        -> AWSCredentials
    {
        let response: CredentialHTTP.Response
        do {
            response = try await CredentialHTTP.send("POST", endpoint + "/", headers: headers, body: body, timeout: 30, logger: logger)
        } catch let error as TrailProofError {
            throw error
        } catch {
            throw TrailProofError(.storageFailure, "STS \(action) at \(endpoint) failed for \(description): \(error)")
        }
        let elements = (try? S3ResponseXML.parse(response.body)) ?? []
        guard response.status == 200 else {
            let code = elements.first { $0.0.last == "Code" }?.1 ?? "HTTP \(response.status)"
            let message = elements.first { $0.0.last == "Message" }?.1 ?? ""
            throw TrailProofError(.storageFailure, "STS \(action) at \(endpoint) refused \(description): \(code) \(message)")
        }
        var values: [String: String] = [:]
        for (path, text) in elements where path.count == 4 && path[2] == "Credentials" { values[path[3]] = text }
        guard let key = values["AccessKeyId"], let secret = values["SecretAccessKey"], let token = values["SessionToken"] else {
            throw TrailProofError(.storageFailure, "STS \(action) at \(endpoint) answered without credentials for \(description)")
        }
        return AWSCredentials(
            keys: .init(accessKeyID: key, secretAccessKey: secret, sessionToken: token),
            expiration: values["Expiration"].flatMap { Timestamp(iso8601: $0) }, source: description)
    }

    /// `host[:port]` of an http(s) URL.
    static func host(of url: String) -> String? {
        guard let schemeEnd = url.firstRange(of: "://") else { return nil }
        let rest = url[schemeEnd.upperBound...]
        let host = rest.prefix { $0 != "/" }
        return host.isEmpty ? nil : String(host)
    }
}

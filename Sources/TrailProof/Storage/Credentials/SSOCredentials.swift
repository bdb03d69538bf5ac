import FoundationEssentials
import Logging

/// IAM Identity Center (SSO) profiles: `sso_account_id` and `sso_role_name`, with `sso_session`
/// naming an `[sso-session NAME]` section (`sso_start_url`, `sso_region`) or, in the legacy
/// form, `sso_start_url` and `sso_region` in the profile. The access token is the one
/// `aws sso login` cached in `~/.aws/sso/cache/SHA1.json` (SHA-1 of the session name, or of the
/// start URL); it is exchanged for role credentials with the portal's GetRoleCredentials
/// (`AWS_ENDPOINT_URL_SSO` overrides `https://portal.sso.REGION.amazonaws.com`). An expired
/// token is not refreshed: the message says to run `aws sso login` again.
struct SSOCredentials: Sendable {
    let profileName: String
    let profile: [String: String]
    let files: AWSConfigFiles
    let environment: [String: String]
    let logger: Logger

    /// Whether the profile is an SSO profile.
    static func applies(to profile: [String: String]) -> Bool {
        profile["sso_session"] != nil || profile["sso_start_url"] != nil
    }

    func load() async throws -> AWSCredentials {
        let source = "SSO profile \(profileName)"
        func missing(_ key: String) -> TrailProofError {
            TrailProofError(.invalidArgument, "\(source) in \(files.configPath) lacks \(key)")
        }
        let cacheKey: String
        let region: String
        if let sessionName = profile["sso_session"] {
            guard let session = files.ssoSession(sessionName) else {
                throw TrailProofError(.invalidArgument, "\(source) names sso-session \(sessionName), which \(files.configPath) does not define")
            }
            guard session["sso_start_url"] != nil else { throw missing("sso_start_url in [sso-session \(sessionName)]") }
            guard let sessionRegion = session["sso_region"] else { throw missing("sso_region in [sso-session \(sessionName)]") }
            cacheKey = sessionName
            region = sessionRegion
        } else {
            guard let startURL = profile["sso_start_url"] else { throw missing("sso_start_url") }
            guard let profileRegion = profile["sso_region"] else { throw missing("sso_region") }
            cacheKey = startURL
            region = profileRegion
        }
        guard let accountID = profile["sso_account_id"] else { throw missing("sso_account_id") }
        guard let roleName = profile["sso_role_name"] else { throw missing("sso_role_name") }

        let home = environment["HOME"] ?? FileManager.default.homeDirectoryForCurrentUser.path
        let cacheFile = "\(home)/.aws/sso/cache/\(Self.sha1Hex(cacheKey)).json"
        let login = "run `aws sso login --profile \(profileName)`"
        guard let data = FileManager.default.contents(atPath: cacheFile),
            case .object(let members) = try? StrictJSONParser.parse(Array(data))
        else {
            throw TrailProofError(.invalidArgument, "\(source): no cached SSO token in \(cacheFile); \(login)")
        }
        let values = Dictionary(members.compactMap { member in member.value.stringValue.map { (member.key, $0) } }) { $1 }
        guard let token = values["accessToken"], let expiresText = values["expiresAt"],
            let expires = Timestamp(iso8601: expiresText.hasSuffix("UTC") ? String(expiresText.dropLast(3)) + "Z" : expiresText)
        else {
            throw TrailProofError(.invalidArgument, "\(source): the cached SSO token in \(cacheFile) cannot be read; \(login)")
        }
        guard expires > Timestamp.now() else {
            throw TrailProofError(.invalidArgument, "\(source): the SSO token expired at \(expires); \(login)")
        }
        var endpoint = environment["AWS_ENDPOINT_URL_SSO"] ?? environment["AWS_ENDPOINT_URL"] ?? "https://portal.sso.\(region).amazonaws.com"
        while endpoint.hasSuffix("/") { endpoint.removeLast() }
        let url =
            "\(endpoint)/federation/credentials?account_id=\(SigV4Signer.encode(accountID, keepSlash: false))&role_name=\(SigV4Signer.encode(roleName, keepSlash: false))"
        let response = try await CredentialHTTP.send("GET", url, headers: [("x-amz-sso_bearer_token", token)], timeout: 30, logger: logger)
        guard response.status == 200 else {
            throw TrailProofError(
                .storageFailure,
                "\(source): GetRoleCredentials for role \(roleName) in account \(accountID) answered HTTP \(response.status)\(response.status == 401 ? "; \(login)" : "")"
            )
        }
        guard case .object(let answer) = try? StrictJSONParser.parse(response.body),
            case .object(let role) = answer.first(where: { $0.key == "roleCredentials" })?.value
        else {
            throw TrailProofError(.storageFailure, "\(source): GetRoleCredentials answered without roleCredentials")
        }
        func text(_ key: String) -> String? { role.first { $0.key == key }?.value.stringValue }
        guard let key = text("accessKeyId"), let secret = text("secretAccessKey") else {
            throw TrailProofError(.storageFailure, "\(source): GetRoleCredentials answered without keys")
        }
        // expiration is milliseconds since the epoch.
        var expiration: Timestamp?
        if case .number(let milliseconds) = role.first(where: { $0.key == "expiration" })?.value, let value = Int64(milliseconds) {
            expiration = Timestamp(secondsSinceEpoch: value / 1000)
        }
        return AWSCredentials(
            keys: .init(accessKeyID: key, secretAccessKey: secret, sessionToken: text("sessionToken")), expiration: expiration,
            source: "\(source) (role \(roleName) in account \(accountID))")
    }

    /// SHA-1 names the token cache file, as botocore names it.
    static func sha1Hex(_ text: String) -> String {
        MessageDigest.hex(.sha1, Array(text.utf8))
    }
}

import FoundationEssentials
public import Logging

/// Finds AWS credentials where the AWS CLI finds them, in botocore's order:
///
/// 1. the environment: `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`
///    (skipped when a profile is given with `--profile`, as aws-cli does);
/// 2. an assume-role profile: `role_arn` with `source_profile` or `credential_source`
///    (`Environment`, `Ec2InstanceMetadata`, `EcsContainer`), `external_id`,
///    `duration_seconds`, `role_session_name`; `mfa_serial` is refused (nobody is there to type
///    a code);
/// 3. web identity: the profile's `web_identity_token_file` and `role_arn`, or
///    `AWS_WEB_IDENTITY_TOKEN_FILE`, `AWS_ROLE_ARN`, `AWS_ROLE_SESSION_NAME` (GitHub Actions
///    OIDC, EKS);
/// 4. an SSO profile (the token `aws sso login` cached);
/// 5. keys of the profile in the shared credentials file;
/// 6. the profile's `credential_process`;
/// 7. keys of the profile in the config file;
/// 8. an ECS or EKS container endpoint;
/// 9. the EC2 instance metadata service (IMDSv2).
///
/// The profile is `--profile`, else `AWS_PROFILE`, else `default`. STS calls go to
/// `AWS_ENDPOINT_URL_STS` or the region's endpoint (``STSClient``).
public struct AWSCredentialChain: Sendable {
    public let environment: [String: String]
    public let profile: String
    /// Given on the command line: the environment's keys then do not take precedence.
    let profileIsExplicit: Bool
    let files: AWSConfigFiles
    /// Where the requests of the chain and the source found are logged (debug level).
    let logger: Logger

    /// Reads `environment` (default: the process environment) and the profile files.
    public init(environment: [String: String]? = nil, profile: String? = nil, logger: Logger? = nil) {
        self.logger = logger ?? Logger(label: "trailproof", factory: { _ in SwiftLogNoOpLogHandler() })
        let environment = environment ?? ProcessInfo.processInfo.environment
        self.environment = environment
        profileIsExplicit = profile != nil
        self.profile = profile ?? environment["AWS_PROFILE"] ?? environment["AWS_DEFAULT_PROFILE"] ?? "default"
        files = AWSConfigFiles(environment: environment)
    }

    /// The profile's `region` in the config file, if any.
    public func profileRegion() -> String? {
        files.profile(profile)?["region"]
    }

    /// The credentials, or an error that says where they were looked for.
    public func resolve() async throws -> AWSCredentials {
        let credentials = try await find()
        logger.debug(
            "credentials found",
            metadata: [
                "source": "\(credentials.source)", "access_key_id": "\(credentials.keys.accessKeyID)",
                "expires": "\(credentials.expiration.map { "\($0)" } ?? "never")",
            ])
        return credentials
    }

    private func find() async throws -> AWSCredentials {
        if !profileIsExplicit, let credentials = environmentKeys() { return credentials }
        let named = files.profile(profile)
        if named == nil, profile != "default" {
            throw TrailProofError(
                .invalidArgument, "the AWS profile \"\(profile)\" is in neither \(files.configPath) nor \(files.credentialsPath)")
        }
        if let named, let credentials = try await fromProfile(profile, named, visited: []) { return credentials }
        if named == nil, let credentials = try await webIdentity(profile: [:]) { return credentials }
        let container = ContainerCredentials(environment: environment, logger: logger)
        if container.isConfigured { return try await container.load() }
        if let credentials = try await InstanceMetadataCredentials(environment: environment, logger: logger).load() { return credentials }
        throw TrailProofError(
            .invalidArgument,
            "no AWS credentials: looked in the environment (AWS_ACCESS_KEY_ID), profile \"\(profile)\" of \(files.credentialsPath) and \(files.configPath) (keys, role_arn, web identity, SSO, credential_process), AWS_WEB_IDENTITY_TOKEN_FILE, the container credentials endpoint and the EC2 instance metadata service"
        )
    }

    /// The keys of ``resolve()``.
    public func credentials() async throws -> SigV4Signer.Credentials {
        try await resolve().keys
    }

    private func environmentKeys() -> AWSCredentials? {
        guard let key = environment["AWS_ACCESS_KEY_ID"], let secret = environment["AWS_SECRET_ACCESS_KEY"], !key.isEmpty, !secret.isEmpty
        else { return nil }
        let token = environment["AWS_SESSION_TOKEN"] ?? environment["AWS_SECURITY_TOKEN"]
        return AWSCredentials(
            keys: .init(accessKeyID: key, secretAccessKey: secret, sessionToken: token.flatMap { $0.isEmpty ? nil : $0 }),
            source: "environment")
    }

    /// Steps 2 to 7 for one profile; nil when the profile configures none of them.
    private func fromProfile(_ name: String, _ values: [String: String], visited: [String]) async throws -> AWSCredentials? {
        if values["role_arn"] != nil, values["web_identity_token_file"] == nil {
            return try await assumeRole(name, values, visited: visited)
        }
        if let credentials = try await webIdentity(profile: values) { return credentials }
        if SSOCredentials.applies(to: values) {
            return try await SSOCredentials(profileName: name, profile: values, files: files, environment: environment, logger: logger).load()
        }
        if let keys = Self.staticKeys(files.credentialsFileProfile(name)) {
            return AWSCredentials(keys: keys, source: "profile \(name) in \(files.credentialsPath)")
        }
        if let command = values["credential_process"] {
            return try ProcessCredentials(command: command, profile: name).load()
        }
        if let keys = Self.staticKeys(files.configFileProfile(name)) {
            return AWSCredentials(keys: keys, source: "profile \(name) in \(files.configPath)")
        }
        return nil
    }

    private static func staticKeys(_ values: [String: String]?) -> SigV4Signer.Credentials? {
        guard let values, let key = values["aws_access_key_id"], let secret = values["aws_secret_access_key"], !key.isEmpty, !secret.isEmpty
        else { return nil }
        return .init(accessKeyID: key, secretAccessKey: secret, sessionToken: values["aws_session_token"].flatMap { $0.isEmpty ? nil : $0 })
    }

    /// The region STS is reached in: the environment's, else the profile's.
    private func stsRegion(_ values: [String: String]) -> String? {
        environment["AWS_REGION"] ?? environment["AWS_DEFAULT_REGION"] ?? values["region"] ?? profileRegion()
    }

    private func sessionName(_ values: [String: String], environmentKey: String? = nil) -> String {
        values["role_session_name"] ?? environmentKey.flatMap { environment[$0] } ?? "trailproof-session-\(Timestamp.now().secondsSinceEpoch)"
    }

    private func assumeRole(_ name: String, _ values: [String: String], visited: [String]) async throws -> AWSCredentials {
        let roleARN = values["role_arn"]!
        let subject = "profile \(name) (role \(roleARN))"
        if values["mfa_serial"] != nil {
            throw TrailProofError(
                .invalidArgument,
                "\(subject) needs an MFA code (mfa_serial), which trailproof cannot ask for in an unattended run; use a profile without mfa_serial, or run with temporary credentials in the environment (aws sts get-session-token)"
            )
        }
        guard visited.count < 10, !visited.contains(name) else {
            throw TrailProofError(.invalidArgument, "the source_profile chain loops: \((visited + [name]).joined(separator: " -> "))")
        }
        let source: AWSCredentials
        switch (values["source_profile"], values["credential_source"]) {
        case (.some, .some):
            throw TrailProofError(.invalidArgument, "\(subject) has both source_profile and credential_source; give one")
        case (nil, nil):
            throw TrailProofError(.invalidArgument, "\(subject) has role_arn but neither source_profile nor credential_source")
        case (.some(let sourceName), nil):
            guard let sourceValues = files.profile(sourceName) else {
                throw TrailProofError(.invalidArgument, "\(subject) names source_profile \(sourceName), which is not defined")
            }
            // A source profile's own keys are used as they are, even beside a role_arn (botocore).
            if let keys = Self.staticKeys(sourceValues) {
                source = AWSCredentials(keys: keys, source: "profile \(sourceName)")
            } else if let resolved = try await fromProfile(sourceName, sourceValues, visited: visited + [name]) {
                source = resolved
            } else {
                throw TrailProofError(.invalidArgument, "source_profile \(sourceName) of \(subject) has no credentials")
            }
        case (nil, .some(let kind)):
            switch kind {
            case "Environment":
                guard let keys = environmentKeys() else {
                    throw TrailProofError(.invalidArgument, "\(subject): credential_source Environment, but AWS_ACCESS_KEY_ID is not set")
                }
                source = keys
            case "Ec2InstanceMetadata":
                guard let keys = try await InstanceMetadataCredentials(environment: environment, logger: logger).load() else {
                    throw TrailProofError(.invalidArgument, "\(subject): credential_source Ec2InstanceMetadata, but no instance role answered")
                }
                source = keys
            case "EcsContainer":
                let container = ContainerCredentials(environment: environment, logger: logger)
                guard container.isConfigured else {
                    throw TrailProofError(
                        .invalidArgument, "\(subject): credential_source EcsContainer, but AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is not set")
                }
                source = try await container.load()
            default:
                throw TrailProofError(
                    .invalidArgument, "\(subject): unknown credential_source \(kind) (Environment, Ec2InstanceMetadata or EcsContainer)")
            }
        }
        var duration: Int?
        if let text = values["duration_seconds"] {
            guard let seconds = Int(text), (900...43_200).contains(seconds) else {
                throw TrailProofError(.invalidArgument, "\(subject): duration_seconds \(text) is not between 900 and 43200")
            }
            duration = seconds
        }
        return try await STSClient(environment: environment, region: stsRegion(values), logger: logger).assumeRole(
            roleARN: roleARN, sessionName: sessionName(values), externalID: values["external_id"], durationSeconds: duration,
            source: source.keys, describedAs: "assume-role \(subject), from \(source.source)")
    }

    /// Web identity from the profile's keys, else from the environment's; nil when neither.
    private func webIdentity(profile values: [String: String]) async throws -> AWSCredentials? {
        let tokenFile = values["web_identity_token_file"] ?? environment["AWS_WEB_IDENTITY_TOKEN_FILE"]
        let fromProfile = values["web_identity_token_file"] != nil
        guard let tokenFile, !tokenFile.isEmpty else { return nil }
        guard let roleARN = fromProfile ? values["role_arn"] : environment["AWS_ROLE_ARN"], !roleARN.isEmpty else {
            throw TrailProofError(
                .invalidArgument, "a web identity token file is set (\(tokenFile)) but no role: set \(fromProfile ? "role_arn" : "AWS_ROLE_ARN")")
        }
        guard let data = FileManager.default.contents(atPath: tokenFile) else {
            throw TrailProofError(.invalidArgument, "cannot read the web identity token file \(tokenFile)")
        }
        let token = String(decoding: data, as: UTF8.self).trimmingWhitespace()
        return try await STSClient(environment: environment, region: stsRegion(values), logger: logger).assumeRoleWithWebIdentity(
            roleARN: roleARN, sessionName: sessionName(values, environmentKey: fromProfile ? nil : "AWS_ROLE_SESSION_NAME"), token: token,
            describedAs: "web identity (role \(roleARN), token file \(tokenFile))")
    }
}

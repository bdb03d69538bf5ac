import Foundation

/// Finds AWS credentials as the AWS CLI and SDKs do, in this order: the environment
/// (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`), then the profile
/// (`--profile`, `AWS_PROFILE`, else `default`) in the shared credentials file
/// (`AWS_SHARED_CREDENTIALS_FILE`, `~/.aws/credentials`) and the config file (`AWS_CONFIG_FILE`,
/// `~/.aws/config`). Instance metadata, SSO and assume-role profiles are not read.
public struct AWSCredentialChain: Sendable {
    public let environment: [String: String]
    public let profile: String

    /// Reads `environment` (default: the process environment) and the profile files.
    public init(environment: [String: String]? = nil, profile: String? = nil) {
        let environment = environment ?? ProcessInfo.processInfo.environment
        self.environment = environment
        self.profile = profile ?? environment["AWS_PROFILE"] ?? environment["AWS_DEFAULT_PROFILE"] ?? "default"
    }

    private var home: String { environment["HOME"] ?? NSHomeDirectory() }
    private var credentialsFile: String { environment["AWS_SHARED_CREDENTIALS_FILE"] ?? home + "/.aws/credentials" }
    private var configFile: String { environment["AWS_CONFIG_FILE"] ?? home + "/.aws/config" }

    /// The credentials, or an error that says where they were looked for.
    public func credentials() throws -> SigV4Signer.Credentials {
        if let key = environment["AWS_ACCESS_KEY_ID"], let secret = environment["AWS_SECRET_ACCESS_KEY"], !key.isEmpty, !secret.isEmpty {
            return .init(accessKeyID: key, secretAccessKey: secret, sessionToken: environment["AWS_SESSION_TOKEN"].flatMap { $0.isEmpty ? nil : $0 })
        }
        let sections = [
            Self.section(profile, in: credentialsFile), Self.section(profile == "default" ? "default" : "profile \(profile)", in: configFile),
        ]
        for values in sections.compactMap({ $0 }) {
            if let key = values["aws_access_key_id"], let secret = values["aws_secret_access_key"] {
                return .init(accessKeyID: key, secretAccessKey: secret, sessionToken: values["aws_session_token"])
            }
        }
        throw TrailProofError(
            .invalidArgument,
            "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or give profile \"\(profile)\" aws_access_key_id and aws_secret_access_key in \(credentialsFile)"
        )
    }

    /// The profile's `region` in the config file, if any.
    public func profileRegion() -> String? {
        Self.section(profile == "default" ? "default" : "profile \(profile)", in: configFile)?["region"]
    }

    /// The `key = value` pairs of one `[section]` of an INI file; nil if file or section is absent.
    static func section(_ name: String, in path: String) -> [String: String]? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        var current: String?
        var values: [String: String]?
        for rawLine in text.split(whereSeparator: \.isNewline) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") && line.hasSuffix("]") {
                current = line.dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
                if current == name, values == nil { values = [:] }
                continue
            }
            guard current == name, let equals = line.firstIndex(of: "=") else { continue }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            values?[key] = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
        }
        return values
    }
}

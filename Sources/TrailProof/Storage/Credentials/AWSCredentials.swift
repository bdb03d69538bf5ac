/// Credentials as a provider of the chain found them: the keys, when temporary ones expire,
/// and where they came from (for messages and `--debug`; never a secret).
public struct AWSCredentials: Sendable, Equatable {
    public var keys: SigV4Signer.Credentials
    /// When temporary credentials stop working; nil for long-term keys.
    public var expiration: Timestamp?
    /// Where they came from, e.g. `environment`, `web identity (role arn:aws:iam::…)`.
    public var source: String

    public init(keys: SigV4Signer.Credentials, expiration: Timestamp? = nil, source: String) {
        self.keys = keys
        self.expiration = expiration
        self.source = source
    }

    /// Reads the JSON shape that container endpoints, instance metadata and `credential_process`
    /// answer with: `AccessKeyId`, `SecretAccessKey`, `Token` or `SessionToken`, `Expiration`.
    static func fromJSON(_ bytes: [UInt8], source: String) throws -> AWSCredentials {
        func refuse(_ why: String) -> TrailProofError { TrailProofError(.storageFailure, "credentials from \(source): \(why)") }
        guard case .object(let members) = try? StrictJSONParser.parse(bytes) else { throw refuse("the answer is not a JSON object") }
        var values: [String: String] = [:]
        for (key, value) in members { if let text = value.stringValue { values[key] = text } }
        guard let key = values["AccessKeyId"], !key.isEmpty, let secret = values["SecretAccessKey"], !secret.isEmpty else {
            throw refuse("AccessKeyId or SecretAccessKey is missing")
        }
        var expiration: Timestamp?
        if let text = values["Expiration"] {
            guard let parsed = Timestamp(iso8601: text) else { throw refuse("Expiration \"\(text)\" is not a time") }
            expiration = parsed
        }
        let token = values["Token"] ?? values["SessionToken"]
        return AWSCredentials(
            keys: .init(accessKeyID: key, secretAccessKey: secret, sessionToken: token.flatMap { $0.isEmpty ? nil : $0 }),
            expiration: expiration, source: source)
    }
}

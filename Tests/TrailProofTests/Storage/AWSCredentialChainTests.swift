import Foundation
import Testing

@testable import TrailProof

@Suite("AWS credentials and S3 configuration")
struct AWSCredentialChainTests {
    @Test("Environment first, then the profile in the credentials file, then in the config file")
    func chain() async throws {
        let folder = try TestEnvironment.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let credentials = folder.appendingPathComponent("credentials")
        let config = folder.appendingPathComponent("config")
        try Data(
            """
            [default]
            aws_access_key_id = DEFAULTKEY
            aws_secret_access_key = default/secret
            # a comment
            [audit]
            aws_access_key_id=AUDITKEY
            aws_secret_access_key=audit secret
            aws_session_token = TOKEN==
            """.utf8
        ).write(to: credentials)
        try Data(
            """
            [default]
            region = eu-central-1
            [profile only-config]
            aws_access_key_id = CONFIGKEY
            aws_secret_access_key = config-secret
            region = ap-southeast-2
            """.utf8
        ).write(to: config)
        // No instance metadata service is asked: the machine running the tests may have one.
        let files = [
            "AWS_SHARED_CREDENTIALS_FILE": credentials.path, "AWS_CONFIG_FILE": config.path, "HOME": folder.path, "AWS_EC2_METADATA_DISABLED": "true",
        ]
        let fromEnvironment = try await AWSCredentialChain(
            environment: files.merging(["AWS_ACCESS_KEY_ID": "ENVKEY", "AWS_SECRET_ACCESS_KEY": "env-secret", "AWS_SESSION_TOKEN": "T"]) { $1 }
        ).credentials()
        #expect(fromEnvironment == .init(accessKeyID: "ENVKEY", secretAccessKey: "env-secret", sessionToken: "T"))
        #expect(try await AWSCredentialChain(environment: files).credentials() == .init(accessKeyID: "DEFAULTKEY", secretAccessKey: "default/secret"))
        let audit = try await AWSCredentialChain(environment: files.merging(["AWS_PROFILE": "audit"]) { $1 }).credentials()
        #expect(audit == .init(accessKeyID: "AUDITKEY", secretAccessKey: "audit secret", sessionToken: "TOKEN=="))
        let onlyConfig = AWSCredentialChain(environment: files, profile: "only-config")
        #expect(try await onlyConfig.credentials().accessKeyID == "CONFIGKEY")
        #expect(onlyConfig.profileRegion() == "ap-southeast-2")
        await #expect(throws: TrailProofError(.invalidArgument, "")) {
            try await AWSCredentialChain(environment: files, profile: "missing").credentials()
        }
        await #expect(throws: TrailProofError(.invalidArgument, "")) {
            try await AWSCredentialChain(environment: ["HOME": folder.path + "/none", "AWS_EC2_METADATA_DISABLED": "true"]).credentials()
        }

        // Region and endpoint resolution.
        let aws = try await S3Configuration.resolve(endpoint: nil, region: nil, addressing: nil, environment: files)
        #expect(aws.region == "eu-central-1" && aws.host == "s3.eu-central-1.amazonaws.com" && aws.addressing == .virtual && aws.scheme == "https")
        #expect(aws.hostHeader(bucket: "b") == "b.s3.eu-central-1.amazonaws.com" && aws.path(bucket: "b", key: "k") == "/k")
        let custom = try await S3Configuration.resolve(
            endpoint: nil, region: "us-west-2", addressing: nil, environment: files.merging(["AWS_ENDPOINT_URL_S3": "http://127.0.0.1:8333"]) { $1 })
        #expect(custom.hostHeader(bucket: "b") == "127.0.0.1:8333" && custom.path(bucket: "b", key: "k") == "/b/k" && custom.region == "us-west-2")
        await #expect(throws: TrailProofError(.invalidArgument, "")) {
            try await S3Configuration.resolve(endpoint: "ftp://x", region: nil, addressing: nil, environment: files)
        }
    }
}

import Foundation
import Testing

@testable import TrailProof

/// The SeaweedFS server that .ci/test.sh starts (TRAILPROOF_S3_ENDPOINT and its SigV4 keys).
enum S3TestServer {
    static var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// Whether a server was given. The test script always gives one; without it the S3 tests
    /// fail rather than pass unseen.
    static var isConfigured: Bool { environment["TRAILPROOF_S3_ENDPOINT"] != nil }

    static var endpoint: String {
        get throws {
            guard let endpoint = environment["TRAILPROOF_S3_ENDPOINT"] else {
                throw TrailProofError(.invalidArgument, "TRAILPROOF_S3_ENDPOINT is not set: run the tests with .ci/test.sh, which starts SeaweedFS")
            }
            return endpoint
        }
    }

    /// The credentials as AWS tools read them from the environment.
    static var credentialEnvironment: [String: String] {
        get throws {
            guard let key = environment["TRAILPROOF_S3_ACCESS_KEY"], let secret = environment["TRAILPROOF_S3_SECRET_KEY"] else {
                throw TrailProofError(
                    .invalidArgument, "TRAILPROOF_S3_ACCESS_KEY and TRAILPROOF_S3_SECRET_KEY are not set: run the tests with .ci/test.sh")
            }
            return ["AWS_ACCESS_KEY_ID": key, "AWS_SECRET_ACCESS_KEY": secret, "AWS_REGION": "us-east-1"]
        }
    }

    static func store() async throws -> S3Store {
        S3Store(
            configuration: try await S3Configuration.resolve(
                endpoint: try endpoint, region: "us-east-1", addressing: .path, environment: try credentialEnvironment))
    }

    /// A new, empty bucket with a unique name.
    static func newBucket(_ purpose: String) async throws -> String {
        let name = "tp-\(purpose.lowercased().filter { $0.isLetter || $0.isNumber }.prefix(20))-\(UUID().uuidString.prefix(8).lowercased())"
        try await store().createBucket(name)
        return name
    }

    /// Runs trailproof with the server's credentials in the environment.
    static func trailproof(_ arguments: [String]) throws -> ProcessResult {
        try run(TestEnvironment.executable, arguments, environment: try credentialEnvironment)
    }

    /// Runs the aws-cli oracle against the server.
    static func awscli(_ arguments: [String]) throws -> ProcessResult {
        try run("python3", [TestEnvironment.oracle, "--endpoint-url", try endpoint] + arguments, environment: try credentialEnvironment)
    }
}

import Foundation
import Logging
import Synchronization

@testable import TrailProof

/// moto's STS server and the local stand-ins for instance metadata, the ECS endpoint and the SSO
/// portal (`Tests/Interop/credentials_oracle.py serve`), started once for the test process, and
/// botocore resolving credentials in a given environment: the oracle.
enum CredentialEndpoints {
    static let script = TestEnvironment.repositoryRoot.appendingPathComponent("Tests/Interop/credentials_oracle.py").path

    struct Ports: Decodable {
        var sts: Int
        var imds: Int
        var imds_hop: Int
        var ecs: Int
        var sso: Int
    }

    /// The servers' ports; they run until the test process ends (their standard input closes).
    static let ports: Result<Ports, any Error> = {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script, "serve"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
            // Kept open for the life of the process: closing it stops the servers.
            keepAlive.withLock { $0 = input.fileHandleForWriting }
            var line = Data()
            while true {
                let byte = output.fileHandleForReading.readData(ofLength: 1)
                if byte.isEmpty || byte == Data("\n".utf8) { break }
                line.append(byte)
            }
            return .success(try JSONDecoder().decode(Ports.self, from: line))
        } catch {
            return .failure(error)
        }
    }()

    private static let keepAlive = Mutex<FileHandle?>(nil)

    /// An environment with nothing of the test process's: a new HOME, STS at moto, instance
    /// metadata off (the test machine may be an EC2 instance) unless a test turns it on.
    static func environment(home: URL) throws -> [String: String] {
        [
            "HOME": home.path, "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "AWS_ENDPOINT_URL_STS": "http://127.0.0.1:\(try ports.get().sts)", "AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_EC2_METADATA_DISABLED": "true",
        ]
    }

    struct Resolved: Decodable, Equatable {
        var access_key: String
        var secret_key: String
        var token: String?
        var method: String
    }

    /// What botocore resolves in exactly `environment` (with `profile` as `aws --profile` gives it).
    static func botocore(_ environment: [String: String], profile: String? = nil) throws -> Resolved? {
        let result = try run(
            "/usr/bin/env", ["-i"] + environment.map { "\($0.key)=\($0.value)" } + ["python3", script, "resolve"] + (profile.map { [$0] } ?? []),
            timeout: 60)
        guard result.status == 0 else { throw TrailProofError(.storageFailure, "botocore failed: \(result)") }
        return try JSONDecoder().decode(Resolved?.self, from: Data(result.standardOutput.utf8))
    }

    /// The ARN STS (moto) answers GetCallerIdentity with for these credentials.
    static func identity(_ keys: SigV4Signer.Credentials) throws -> String {
        let result = try run(
            "/usr/bin/env",
            [
                "-i", "PATH=\(ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")", "python3", script, "identity",
                "http://127.0.0.1:\(try ports.get().sts)", keys.accessKeyID, keys.secretAccessKey,
            ] + (keys.sessionToken.map { [$0] } ?? []),
            timeout: 60)
        guard result.status == 0 else { throw TrailProofError(.storageFailure, "GetCallerIdentity failed: \(result)") }
        return result.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// A logger whose lines can be read back, to check what `--debug` would show.
final class CapturedLog: Sendable {
    private let store = Mutex<[String]>([])

    private struct Handler: LogHandler {
        let log: CapturedLog
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let fields = (event.metadata ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            log.store.withLock { $0.append("\(event.message) \(fields)") }
        }
    }

    var logger: Logger { Logger(label: "test") { _ in Handler(log: self) } }
    var lines: [String] { store.withLock { $0 } }
}

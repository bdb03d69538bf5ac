import Foundation
import Testing

@testable import TrailProof

/// Each credential source, resolved by trailproof and by botocore (the oracle) in the same
/// environment, against moto's STS and local stand-ins for the endpoints without a server here.
@Suite("AWS credential providers against botocore", .serialized)
struct CredentialProviderTests {
    /// A scenario's home folder with `~/.aws/config` and `~/.aws/credentials`.
    struct Home {
        let folder: URL
        var environment: [String: String]

        init(config: String = "", credentials: String = "") throws {
            folder = try TestEnvironment.temporaryFolder("credentials")
            try FileManager.default.createDirectory(at: folder.appendingPathComponent(".aws"), withIntermediateDirectories: true)
            try Data(config.utf8).write(to: folder.appendingPathComponent(".aws/config"))
            try Data(credentials.utf8).write(to: folder.appendingPathComponent(".aws/credentials"))
            environment = try CredentialEndpoints.environment(home: folder)
        }

        func write(_ text: String, to name: String) throws -> String {
            let url = folder.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
            return url.path
        }

        func remove() { try? FileManager.default.removeItem(at: folder) }
    }

    /// Resolves with both; the same keys, or for STS-issued keys (moto makes new ones on every
    /// call) the same identity. Returns trailproof's credentials and botocore's method.
    @discardableResult
    func expectSame(_ home: Home, profile: String? = nil, sameIdentity: Bool = false, sourceLocation: SourceLocation = #_sourceLocation)
        async throws -> (AWSCredentials, String)
    {
        let ours = try await AWSCredentialChain(environment: home.environment, profile: profile).resolve()
        let oracle = try #require(try CredentialEndpoints.botocore(home.environment, profile: profile), sourceLocation: sourceLocation)
        if sameIdentity {
            let ourIdentity = try CredentialEndpoints.identity(ours.keys)
            let theirIdentity = try CredentialEndpoints.identity(
                .init(accessKeyID: oracle.access_key, secretAccessKey: oracle.secret_key, sessionToken: oracle.token))
            #expect(ourIdentity == theirIdentity, "\(ours.source)", sourceLocation: sourceLocation)
            #expect(ours.keys.sessionToken != nil && ours.expiration != nil, sourceLocation: sourceLocation)
        } else {
            #expect(ours.keys.accessKeyID == oracle.access_key, "\(ours.source) / \(oracle.method)", sourceLocation: sourceLocation)
            #expect(ours.keys.secretAccessKey == oracle.secret_key, sourceLocation: sourceLocation)
            #expect(ours.keys.sessionToken == oracle.token, sourceLocation: sourceLocation)
        }
        return (ours, oracle.method)
    }

    @Test("Web identity from the environment (GitHub Actions OIDC) and from a profile")
    func webIdentity() async throws {
        var home = try Home(config: "")
        defer { home.remove() }
        let token = try home.write("eyJhbGciOiJSUzI1NiJ9.github-oidc.token", to: "token")
        home.environment.merge([
            "AWS_WEB_IDENTITY_TOKEN_FILE": token, "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/ci-audit", "AWS_ROLE_SESSION_NAME": "gha-run-7",
        ]) { $1 }
        let (ours, method) = try await expectSame(home, sameIdentity: true)
        #expect(method == "assume-role-with-web-identity")
        // --debug shows the STS request and the source, never the token or the secret.
        let log = CapturedLog()
        let logged = try await AWSCredentialChain(environment: home.environment, logger: log.logger).resolve()
        #expect(log.lines.contains { $0.contains("credentials request") && $0.contains("method=POST") && $0.contains("status=200") }, "\(log.lines)")
        #expect(log.lines.contains { $0.contains("credentials found") && $0.contains("web identity") }, "\(log.lines)")
        #expect(!log.lines.joined().contains("github-oidc") && !log.lines.joined().contains(logged.keys.secretAccessKey), "\(log.lines)")
        #expect(try CredentialEndpoints.identity(ours.keys).hasSuffix(":assumed-role/ci-audit/gha-run-7"))

        var profile = try Home(
            config: """
                [profile oidc]
                web_identity_token_file = \(token)
                role_arn = arn:aws:iam::123456789012:role/eks-audit
                role_session_name = pod-1
                """)
        defer { profile.remove() }
        profile.environment["AWS_PROFILE"] = "oidc"
        let (fromProfile, _) = try await expectSame(profile, sameIdentity: true)
        #expect(try CredentialEndpoints.identity(fromProfile.keys).hasSuffix(":assumed-role/eks-audit/pod-1"))
    }

    @Test("Assume-role profiles: source_profile, chained roles, credential_source; mfa_serial refused")
    func assumeRole() async throws {
        let home = try Home(
            config: """
                [profile auditor]
                role_arn = arn:aws:iam::123456789012:role/auditor
                source_profile = base
                role_session_name = audit-1
                external_id = ext-42
                duration_seconds = 1800
                [profile reader]
                role_arn = arn:aws:iam::210987654321:role/reader
                source_profile = auditor
                role_session_name = read-1
                [profile from-env]
                role_arn = arn:aws:iam::123456789012:role/from-env
                credential_source = Environment
                role_session_name = env-1
                [profile with-mfa]
                role_arn = arn:aws:iam::123456789012:role/admin
                source_profile = base
                mfa_serial = arn:aws:iam::123456789012:mfa/alice
                [profile loop-a]
                role_arn = arn:aws:iam::123456789012:role/a
                source_profile = loop-b
                [profile loop-b]
                role_arn = arn:aws:iam::123456789012:role/b
                source_profile = loop-a
                """,
            credentials: """
                [base]
                aws_access_key_id = AKIABASEEXAMPLE00001
                aws_secret_access_key = base-secret
                """)
        defer { home.remove() }
        var environment = home
        environment.environment["AWS_PROFILE"] = "auditor"
        let (auditor, method) = try await expectSame(environment, sameIdentity: true)
        #expect(method == "assume-role")
        #expect(try CredentialEndpoints.identity(auditor.keys).hasSuffix(":assumed-role/auditor/audit-1"))
        let (reader, _) = try await expectSame(home, profile: "reader", sameIdentity: true)
        #expect(try CredentialEndpoints.identity(reader.keys).hasSuffix(":assumed-role/reader/read-1"))

        var withKeys = home
        withKeys.environment.merge(["AWS_ACCESS_KEY_ID": "AKIAENVIRONMENT00001", "AWS_SECRET_ACCESS_KEY": "env-secret"]) { $1 }
        try await expectSame(withKeys, profile: "from-env", sameIdentity: true)
        // Without --profile the environment's keys come first, as in aws-cli.
        withKeys.environment["AWS_PROFILE"] = "from-env"
        let (first, firstMethod) = try await expectSame(withKeys)
        #expect(first.keys.accessKeyID == "AKIAENVIRONMENT00001" && firstMethod == "env")

        await #expect(throws: TrailProofError(.invalidArgument, "")) {
            try await AWSCredentialChain(environment: home.environment, profile: "with-mfa").resolve()
        }
        do {
            _ = try await AWSCredentialChain(environment: home.environment, profile: "with-mfa").resolve()
        } catch let error as TrailProofError {
            #expect(error.message.contains("mfa_serial") && error.message.contains("cannot ask"), "\(error.message)")
        }
        do {
            _ = try await AWSCredentialChain(environment: home.environment, profile: "loop-a").resolve()
            Issue.record("a source_profile loop resolved")
        } catch let error as TrailProofError {
            #expect(error.message.contains("loops"), "\(error.message)")
        }
    }

    @Test("credential_process, SSO, the container endpoint; files and process in botocore's order")
    func processSSOAndContainer() async throws {
        var home = try Home()
        defer { home.remove() }
        let script = try home.write(
            """
            import json, sys
            print(json.dumps({"Version": 1, "AccessKeyId": "ASIAPROCESS" + sys.argv[1], "SecretAccessKey": "process secret",
                              "SessionToken": "process-token", "Expiration": "2099-01-01T00:00:00Z"}))
            """, to: "bin/credentials helper.py")
        let ssoPort = try CredentialEndpoints.ports.get().sso
        let config = """
            [profile process]
            credential_process = python3 "\(script)" 000000001
            [profile process-and-config-keys]
            credential_process = python3 '\(script)' 000000002
            aws_access_key_id = AKIACONFIGFILEKEY001
            aws_secret_access_key = config-secret
            [profile process-and-file-keys]
            credential_process = python3 '\(script)' 000000003
            [profile failing]
            credential_process = python3 -c "import sys; sys.stderr.write('no session: run vault login\\\\n'); sys.exit(3)"
            [profile sso]
            sso_session = corp
            sso_account_id = 111122223333
            sso_role_name = Auditor
            [sso-session corp]
            sso_start_url = https://corp.awsapps.com/start
            sso_region = eu-west-1
            sso_registration_scopes = sso:account:access
            """
        try Data(config.utf8).write(to: home.folder.appendingPathComponent(".aws/config"))
        try Data("[process-and-file-keys]\naws_access_key_id = AKIACREDENTIALSFILE1\naws_secret_access_key = file-secret\n".utf8)
            .write(to: home.folder.appendingPathComponent(".aws/credentials"))
        _ = try home.write(
            #"{"startUrl": "https://corp.awsapps.com/start", "region": "eu-west-1", "accessToken": "sso-access-token", "expiresAt": "2099-01-01T00:00:00Z"}"#,
            to: ".aws/sso/cache/\(SSOCredentials.sha1Hex("corp")).json")
        home.environment["AWS_ENDPOINT_URL_SSO"] = "http://127.0.0.1:\(ssoPort)"

        let (process, processMethod) = try await expectSame(home, profile: "process")
        #expect(process.keys.accessKeyID == "ASIAPROCESS000000001" && processMethod == "custom-process")
        let (beforeConfig, _) = try await expectSame(home, profile: "process-and-config-keys")
        #expect(beforeConfig.keys.accessKeyID == "ASIAPROCESS000000002")
        let (afterFile, _) = try await expectSame(home, profile: "process-and-file-keys")
        #expect(afterFile.keys.accessKeyID == "AKIACREDENTIALSFILE1")
        do {
            _ = try await AWSCredentialChain(environment: home.environment, profile: "failing").resolve()
            Issue.record("a failing credential_process resolved")
        } catch let error as TrailProofError {
            #expect(error.message.contains("status 3") && error.message.contains("run vault login"), "\(error.message)")
        }
        let (sso, ssoMethod) = try await expectSame(home, profile: "sso")
        #expect(sso.keys.accessKeyID == "ASIASSOAUDITOR000001" && ssoMethod == "sso")

        var container = try Home()
        defer { container.remove() }
        let ecs = "http://127.0.0.1:\(try CredentialEndpoints.ports.get().ecs)/credentials"
        container.environment.merge(["AWS_CONTAINER_CREDENTIALS_FULL_URI": ecs, "AWS_CONTAINER_AUTHORIZATION_TOKEN": "ecs-authorization-token"]) {
            $1
        }
        let (task, taskMethod) = try await expectSame(container)
        #expect(task.keys.accessKeyID == "ASIAECSTASKROLE00001" && taskMethod == "container-role" && task.expiration != nil)
        container.environment.removeValue(forKey: "AWS_CONTAINER_AUTHORIZATION_TOKEN")
        // botocore refuses a token file that ends in a newline; trailproof trims it (not compared).
        container.environment["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] = try container.write("ecs-authorization-token", to: "eks-token")
        try await expectSame(container)
    }

    @Test("EC2 instance metadata: IMDSv2 token first; without an answer in time (hop limit), IMDSv1 as botocore")
    func instanceMetadata() async throws {
        let ports = try CredentialEndpoints.ports.get()
        var home = try Home()
        defer { home.remove() }
        home.environment.removeValue(forKey: "AWS_EC2_METADATA_DISABLED")
        home.environment["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = "http://127.0.0.1:\(ports.imds)"
        let (v2, method) = try await expectSame(home)
        #expect(v2.keys.accessKeyID == "ASIAINSTANCEROLEV2001" && method == "iam-role")
        home.environment["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = "http://127.0.0.1:\(ports.imds_hop)"
        let (v1, _) = try await expectSame(home)
        #expect(v1.keys.accessKeyID == "ASIAINSTANCEROLEV1001")
        // With IMDSv1 disabled, no token is an error for both.
        home.environment["AWS_EC2_METADATA_V1_DISABLED"] = "true"
        #expect(throws: TrailProofError.self) { try CredentialEndpoints.botocore(home.environment) }
        do {
            _ = try await AWSCredentialChain(environment: home.environment).resolve()
            Issue.record("resolved without a token while IMDSv1 is disabled")
        } catch let error as TrailProofError {
            #expect(error.message.contains("IMDSv1 is disabled"), "\(error.message)")
        }
    }

    @Test("The command with only an OIDC token and a role: web identity credentials sign every S3 request of a run")
    func commandWithWebIdentity() async throws {
        var home = try Home()
        defer { home.remove() }
        let trail = try ScenarioTrail.make(in: home.folder.appendingPathComponent("trail"))
        // moto's server is also an S3 endpoint; it accepts the keys its STS issued.
        let moto = "http://127.0.0.1:\(try CredentialEndpoints.ports.get().sts)"
        let token = try home.write("eyJhbGciOiJSUzI1NiJ9.github-oidc.token", to: "token")
        home.environment.merge([
            "AWS_WEB_IDENTITY_TOKEN_FILE": token, "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/ci-audit", "AWS_ROLE_SESSION_NAME": "gha-run-9",
        ]) { $1 }
        func trailproof(_ arguments: [String]) throws -> ProcessResult {
            try run(
                "/usr/bin/env", ["-i"] + home.environment.map { "\($0.key)=\($0.value)" } + [TestEnvironment.executable] + arguments, timeout: 120)
        }
        let created = try run(
            "/usr/bin/env",
            [
                "-i", "PATH=\(home.environment["PATH"]!)", "AWS_ACCESS_KEY_ID=x", "AWS_SECRET_ACCESS_KEY=x", "python3", "-c",
                "import boto3; boto3.client('s3', endpoint_url='\(moto)', region_name='us-east-1').create_bucket(Bucket='\(trail.bucket)')",
            ])
        #expect(created.status == 0, "\(created)")
        let copied = try trailproof(["mirror", "--from", trail.store, "--to", "s3", "--bucket", trail.bucket, "--endpoint-url", moto])
        #expect(copied.status == 0, "\(copied)")
        let validated = try trailproof(["validate-logs", "--endpoint-url", moto, "--debug"] + trail.validationArguments(verbose: false))
        #expect(validated.status == 0 && validated.standardOutput.contains("log files valid"), "\(validated)")
        #expect(
            validated.standardError.contains("credentials found")
                && validated.standardError.contains("web identity (role arn:aws:iam::123456789012:role/ci-audit"), "\(validated)")
        #expect(validated.standardError.contains("credentials request") && validated.standardError.contains("method=POST"), "\(validated)")
        #expect(!validated.standardError.contains("github-oidc"), "the token was logged")
    }

    @Test("Temporary credentials are refreshed before they expire; a failed refresh keeps them until 10 minutes remain")
    func refresh() async throws {
        let now = Timestamp.now()
        @Sendable func credentials(_ key: String, expiring minutes: Int64) -> AWSCredentials {
            AWSCredentials(
                keys: .init(accessKeyID: key, secretAccessKey: "s", sessionToken: "t"), expiration: now.adding(seconds: minutes * 60), source: "test")
        }
        let lasting = RefreshingCredentials(initial: credentials("OLD", expiring: 60)) { credentials("NEW", expiring: 60) }
        #expect(try await lasting.current(now: now).accessKeyID == "OLD")
        let expiring = RefreshingCredentials(initial: credentials("OLD", expiring: 14)) { credentials("NEW", expiring: 60) }
        #expect(try await expiring.current(now: now).accessKeyID == "NEW")
        #expect(try await expiring.current(now: now).accessKeyID == "NEW")
        struct Down: Error {}
        let failing = RefreshingCredentials(initial: credentials("OLD", expiring: 12)) { throw Down() }
        #expect(try await failing.current(now: now).accessKeyID == "OLD")
        await #expect(throws: TrailProofError(.storageFailure, "")) { try await failing.current(now: now.adding(seconds: 180)) }
    }
}

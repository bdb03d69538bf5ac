public import ArgumentParser
import FoundationEssentials
import Logging
import TrailProof

/// Where the objects are: a local folder, or S3 (the default when no folder is given).
struct StoreOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "A local store folder (DIR/BUCKET/KEY holds objects, DIR/.metadata their metadata), or s3 (the default); s3://BUCKET looks for trail definitions only in BUCKET.",
            valueName: "DIR|s3|s3://BUCKET"))
    var store: String?

    @OptionGroup var s3: S3Options

    private var isS3: Bool { store == nil || store == "s3" || store!.hasPrefix("s3://") }

    /// The store: local when `--store DIR`, else S3.
    func openStore(create: Bool) async throws -> any ObjectStore {
        if let store, !isS3 {
            return create ? try LocalStore.create(root: store) : try LocalStore(root: store)
        }
        return try await s3.openStore()
    }

    /// Where trail definitions are looked up: every bucket of the store, or the one of `s3://BUCKET`.
    func trailRegistry(create: Bool = false) async throws -> TrailRegistry {
        var buckets: [String]?
        if let store, store.hasPrefix("s3://") {
            let bucket = String(store.dropFirst("s3://".count).split(separator: "/", omittingEmptySubsequences: false).first ?? "")
            try ObjectLocation.validateBucket(bucket)
            buckets = [bucket]
        }
        return TrailRegistry(store: try await openStore(create: create), buckets: buckets)
    }
}

/// How to reach S3 or an S3-compatible server.
struct S3Options: ParsableArguments {
    @Option(help: "S3 endpoint, e.g. http://127.0.0.1:8333 (default: AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, else AWS S3).")
    var endpointUrl: String?

    @Option(help: "The S3 region to sign for (default: AWS_REGION, AWS_DEFAULT_REGION, the profile's, else us-east-1).")
    var s3Region: String?

    @Option(
        help: ArgumentHelp("Bucket in the path or in the host name (default: path with --endpoint-url, else virtual).", valueName: "path|virtual"))
    var addressingStyle: S3Configuration.Addressing?

    @Option(help: "The AWS profile for credentials (default: AWS_PROFILE, else default).")
    var profile: String?

    @Option(help: "Attempts per S3 request when throttled, answered 5xx or disconnected (retried with jittered backoff).")
    var s3MaxAttempts = 4

    @Option(help: ArgumentHelp("Seconds an S3 connection may stay silent before the request is retried.", valueName: "SECONDS"))
    var s3ReadTimeout: Int64 = 30

    @Flag(
        help: ArgumentHelp(
            "Log every S3, STS and credentials request (method, host, path, status, attempt, time), retries and where the credentials came from to standard error; never a secret or a signature. TRAILPROOF_LOG_LEVEL=debug does the same."
        ))
    var debug = false

    func validate() throws {
        guard (1...20).contains(s3MaxAttempts) else { throw ValidationError("--s3-max-attempts must be between 1 and 20") }
        guard (1...3600).contains(s3ReadTimeout) else { throw ValidationError("--s3-read-timeout must be between 1 and 3600 seconds") }
    }

    /// The level --debug or TRAILPROOF_LOG_LEVEL (trace, debug, info, notice, warning, error, critical) asks for.
    var logLevel: Logger.Level {
        get throws {
            if debug { return .debug }
            guard let text = ProcessInfo.processInfo.environment["TRAILPROOF_LOG_LEVEL"], !text.isEmpty else { return .warning }
            guard let level = Logger.Level(rawValue: text.lowercased()) else {
                throw TrailProofError(
                    .invalidArgument, "TRAILPROOF_LOG_LEVEL=\(text): use trace, debug, info, notice, warning, error or critical")
            }
            return level
        }
    }

    func openStore() async throws -> S3Store {
        var logger = Logger(label: "trailproof")
        logger.logLevel = try logLevel
        var configuration = try await S3Configuration.resolve(
            endpoint: endpointUrl, region: s3Region, addressing: addressingStyle, profile: profile, logger: logger)
        configuration.maxAttempts = s3MaxAttempts
        configuration.readTimeout = s3ReadTimeout
        return S3Store(configuration: configuration)
    }
}

extension S3Configuration.Addressing: ExpressibleByArgument {}

/// The account and region whose files are produced: a defined trail (`--trail NAME`), or
/// the bucket, account and region given one by one.
struct TrailLocationOptions: ParsableArguments {
    @Option(help: "A trail defined with create-trail: its bucket, prefix, account and home region are used.")
    var trail: String?

    @Option(help: "The bucket the trail delivers to.")
    var bucket: String?

    @Option(help: "A key prefix before AWSLogs/.")
    var prefix: String?

    @Option(help: "The 12-digit account ID the files are delivered for.")
    var accountId: String?

    @Option(help: "The region that delivers the files, e.g. us-east-1 (with --trail: a region of a multi-region trail).")
    var region: String?

    @Option(help: "The organization ID (o-...) of an organization trail.")
    var organizationId: String?

    func validate() throws {
        if trail != nil {
            guard bucket == nil, prefix == nil, accountId == nil, organizationId == nil else {
                throw ValidationError(
                    "--trail takes the bucket, prefix, account and organization from the trail's definition; leave those options out")
            }
        } else {
            guard bucket != nil, accountId != nil, region != nil else {
                throw ValidationError("give --trail NAME, or --bucket, --account-id and --region")
            }
        }
    }

    func location() throws -> TrailLocation {
        try TrailLocation(bucket: bucket!, prefix: prefix, organizationID: organizationId, accountID: accountId!, region: region!)
    }
}

/// Parses a time option: ISO 8601 such as 2026-01-08T05:21:42Z; an offset is converted to UTC.
func parseTime(_ text: String, option: String) throws -> Timestamp {
    guard let time = Timestamp(iso8601: text) else {
        throw TrailProofError(.invalidArgument, "\(option): cannot read \"\(text)\" as a time; use e.g. 2026-01-08T05:21:42Z")
    }
    return time
}

/// Trail definitions and their logging state, kept in the store itself beside the files they
/// describe: `s3://BUCKET/.trailproof/trails/NAME.json` (the definition, in AWS's shape plus the
/// account) and `NAME.state.json` (logging state), in the trail's own bucket. Nothing under
/// `.trailproof/` is ever listed as a log or a digest.
///
/// A trail is found by name (or ARN) in every bucket of the store, or only in `buckets` when
/// given (`--store s3://BUCKET`, for an S3 account with many buckets or no ListBuckets right).
/// Names are unique in the store, as AWS keeps them unique in an account and region.
///
///     let registry = TrailRegistry(store: try LocalStore(root: "/data/trail"))
///     let trail = try await registry.trail(named: "audit")
///     print(trail.definition.arn)
public struct TrailRegistry: Sendable {
    /// The key prefix TrailProof reserves for its own documents in any bucket.
    public static let reservedPrefix = ".trailproof/"
    static let trailsPrefix = reservedPrefix + "trails/"

    public let store: any ObjectStore
    /// The buckets to look in; nil: every bucket of the store.
    public let buckets: [String]?

    public init(store: any ObjectStore, buckets: [String]? = nil) {
        self.store = store
        self.buckets = buckets
    }

    /// A definition as found, with its logging state.
    public struct StoredTrail: Sendable {
        public var definition: TrailDefinition
        public var state: TrailLoggingState
    }

    static func definitionKey(_ name: String) -> String { trailsPrefix + name + ".json" }
    static func stateKey(_ name: String) -> String { trailsPrefix + name + ".state.json" }

    private func searchedBuckets() async throws -> [String] {
        if let buckets { return buckets }
        return try await store.listBuckets()
    }

    /// Every trail defined in the store, sorted by name.
    public func all() async throws -> [TrailDefinition] {
        var found: [TrailDefinition] = []
        for bucket in try await searchedBuckets() {
            for key in try await store.listKeys(bucket: bucket, prefix: Self.trailsPrefix, startAfter: nil) {
                let name = key.dropFirst(Self.trailsPrefix.count)
                guard name.hasSuffix(".json"), !name.hasSuffix(".state.json"), !name.contains("/") else { continue }
                found.append(try await definition(at: ObjectLocation(bucket: bucket, key: key)))
            }
        }
        return found.sorted { $0.name < $1.name }
    }

    private func definition(at object: ObjectLocation) async throws -> TrailDefinition {
        let stored = try await store.getObject(object, maxBytes: 1 << 20)
        let value: JSONValue
        do {
            value = try StrictJSONParser.parse(stored.bytes)
        } catch {
            throw TrailProofError(.invalidInput, "trail definition \(object.uri) is not JSON: \(error)")
        }
        return try TrailDefinition(stored: value, source: object.uri)
    }

    /// The trail named `nameOrARN` (a name, or the trail's ARN as AWS also accepts).
    public func trail(named nameOrARN: String) async throws -> StoredTrail {
        let arn = try? TrailARN(nameOrARN)
        let name = arn?.trailName ?? nameOrARN
        try TrailDefinition.validateName(name)
        var matches: [ObjectLocation] = []
        for bucket in try await searchedBuckets() {
            let object = ObjectLocation(bucket: bucket, key: Self.definitionKey(name))
            if try await store.objectExists(object) { matches.append(object) }
        }
        guard matches.count <= 1 else {
            throw TrailProofError(
                .invalidInput,
                "trail \(name) is defined in \(matches.count) buckets (\(matches.map(\.bucket).joined(separator: ", "))); name one with --store s3://BUCKET or remove a copy"
            )
        }
        guard let object = matches.first else {
            throw TrailProofError(.trailNotFound, "TrailNotFoundException: Unknown trail: \(nameOrARN) in \(store.displayName)")
        }
        let definition = try await definition(at: object)
        if let arn, arn.text != definition.arn {
            throw TrailProofError(.trailNotFound, "TrailNotFoundException: Unknown trail: \(nameOrARN) in \(store.displayName)")
        }
        return StoredTrail(definition: definition, state: try await state(of: definition))
    }

    private func state(of definition: TrailDefinition) async throws -> TrailLoggingState {
        let object = ObjectLocation(bucket: definition.bucket, key: Self.stateKey(definition.name))
        let stored: StoredObject
        do {
            stored = try await store.getObject(object, maxBytes: 1 << 20)
        } catch let error as TrailProofError where error.code == .objectNotFound {
            return TrailLoggingState()
        }
        do {
            return try TrailLoggingState(stored: try StrictJSONParser.parse(stored.bytes), source: object.uri)
        } catch let failure as StrictJSONParser.Failure {
            throw TrailProofError(.invalidInput, "trail state \(object.uri) is not JSON: \(failure)")
        }
    }

    /// Stores a new trail; a name the store already has is refused, as AWS refuses it.
    public func create(_ definition: TrailDefinition) async throws {
        do {
            let existing = try await trail(named: definition.name)
            throw TrailProofError(
                .trailAlreadyExists,
                "TrailAlreadyExistsException: Trail \(definition.name) already exists for customer: \(existing.definition.accountID)")
        } catch let error as TrailProofError where error.code == .trailNotFound {}
        try await store.putObject(
            ObjectLocation(bucket: definition.bucket, key: Self.definitionKey(definition.name)), bytes: definition.stored().prettySerialized(),
            metadata: [:], overwrite: false)
    }

    /// Replaces a trail's definition (update-trail, put-event-selectors). A trail moved to
    /// another bucket takes its state along; the old copies are removed after the new ones exist.
    public func update(_ definition: TrailDefinition, was previous: TrailDefinition) async throws {
        try definition.validate()
        let object = ObjectLocation(bucket: definition.bucket, key: Self.definitionKey(definition.name))
        try await store.putObject(object, bytes: definition.stored().prettySerialized(), metadata: [:], overwrite: true)
        if previous.bucket != definition.bucket {
            let state = try await state(of: previous)
            try await save(state, of: definition)
            try await store.deleteObject(ObjectLocation(bucket: previous.bucket, key: Self.stateKey(previous.name)))
            try await store.deleteObject(ObjectLocation(bucket: previous.bucket, key: Self.definitionKey(previous.name)))
        }
    }

    /// Stores a trail's logging state.
    public func save(_ state: TrailLoggingState, of definition: TrailDefinition) async throws {
        try await store.putObject(
            ObjectLocation(bucket: definition.bucket, key: Self.stateKey(definition.name)), bytes: state.stored().prettySerialized(),
            metadata: [:], overwrite: true)
    }

    /// Removes a trail's definition and state (its logs and digests stay).
    public func delete(_ definition: TrailDefinition) async throws {
        try await store.deleteObject(ObjectLocation(bucket: definition.bucket, key: Self.stateKey(definition.name)))
        try await store.deleteObject(ObjectLocation(bucket: definition.bucket, key: Self.definitionKey(definition.name)))
    }
}

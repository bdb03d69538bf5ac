/// The newest digest a validation run vouched for, recorded so that the next run can insist on
/// reaching it through the chain (`--state`): a rollback, a rewritten past or a fork then fails.
public struct ChainAnchor: Hashable, Sendable {
    /// The trail ARN, account and region the anchor belongs to.
    public var trail: String
    public var accountID: String
    public var region: String
    /// The digest: where it is, its end time, the SHA-256 of its uncompressed bytes, its signature.
    public var location: ObjectLocation
    public var endTime: Timestamp
    public var sha256: String
    public var signature: String

    public init(trail: String, accountID: String, region: String, location: ObjectLocation, endTime: Timestamp, sha256: String, signature: String) {
        self.trail = trail
        self.accountID = accountID
        self.region = region
        self.location = location
        self.endTime = endTime
        self.sha256 = sha256
        self.signature = signature
    }

    func belongs(to request: ValidationRequest) -> Bool {
        trail == request.trail.text && accountID == request.location.accountID && region == request.location.region
    }
}

/// A state file: one anchor per trail, account and region.
///
///     {"version": 1, "anchors": [{"trailArn", "accountId", "region", "bucket", "key", "endTime", "sha256", "signature"}]}
public struct ValidationState: Hashable, Sendable {
    public var anchors: [ChainAnchor]

    public init(anchors: [ChainAnchor] = []) { self.anchors = anchors }

    /// Reads a state file; a missing file is an empty state (the first run).
    public init(contentsOfFile path: String) throws {
        guard let bytes = try AtomicFile.read(path) else {
            anchors = []
            return
        }
        func damaged(_ why: String) -> TrailProofError { TrailProofError(.invalidInput, "state file \(path) is damaged: \(why)") }
        let document: JSONValue
        do { document = try StrictJSONParser.parse(bytes) } catch { throw damaged("\(error)") }
        guard document["version"] == .number("1"), let list = document["anchors"]?.arrayValue else {
            throw damaged("expected version 1 and an anchors array")
        }
        anchors = try list.map { item in
            guard let trail = item["trailArn"]?.stringValue, let account = item["accountId"]?.stringValue, let region = item["region"]?.stringValue,
                let bucket = item["bucket"]?.stringValue, let key = item["key"]?.stringValue,
                let end = item["endTime"]?.stringValue.flatMap(Timestamp.init(strictDigestForm:)),
                let sha256 = item["sha256"]?.stringValue, let signature = item["signature"]?.stringValue
            else { throw damaged("an anchor lacks a field") }
            return ChainAnchor(
                trail: trail, accountID: account, region: region, location: ObjectLocation(bucket: bucket, key: key), endTime: end, sha256: sha256,
                signature: signature)
        }
    }

    /// The anchor recorded for this request's trail, account and region.
    public func anchor(for request: ValidationRequest) -> ChainAnchor? { anchors.first { $0.belongs(to: request) } }

    /// Records `anchor`, replacing the one of the same trail, account and region.
    public mutating func record(_ anchor: ChainAnchor) {
        anchors.removeAll { $0.trail == anchor.trail && $0.accountID == anchor.accountID && $0.region == anchor.region }
        anchors.append(anchor)
    }

    /// Writes the state file atomically.
    public func write(to path: String) throws {
        let document = JSONValue.object([
            ("version", .number("1")),
            (
                "anchors",
                .array(
                    anchors.map {
                        .object([
                            ("trailArn", .string($0.trail)), ("accountId", .string($0.accountID)), ("region", .string($0.region)),
                            ("bucket", .string($0.location.bucket)), ("key", .string($0.location.key)), ("endTime", .string($0.endTime.iso8601)),
                            ("sha256", .string($0.sha256)), ("signature", .string($0.signature)),
                        ])
                    })
            ),
        ])
        try AtomicFile.write(document.prettySerialized(), to: path)
    }
}

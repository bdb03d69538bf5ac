/// A small, complete sample trail for demonstrations and first tests: a fresh keyring, three
/// hours of logs (two per hour) in a store, and the signed digest chain over them.
public struct SampleTrail: Sendable {
    public static let bucket = "trailproof-demo-bucket"
    public static let accountID = "111122223333"
    public static let region = "us-east-1"
    public static let trailName = "demo-trail"
    /// Start of the first hour with logs.
    public static let firstHour = Timestamp(year: 2026, month: 1, day: 1, hour: 0)
    public static let hours = 3

    /// The trail's ARN.
    public static var trailARN: TrailARN { try! TrailARN("arn:aws:cloudtrail:\(region):\(accountID):trail/\(trailName)") }
    /// Where the trail's files are.
    public static var location: TrailLocation {
        try! TrailLocation(bucket: bucket, prefix: nil, organizationID: nil, accountID: accountID, region: region)
    }
    /// The end of the last digest window.
    public static var lastHourEnd: Timestamp { firstHour.adding(seconds: Int64(hours) * 3600) }

    /// The log files delivered, oldest first.
    public let logs: [ObjectLocation]
    /// The digests written, oldest first.
    public let digests: [ObjectLocation]
    /// The keyring that signed them (its public-keys.json is what validators need).
    public let keyring: Keyring

    /// Makes the sample trail in `store` with a new keyring in `keyringDirectory`.
    public static func make(store: any ObjectStore, keyringDirectory: String) async throws -> SampleTrail {
        var keyring = try Keyring(directory: keyringDirectory)
        try keyring.generate(region: region, validFrom: firstHour.adding(seconds: -86_400), validDays: 30)
        let delivery = LogDelivery(store: store, location: location)
        var logs: [ObjectLocation] = []
        for hour in 0..<hours {
            for (minute, user) in [(10, "alice"), (40, "bob")] {
                let delivered = firstHour.adding(seconds: Int64(hour * 3600 + minute * 60))
                let document = sampleLog(at: delivered.adding(seconds: -300), user: user)
                logs += try await delivery.deliver([LogDelivery.Input(source: "sample", bytes: document)], at: delivered)
            }
        }
        let producer = try DigestProducer(store: store, location: location, trailName: trailName, homeRegion: region, keyring: keyring)
        let digests = try await producer.run(until: lastHourEnd)
        return SampleTrail(logs: logs, digests: digests, keyring: keyring)
    }

    /// A CloudTrail log document with two events around `time`.
    public static func sampleLog(at time: Timestamp, user: String) -> [UInt8] {
        let events: [JSONValue] = [0, 60].map { offset in
            .object([
                ("eventVersion", .string("1.09")),
                ("userIdentity", .object([("type", .string("IAMUser")), ("userName", .string(user))])),
                ("eventTime", .string(time.adding(seconds: Int64(offset)).iso8601)),
                ("eventSource", .string("s3.amazonaws.com")),
                ("eventName", .string(offset == 0 ? "ListBuckets" : "GetObject")),
                ("awsRegion", .string(region)),
                ("sourceIPAddress", .string("192.0.2.10")),
                ("recipientAccountId", .string(accountID)),
            ])
        }
        return JSONValue.object([("Records", .array(events))]).serialized()
    }
}

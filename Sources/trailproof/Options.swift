import ArgumentParser
import Foundation
import TrailProof

/// Where the objects are.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The local store folder: DIR/BUCKET/KEY holds objects, DIR/.metadata their metadata.", valueName: "DIR"))
    var store: String

    func openStore(create: Bool) throws -> LocalStore {
        create ? try LocalStore.create(root: store) : try LocalStore(root: store)
    }
}

/// The account and region whose files are produced.
struct TrailLocationOptions: ParsableArguments {
    @Option(help: "The bucket the trail delivers to.")
    var bucket: String

    @Option(help: "A key prefix before AWSLogs/.")
    var prefix: String?

    @Option(help: "The 12-digit account ID the files are delivered for.")
    var accountId: String

    @Option(help: "The region that delivers the files, e.g. us-east-1.")
    var region: String

    @Option(help: "The organization ID (o-...) of an organization trail.")
    var organizationId: String?

    func location() throws -> TrailLocation {
        try TrailLocation(bucket: bucket, prefix: prefix, organizationID: organizationId, accountID: accountId, region: region)
    }
}

/// Parses a time option: ISO 8601 such as 2026-01-08T05:21:42Z; an offset is converted to UTC.
func parseTime(_ text: String, option: String) throws -> Timestamp {
    guard let time = Timestamp(iso8601: text) else {
        throw TrailProofError(.invalidArgument, "\(option): cannot read \"\(text)\" as a time; use e.g. 2026-01-08T05:21:42Z")
    }
    return time
}

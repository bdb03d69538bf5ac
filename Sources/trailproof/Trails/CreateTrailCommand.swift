import ArgumentParser
import TrailProof

struct CreateTrailCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create-trail",
        abstract: "Define a trail in the store, as aws cloudtrail create-trail does; prints it in AWS's shape.",
        discussion: """
            The definition is kept in the trail's bucket under .trailproof/trails/NAME.json; other commands \
            need only the store options and the name. A new trail is not logging: start it with start-logging.
            """)

    @OptionGroup var storeOptions: StoreOptions

    @Option(help: "The trail name (3 to 128 letters, digits, '.', '_', '-').")
    var name: String

    @OptionGroup var settings: TrailSettingsOptions

    @Option(help: "The 12-digit account that owns the trail (AWS takes it from the credentials).")
    var accountId: String

    @Option(help: "The trail's home region (default: AWS_REGION, AWS_DEFAULT_REGION).")
    var region: String?

    func run() async throws {
        guard let bucket = settings.s3BucketName else { throw ValidationError("--s3-bucket-name is required") }
        let multiRegion = settings.isMultiRegionTrail ?? false
        let includeGlobal = settings.includeGlobalServiceEvents ?? true
        if multiRegion, !includeGlobal {
            throw TrailProofError(
                .invalidArgument, "InvalidParameterCombinationException: Multi-Region trail must include global service events.")
        }
        var definition = try TrailDefinition(
            name: name, accountID: accountId, homeRegion: try callerRegion(region), bucket: bucket, keyPrefix: settings.s3KeyPrefix,
            isMultiRegion: multiRegion, isOrganization: settings.isOrganizationTrail ?? false, organizationID: settings.organizationId,
            logFileValidationEnabled: settings.enableLogFileValidation ?? false, includeGlobalServiceEvents: includeGlobal)
        settings.applySealing(to: &definition, creating: true)
        try definition.validate()
        try await storeOptions.trailRegistry(create: true).create(definition)
        printJSON(definition.awsShape(includeHomeRegion: false))
    }
}

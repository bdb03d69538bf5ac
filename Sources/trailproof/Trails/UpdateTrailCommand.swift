import ArgumentParser
import TrailProof

struct UpdateTrailCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "update-trail",
        abstract: "Change a trail's settings, as aws cloudtrail update-trail does; prints it in AWS's shape.",
        discussion: """
            Turning log file validation on while the trail logs starts a new digest chain at --at; turning \
            it off stops digests. Logs and digests already delivered stay where they are.
            """)

    @OptionGroup var storeOptions: StoreOptions

    @Option(help: "The trail's name or ARN.")
    var name: String

    @OptionGroup var settings: TrailSettingsOptions

    @Option(help: "When the change takes effect (ISO 8601; default: now).")
    var at: String?

    func run() async throws {
        let registry = try await storeOptions.trailRegistry()
        let lifecycle = TrailLifecycle(registry: registry)
        let time = try timeOption(at, option: "--at")
        let current = try await registry.trail(named: name).definition
        var changed = current
        if let bucket = settings.s3BucketName { changed.bucket = bucket }
        if let prefix = settings.s3KeyPrefix { changed.keyPrefix = prefix.isEmpty ? nil : prefix }
        if let flag = settings.isMultiRegionTrail { changed.isMultiRegion = flag }
        if let flag = settings.isOrganizationTrail { changed.isOrganization = flag }
        if let organization = settings.organizationId { changed.organizationID = organization }
        if let flag = settings.includeGlobalServiceEvents { changed.includeGlobalServiceEvents = flag }
        settings.applySealing(to: &changed, creating: false)
        if changed.isMultiRegion, !changed.includeGlobalServiceEvents {
            throw TrailProofError(
                .invalidArgument, "InvalidParameterCombinationException: Multi-Region trail must include global service events.")
        }
        try changed.validate()
        try await registry.update(changed, was: current)
        if let flag = settings.enableLogFileValidation {
            try await lifecycle.setLogFileValidation(name: changed.name, enabled: flag, at: time)
            changed.logFileValidationEnabled = flag
        }
        printJSON(changed.awsShape(includeHomeRegion: false))
    }
}

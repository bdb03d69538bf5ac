/// A trail's life as CloudTrail runs it: logging started and stopped, digests written while
/// log file validation is on, a final digest when logging stops, a new chain when it starts
/// again, and the status a monitor reads.
///
///     let lifecycle = TrailLifecycle(registry: TrailRegistry(store: store))
///     try await lifecycle.startLogging(name: "audit", at: .now())
///     try await lifecycle.writeDigests(name: "audit", until: .now(), keyring: keyring)
///     try await lifecycle.stopLogging(name: "audit", at: .now(), keyring: keyring)  // writes the final digest
public struct TrailLifecycle: Sendable {
    public let registry: TrailRegistry
    /// Told of each object a sealing trail leaves out (``TrailDefinition/skipNonGzip``).
    public let onSkipped: @Sendable (String) -> Void

    public init(registry: TrailRegistry, onSkipped: @escaping @Sendable (String) -> Void = { _ in }) {
        self.registry = registry
        self.onSkipped = onSkipped
    }

    /// Starts logging at `time`; a trail already logging is left as it is (as AWS does). With
    /// log file validation on, the next digest begins a new chain at `time`.
    @discardableResult
    public func startLogging(name: String, at time: Timestamp) async throws -> TrailRegistry.StoredTrail {
        var trail = try await registry.trail(named: name)
        guard !trail.state.isLogging else { return trail }
        if let stopped = trail.state.stopLoggingTime, time < stopped {
            throw TrailProofError(
                .invalidArgument, "trail \(trail.definition.name) stopped logging at \(stopped); it cannot start again at an earlier \(time)")
        }
        trail.state.isLogging = true
        trail.state.startLoggingTime = time
        trail.state.chainStart = time
        try await registry.save(trail.state, of: trail.definition)
        return trail
    }

    /// Stops logging at `time`. With log file validation on, first writes every digest due up
    /// to `time`, the last one ending at `time` itself (CloudTrail's final digest), signed with
    /// `keyring`; returns them. A trail that is not logging is left as it is.
    @discardableResult
    public func stopLogging(name: String, at time: Timestamp, keyring: Keyring?) async throws -> [ObjectLocation] {
        var trail = try await registry.trail(named: name)
        guard trail.state.isLogging else { return [] }
        if let started = trail.state.startLoggingTime, time < started {
            throw TrailProofError(
                .invalidArgument, "trail \(trail.definition.name) started logging at \(started); it cannot stop at an earlier \(time)")
        }
        var written: [ObjectLocation] = []
        if trail.definition.logFileValidationEnabled {
            guard let keyring else {
                throw TrailProofError(
                    .invalidArgument, "trail \(trail.definition.name) has log file validation on: stopping writes a final digest, so give --keyring")
            }
            written = try await digests(of: trail, until: time, keyring: keyring, final: true)
        }
        trail.state.isLogging = false
        trail.state.stopLoggingTime = time
        try await registry.save(trail.state, of: trail.definition)
        return written
    }

    /// Turns log file validation on or off at `time` (update-trail). Turned on while logging,
    /// digests begin a new chain at `time`.
    public func setLogFileValidation(name: String, enabled: Bool, at time: Timestamp) async throws {
        var trail = try await registry.trail(named: name)
        guard trail.definition.logFileValidationEnabled != enabled else { return }
        let previous = trail.definition
        trail.definition.logFileValidationEnabled = enabled
        try await registry.update(trail.definition, was: previous)
        if enabled, trail.state.isLogging {
            trail.state.chainStart = time
            try await registry.save(trail.state, of: trail.definition)
        }
    }

    /// `digest --trail NAME`: every digest due up to `until` (capped at the stop time of a
    /// stopped trail), for each region the trail delivers in. A trail without log file
    /// validation gets none. With `sealing` (or the trail's own ``TrailDefinition/sealedPrefix``),
    /// the digests seal the objects under its prefix (``LogSealing``) instead of the trail's own
    /// log files.
    public func writeDigests(name: String, until: Timestamp, keyring: Keyring, sealing: LogSealing? = nil) async throws -> [ObjectLocation] {
        let trail = try await registry.trail(named: name)
        guard trail.definition.logFileValidationEnabled, trail.state.startLoggingTime != nil else { return [] }
        var limit = until
        if !trail.state.isLogging, let stopped = trail.state.stopLoggingTime { limit = min(limit, stopped) }
        return try await digests(of: trail, until: limit, keyring: keyring, final: false, sealing: sealing)
    }

    private func digests(of trail: TrailRegistry.StoredTrail, until: Timestamp, keyring: Keyring, final: Bool, sealing: LogSealing? = nil)
        async throws
        -> [ObjectLocation]
    {
        var written: [ObjectLocation] = []
        do {
            for region in try await regions(of: trail.definition) {
                let producer = try DigestProducer(
                    store: registry.store, location: try trail.definition.location(region: region), trailName: trail.definition.name,
                    homeRegion: trail.definition.homeRegion, keyring: keyring, chainStart: trail.state.chainStart,
                    sealing: try sealing ?? trail.definition.sealing(onSkipped: onSkipped))
                written += try await producer.run(until: until, final: final)
            }
        } catch let error as TrailProofError where error.code == .storageFailure || error.code == .keyringFailure {
            var failed = trail.state
            failed.latestDigestDeliveryError = "\(until): \(error.message)"
            try? await registry.save(failed, of: trail.definition)
            throw error
        }
        if trail.state.latestDigestDeliveryError != nil {
            var cleared = trail.state
            cleared.latestDigestDeliveryError = nil
            try await registry.save(cleared, of: trail.definition)
        }
        return written
    }

    /// The home region, and for a multi-region trail every region with a log folder of the
    /// trail's account (a sealing trail has one chain, in its home region).
    func regions(of definition: TrailDefinition) async throws -> [String] {
        guard definition.isMultiRegion, definition.sealedPrefix == nil else { return [definition.homeRegion] }
        let home = try definition.location()
        let accountRoot = String(home.logPrefix.dropLast(definition.homeRegion.count + 1))
        var regions: Set<String> = [definition.homeRegion]
        var after: String?
        // One key per region: after a region's first key, skip past every key of that region.
        while let key = try await registry.store.listKeys(bucket: definition.bucket, prefix: accountRoot, startAfter: after).first {
            guard let region = key.dropFirst(accountRoot.count).split(separator: "/").first else { break }
            if TrailLocation.isRegionName(String(region)) { regions.insert(String(region)) }
            after = accountRoot + region + "0"  // "0" sorts after "/": past every key of the region
        }
        return regions.sorted()
    }

    /// The trail's status at `time`.
    public func status(name: String, at time: Timestamp) async throws -> TrailStatus {
        let trail = try await registry.trail(named: name)
        let state = trail.state
        var status = TrailStatus(
            isLogging: state.isLogging, startLoggingTime: state.startLoggingTime, stopLoggingTime: state.stopLoggingTime,
            latestDeliveryError: state.latestDeliveryError, latestDigestDeliveryError: state.latestDigestDeliveryError,
            expectsDigests: state.isLogging && trail.definition.logFileValidationEnabled, at: time)
        for region in try await regions(of: trail.definition) {
            let location = try trail.definition.location(region: region)
            let digestEnds = try await registry.store.listKeys(bucket: location.bucket, prefix: location.digestPrefix, startAfter: nil)
                .compactMap { location.digestEndTime(ofKey: $0, trailName: trail.definition.name, homeRegion: trail.definition.homeRegion) }
                .filter { !$0.backfill && $0.end <= time }.map(\.end)
            if let newest = digestEnds.max(), status.latestDigestDeliveryTime.map({ newest > $0 }) ?? true {
                status.latestDigestDeliveryTime = newest
            }
            let newestLog: Timestamp?
            if let prefix = trail.definition.sealedPrefix {
                newestLog = region == trail.definition.homeRegion ? try await newestSealed(under: prefix, of: trail.definition, before: time) : nil
            } else {
                newestLog = try await self.newestLog(at: location, before: time, notBefore: state.startLoggingTime)
            }
            if let newest = newestLog,
                status.latestDeliveryTime.map({ newest > $0 }) ?? true
            {
                status.latestDeliveryTime = newest
            }
        }
        return status
    }

    /// The newest last-modified time at or before `time` of the objects a sealing trail seals.
    private func newestSealed(under prefix: String, of definition: TrailDefinition, before time: Timestamp) async throws -> Timestamp? {
        let sealing = try LogSealing(prefix: prefix)
        let location = try definition.location()
        var newest: Timestamp?
        try await registry.store.listObjects(bucket: definition.bucket, prefix: prefix, startAfter: nil) { page in
            for object in page where object.lastModified <= time && sealing.isCandidate(object.key, location: location) {
                if newest.map({ object.lastModified > $0 }) ?? true { newest = object.lastModified }
            }
        }
        return newest
    }

    /// The newest log delivery time in `location` at or before `time`, looking back a day
    /// folder at a time for at most 31 days (and not before `notBefore`'s day).
    private func newestLog(at location: TrailLocation, before time: Timestamp, notBefore: Timestamp?) async throws -> Timestamp? {
        var day = time.dayFloor
        let oldest = max(time.dayFloor.adding(seconds: -31 * 86_400), notBefore?.dayFloor ?? .init(secondsSinceEpoch: 0))
        while day >= oldest {
            let keys = try await registry.store.listKeys(bucket: location.bucket, prefix: location.logPrefix + day.datePath + "/", startAfter: nil)
            if let newest = keys.compactMap(location.logDeliveryTime(ofKey:)).filter({ $0 <= time }).max() { return newest }
            day = day.adding(seconds: -86_400)
        }
        return nil
    }
}

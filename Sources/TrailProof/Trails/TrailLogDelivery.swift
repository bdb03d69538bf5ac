/// `deliver --trail NAME`: log documents delivered as the trail would deliver them. Only a
/// logging trail takes logs; only the records its event selectors select are kept (AWS's
/// default without selectors: management events); Insights events (`eventCategory` `Insight`)
/// go to the `CloudTrail-Insight` folder; global service events are left out unless the trail
/// includes them.
public struct TrailLogDelivery: Sendable {
    public let registry: TrailRegistry
    public let trail: TrailRegistry.StoredTrail

    public init(registry: TrailRegistry, trail: TrailRegistry.StoredTrail) {
        self.registry = registry
        self.trail = trail
    }

    /// What a delivery wrote and left out.
    public struct Outcome: Sendable {
        /// The log files written, then the Insights files, in input order.
        public var delivered: [ObjectLocation] = []
        /// Records the event selectors did not select.
        public var droppedBySelectors = 0
        /// Global service events left out (`IncludeGlobalServiceEvents` false).
        public var droppedGlobal = 0
        /// Insights events, delivered to the Insights folder.
        public var insightEvents = 0
    }

    /// Event sources whose events are global service events (delivered by every trail that
    /// includes them, whatever its region).
    static let globalServiceSources: Set<String> = ["iam.amazonaws.com", "cloudfront.amazonaws.com", "route53.amazonaws.com"]

    /// Delivers `inputs` for `region` (the home region by default) at `time`.
    public func deliver(_ inputs: [LogDelivery.Input], at time: Timestamp, region: String? = nil) async throws -> Outcome {
        let definition = trail.definition
        let region = region ?? definition.homeRegion
        guard definition.accepts(region: region) else {
            throw TrailProofError(
                .invalidArgument,
                "trail \(definition.name) is a single-region trail of \(definition.homeRegion); it does not deliver events of \(region)")
        }
        let state = trail.state
        guard state.isLogging, let started = state.startLoggingTime, time >= started else {
            let since = state.stopLoggingTime.map { " (stopped at \($0))" } ?? (state.isLogging ? "" : " (never started)")
            let when = state.isLogging ? "at \(time), before logging started at \(state.startLoggingTime!)" : "at \(time)"
            throw TrailProofError(
                .trailNotLogging, "trail \(definition.name) is not logging \(when)\(since); start it with start-logging --name \(definition.name)")
        }
        var outcome = Outcome()
        var kept: [LogDelivery.Input] = []
        var insights: [LogDelivery.Input] = []
        for input in inputs {
            // One pass checks the document (as LogDocument.eventTimeRange does) and sorts its records.
            var times = LogDocument.EventTimes(source: input.source)
            var records: [JSONValue] = []
            var insightRecords: [JSONValue] = []
            let scanner = LogRecordScanner()
            do {
                try scanner.feed(input.bytes) { record in
                    try times.add(record)
                    if record["eventCategory"]?.stringValue == "Insight" {
                        insightRecords.append(record)
                    } else if !definition.includeGlobalServiceEvents, let source = record["eventSource"]?.stringValue,
                        Self.globalServiceSources.contains(source)
                    {
                        outcome.droppedGlobal += 1
                    } else if definition.eventSelectors.map({ $0.matches(record) }) ?? EventSelectors.defaultMatches(record) {
                        records.append(record)
                    } else {
                        outcome.droppedBySelectors += 1
                    }
                }
                try scanner.finish()
            } catch let failure as LogRecordScanner.Failure {
                throw times.refusal(failure.reason)
            }
            _ = try times.range()
            // A document kept whole is delivered byte for byte as given.
            if records.count == scanner.recordCount {
                kept.append(input)
            } else if !records.isEmpty {
                kept.append(LogDelivery.Input(source: input.source, bytes: JSONValue.object([("Records", .array(records))]).serialized()))
            }
            if !insightRecords.isEmpty {
                outcome.insightEvents += insightRecords.count
                insights.append(LogDelivery.Input(source: input.source, bytes: JSONValue.object([("Records", .array(insightRecords))]).serialized()))
            }
        }
        let delivery = LogDelivery(store: registry.store, location: try definition.location(region: region))
        do {
            if !kept.isEmpty { outcome.delivered += try await delivery.deliver(kept, at: time) }
            if !insights.isEmpty { outcome.delivered += try await delivery.deliver(insights, at: time, insights: true) }
        } catch let error as TrailProofError where error.code == .storageFailure {
            var failed = state
            failed.latestDeliveryError = "\(time): \(error.message)"
            try? await registry.save(failed, of: definition)
            throw error
        }
        if state.latestDeliveryError != nil {
            var cleared = state
            cleared.latestDeliveryError = nil
            try await registry.save(cleared, of: definition)
        }
        return outcome
    }
}

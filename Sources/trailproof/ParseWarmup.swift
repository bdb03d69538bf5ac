import ArgumentParser
import FoundationEssentials
import TrailProof

/// The protocol conformances that parsing a `validate-logs` line looks up, asked on the warm-up
/// thread while the main thread parses. The runtime answers a conformance question the first
/// time by scanning every conformance record in the binary (about 6,500; each scan takes tens of µs), and
/// the parse asks about 60 of them, most of its 2.5 ms; each one asked here first is a cache hit
/// there. Asked last-needed first, so that the two threads meet in the middle instead of racing
/// for the same ones. Only a matter of speed: a question missing here is asked by the parse.
enum ParseWarmup {
    static func run() {
        Warmup.lookUpConformances([
            (ValidateLogsCommand.self, { $0 is any AsyncParsableCommand.Type }),
            (ValidateLogsCommand.self, { $0 is any ParsableCommand.Type }),
            (StoreOptions.self, { $0 is any ParsableCommand.Type }),
            (S3Options.self, { $0 is any ParsableCommand.Type }),
            (String.UTF8View.self, { $0 is any ContiguousBytes.Type }),
            (ValidateLogsCommand.OutputFormat.self, { $0 is any CaseIterable.Type }),
            (ValidateLogsCommand.OutputFormat.self, { $0 is any RawRepresentable.Type }),
            (ValidationRequest.CheckLevel.self, { $0 is any CaseIterable.Type }),
            (ValidationRequest.CheckLevel.self, { $0 is any RawRepresentable.Type }),
            (Int64.self, { $0 is any CustomStringConvertible.Type }),
            (Int64.self, { $0 is any TextOutputStreamable.Type }),
            (Int64.self, { $0 is any CaseIterable.Type }),
            (Int.self, { $0 is any CustomStringConvertible.Type }),
            (Int.self, { $0 is any TextOutputStreamable.Type }),
            (Int.self, { $0 is any CaseIterable.Type }),
            (String.self, { $0 is any Hashable.Type }),
            (S3Configuration.Addressing.self, { $0 is any RawRepresentable.Type }),
            (S3Options.self, { $0 is any CustomReflectable.Type }),
            (S3Options.self, { $0 is any ParsableArguments.Type }),
            (StoreOptions.self, { $0 is any CustomReflectable.Type }),
            (StoreOptions.self, { $0 is any ParsableArguments.Type }),
            (Range<Int>.self, { $0 is any Collection.Type }),
            (Range<Int>.self, { $0 is any RandomAccessCollection.Type }),
            (Range<Int>.self, { $0 is any Sequence.Type }),
            (Int.self, { $0 is any SignedInteger.Type }),
            (Int.self, { $0 is any Strideable.Type }),
            (Int.self, { $0 is any Comparable.Type }),
            (ValidateLogsCommand.self, { $0 is any CustomReflectable.Type }),
            (Any.self, { $0 is any CustomReflectable.Type }),
        ])
    }
}

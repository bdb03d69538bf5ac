import Foundation
import Testing

@testable import TrailProof

/// Paths and helpers shared by the tests.
enum TestEnvironment {
    /// The repository root (the folder with Package.swift).
    static let repositoryRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        fatalError("Package.swift not found above \(#filePath)")
    }()

    /// `../shared` beside the repository, as in CI.
    static var shared: URL { repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared") }

    /// The aws-cli oracle script.
    static var oracle: String { shared.appendingPathComponent("interop/awscli_validate.py").path }

    /// The aws-cli oracle for organization trails.
    static var organizationOracle: String { repositoryRoot.appendingPathComponent("Tests/Interop/awscli_validate_org.py").path }

    /// The `trailproof` executable built beside the test bundle.
    static let executable: String = {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("trailproof").path,
            repositoryRoot.appendingPathComponent(".build/debug/trailproof").path,
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[1]
    }()

    /// A new empty folder, removed when the process ends only if the test passes; callers
    /// remove it themselves with `defer`.
    static func temporaryFolder(_ name: String = #function) throws -> URL {
        let safe = name.filter { $0.isLetter || $0.isNumber }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("trailproof-test-\(safe)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// The result of running a program.
struct ProcessResult: Equatable, CustomStringConvertible {
    var status: Int32
    var standardOutput: String
    var standardError: String
    /// Whether the program was killed for running past its time limit.
    var timedOut = false

    var description: String {
        (timedOut ? "KILLED after its time limit\n" : "") + "exit \(status)\n--- stdout\n\(standardOutput)--- stderr\n\(standardError)"
    }
}

/// Runs a program to completion, its output captured through files (no pipe can fill up); with
/// `timeout`, a program still running after that many seconds is killed (`timedOut`).
func run(
    _ executable: String, _ arguments: [String], environment: [String: String] = [:], input: Data? = nil, timeout: TimeInterval? = nil
) throws -> ProcessResult {
    let folder = try TestEnvironment.temporaryFolder("process")
    defer { try? FileManager.default.removeItem(at: folder) }
    let outURL = folder.appendingPathComponent("out")
    let errURL = folder.appendingPathComponent("err")
    try Data().write(to: outURL)
    try Data().write(to: errURL)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable.hasPrefix("/") ? executable : "/usr/bin/env")
    process.arguments = executable.hasPrefix("/") ? arguments : [executable] + arguments
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    process.standardOutput = try FileHandle(forWritingTo: outURL)
    process.standardError = try FileHandle(forWritingTo: errURL)
    if let input {
        let inputURL = folder.appendingPathComponent("in")
        try input.write(to: inputURL)
        process.standardInput = try FileHandle(forReadingFrom: inputURL)
    } else {
        process.standardInput = FileHandle.nullDevice
    }
    try process.run()
    var timedOut = false
    if let timeout {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning {
            timedOut = true
            kill(process.processIdentifier, SIGKILL)
        }
    }
    process.waitUntilExit()
    return ProcessResult(
        status: process.terminationStatus,
        standardOutput: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
        standardError: String(decoding: try Data(contentsOf: errURL), as: UTF8.self), timedOut: timedOut)
}

/// Runs `trailproof` with arguments.
@discardableResult
func trailproof(_ arguments: [String], input: Data? = nil, timeout: TimeInterval? = nil) throws -> ProcessResult {
    try run(TestEnvironment.executable, arguments, input: input, timeout: timeout)
}

/// Runs `trailproof`, requiring exit status 0, and returns its standard output lines.
func trailproofLines(_ arguments: [String], input: Data? = nil, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String] {
    let result = try trailproof(arguments, input: input)
    #expect(result.status == 0, "trailproof \(arguments.joined(separator: " "))\n\(result)", sourceLocation: sourceLocation)
    return result.standardOutput.split(separator: "\n").map(String.init)
}

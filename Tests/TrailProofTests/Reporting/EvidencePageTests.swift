import Foundation
import Testing

@testable import TrailProof

/// The HTML evidence page, rendered by a real browser (Debian's headless Chromium).
@Suite("HTML evidence page", .serialized)
struct EvidencePageTests {
    /// Renders `page` with headless Chromium: its DOM as the browser built it, and a screenshot.
    func render(_ page: String, screenshot: String) throws -> String {
        let profile = try TestEnvironment.temporaryFolder("chromium")
        defer { try? FileManager.default.removeItem(at: profile) }
        let common = ["--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=\(profile.path)", "--window-size=1280,1600"]
        let shot = try run("chromium", common + ["--screenshot=\(screenshot)", "file://\(page)"], timeout: 120)
        #expect(shot.status == 0 && FileManager.default.fileExists(atPath: screenshot), "\(shot)")
        let dom = try run("chromium", common + ["--dump-dom", "file://\(page)"], timeout: 120)
        #expect(dom.status == 0, "\(dom)")
        return dom.standardOutput
    }

    @Test("A tampered trail's page shows every INVALID object, escapes hostile keys, needs nothing from elsewhere, and looks different")
    func tamperedAndClean() async throws {
        let folder = try TestEnvironment.temporaryFolder("evidence")
        defer { try? FileManager.default.removeItem(at: folder) }
        let cleanTrail = try ScenarioTrail.make(in: folder.appendingPathComponent("clean"))
        let trail = try ScenarioTrail.make(in: folder.appendingPathComponent("tampered"))
        // A rewritten log, a deleted digest and an injected file whose name is markup.
        let log = try #require(trail.logs[0]?.first)
        let forged = SampleTrail.sampleLog(at: Timestamp(iso8601: "2026-01-01T00:01:00Z")!, user: "mallory")
        try await trail.localStore.putObject(trail.object(log), bytes: try Gzip.compress(forged), metadata: [:], overwrite: true)
        try trail.remove(trail.digest(endingAt: 2))
        let hostile =
            log.replacingOccurrences(of: "0005Z_", with: "0006Z_").split(separator: "/").dropLast().joined(separator: "/")
            + "/x\"><img src=x onerror=alert(1)>.json.gz"
        try await trail.localStore.putObject(trail.object(hostile), bytes: try Gzip.compress(forged), metadata: [:], overwrite: false)

        let page = folder.appendingPathComponent("tampered.html").path
        let json = folder.appendingPathComponent("tampered.json").path
        let result = try trail.validateFull(["--report", page])
        #expect(result.status == 1, "\(result)")
        #expect(try trail.validateFull(["--report", json]).status == 1)
        let cleanPage = folder.appendingPathComponent("clean.html").path
        #expect(try cleanTrail.validateFull(["--report", cleanPage]).status == 0)

        let html = try String(contentsOfFile: page, encoding: .utf8)
        // Text is escaped, so any "<" is markup of the page's own.
        for external in ["<script", "<link", "<iframe", "<object", "<img", "href=", "url(", "@import"] {
            #expect(!html.contains(external), "the page holds \(external)")
        }
        let shot = folder.appendingPathComponent("tampered.png").path
        let cleanShot = folder.appendingPathComponent("clean.png").path
        let dom = try render(page, screenshot: shot)
        let cleanDOM = try render(cleanPage, screenshot: cleanShot)

        // Every INVALID object of the JSON report is on the page the browser built; the hostile
        // name is text, not an element.
        guard case .object(let report) = try StrictJSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: json)))),
            case .array(let chains) = report.first(where: { $0.key == "chains" })?.value
        else {
            Issue.record("the JSON report cannot be read")
            return
        }
        var invalid: [String] = []
        for case .object(let chain) in chains {
            for kind in ["digests", "logs"] {
                guard case .array(let objects) = chain.first(where: { $0.key == kind })?.value else { continue }
                for case .object(let object) in objects where object.first(where: { $0.key == "verdict" })?.value.stringValue == "invalid" {
                    invalid.append(object.first { $0.key == "uri" }?.value.stringValue ?? "")
                }
            }
        }
        #expect(invalid.count >= 3, "\(invalid)")
        let text = dom.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&lt;", with: "<")
            .replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&amp;", with: "&")
        for uri in invalid { #expect(text.contains(uri), "\(uri) is not on the page") }
        #expect(!dom.contains("<img"), "the hostile key became an element")
        #expect(dom.contains("INVALID: evidence of tampering"))
        #expect(cleanDOM.contains("VALID: every digest") && !cleanDOM.contains("class=\"verdict\">INVALID"))
        #expect(dom.contains("<td class=\"cell s-invalid\"") && !cleanDOM.contains("<td class=\"cell s-invalid\""))

        // Both are real pictures, and the tampered one is not the clean one.
        let picture = try Data(contentsOf: URL(fileURLWithPath: shot))
        let cleanPicture = try Data(contentsOf: URL(fileURLWithPath: cleanShot))
        #expect(picture.prefix(8) == Data([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) && picture.count > 20_000)
        #expect(cleanPicture.prefix(8) == picture.prefix(8) && cleanPicture != picture)
    }
}

import Foundation
import Testing
import TestSupport

/// Loads an HTML report in Debian's `chromium-headless-shell` (installed by `.ci/run`): the DOM after
/// rendering (`--dump-dom`) for the test to check, and a screenshot kept at
/// `.build/test-artifacts/<artifact>.png` (the page itself beside it as `<artifact>.html`), whose path is
/// printed. Skipped, saying so, only when the browser binary is absent.
enum BrowserCheck {
    /// Where the browser is looked for.
    static let candidates = ["/usr/bin/chromium-headless-shell", "/usr/lib/chromium/headless_shell", "/usr/bin/chromium"]

    static var browser: URL? {
        candidates.map { URL(fileURLWithPath: $0) }.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    /// The kept artifacts' directory (gitignored with `.build/`).
    static var artifacts: URL { TestPaths.repositoryRoot.appendingPathComponent(".build/test-artifacts", isDirectory: true) }

    static func check(_ page: URL, artifact: String, width: Int = 1280, height: Int = 2400, dom checks: (String) throws -> Void) async throws {
        guard let browser else {
            print(
                "SKIPPED browser check of \(page.lastPathComponent): chromium-headless-shell is not installed (apt-get install chromium-headless-shell; .ci/run does)"
            )
            return
        }
        try FileManager.default.createDirectory(at: artifacts, withIntermediateDirectories: true)
        let profile = try TestPaths.temporaryDirectory("pm-chromium")
        defer { try? FileManager.default.removeItem(at: profile) }
        // Root in containers needs --no-sandbox; a profile per run keeps parallel runs apart; no network is reachable
        // from the page anyway (its Content-Security-Policy allows data: images only).
        let common = [
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=\(profile.path)",
            "--window-size=\(width),\(height)", "--hide-scrollbars",
        ]
        let dom = try await ChildProcess.run(browser, common + ["--dump-dom", page.absoluteString], timeout: 120)
        #expect(dom.exitCode == 0, "\(dom.stderr.suffix(1000))")
        try checks(dom.stdout)
        let png = artifacts.appendingPathComponent("\(artifact).png")
        try? FileManager.default.removeItem(at: png)
        let shot = try await ChildProcess.run(browser, common + ["--screenshot=\(png.path)", page.absoluteString], timeout: 120)
        #expect(shot.exitCode == 0 && FileManager.default.fileExists(atPath: png.path), "\(shot.stderr.suffix(1000))")
        let keptPage = artifacts.appendingPathComponent("\(artifact).html")
        try? FileManager.default.removeItem(at: keptPage)
        try FileManager.default.copyItem(at: page, to: keptPage)
        print("browser screenshot kept at \(png.path) (page: \(keptPage.path))")
    }
}

import Foundation
import Testing
import TestSupport

/// The reproductions of defects in `../shared/repro/` (issue 16: "every script exits 0 on a clean clone,
/// in CI too"), each run as written against the built `portal-migrate`, from the repository root, as
/// their header says. A script exits 0 when the product behaves as it should and 1 printing what it saw.
/// Each defect also has its own test with the same input and assertions beside the code it concerns;
/// this suite proves the scripts themselves pass, so a reproduction added to the folder is run too.
@Suite("reproduction scripts of ../shared/repro", .serialized)
struct ReproScriptsTests {
    /// `../shared/repro` relative to the repository root.
    static let folder = TestPaths.repositoryRoot.deletingLastPathComponent()
        .appendingPathComponent("shared/repro", isDirectory: true).standardizedFileURL

    /// The script names (`R01-….sh`, …), sorted; empty when the folder is missing.
    static let scripts: [String] = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
        .filter { $0.hasPrefix("R") && $0.hasSuffix(".sh") }
        .sorted()

    @Test("the reproduction folder holds scripts")
    func folderHoldsScripts() {
        #expect(!Self.scripts.isEmpty, "no R*.sh in \(Self.folder.path)")
    }

    @Test("script exits 0", arguments: scripts)
    func scriptExitsZero(_ name: String) async throws {
        let home = try TestPaths.temporaryDirectory("pm-repro")
        defer { try? FileManager.default.removeItem(at: home) }
        let r = try await CLI.run(
            [Self.folder.appendingPathComponent(name).path], executable: URL(fileURLWithPath: "/bin/bash"),
            environment: ["PM_BIN": TestPaths.portalMigrateBinary.path, "TMPDIR": home.path], home: home,
            currentDirectory: TestPaths.repositoryRoot, timeout: 600)
        #expect(r.exitCode == 0, "\(name) exit \(r.exitCode):\n\(r.stdout)\n\(r.stderr)")
    }
}

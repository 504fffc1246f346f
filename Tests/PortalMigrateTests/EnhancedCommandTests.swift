import Foundation
import Testing
import PortalModel
import PortalFolder
import TestSupport

/// Issue 9 end to end with the built binary on embedded environments: `--modelVersion` checks
/// (acceptance 3) and the v2 folder round trip through an enhanced environment (acceptance 1).
@Suite(.serialized) struct EnhancedCommandTests {
    /// Relative paths of the regular files under `root`.
    static func files(_ root: URL) -> Set<String> {
        var out = Set<String>()
        let base = root.standardizedFileURL.path
        guard let e = FileManager.default.enumerator(atPath: base) else { return out }
        while let rel = e.nextObject() as? String {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: base + "/" + rel, isDirectory: &isDir), !isDir.boolValue { out.insert(rel) }
        }
        return out
    }

    @Test func aModelMismatchStopsBeforeAnyWriteWithExitCode2() async throws {
        let work = try TestPaths.temporaryDirectory("pm-enh-mv")
        defer { try? FileManager.default.removeItem(at: work) }
        let home = work.appendingPathComponent("home")
        #expect(try await CLI.run(["env", "create", "t"], home: home).status == 0)
        let v2 = TestPaths.pacFolder("rcsa-enhanced-2025"), v1 = TestPaths.pacFolder("ejada-starter-2022")
        let a = try await CLI.run(["upload", "--path", v2.path, "--environment", "local:t", "--modelVersion", "1", "--yes"], home: home)
        #expect(a.status == 2, "\(a.err)")
        #expect(a.err.contains("enhanced data model (v2)") && a.err.contains("--modelVersion 2"), "\(a.err)")
        let b = try await CLI.run(["upload", "--path", v1.path, "--environment", "local:t", "-mv", "Enhanced", "--yes"], home: home)
        #expect(b.status == 2, "\(b.err)")
        #expect(b.err.contains("standard data model (v1)") && b.err.contains("--modelVersion 1"), "\(b.err)")
        let bad = try await CLI.run(["upload", "--path", v1.path, "--environment", "local:t", "--modelVersion", "3"], home: home)
        #expect(bad.status == 64, "\(bad.err)")
        // Nothing was written: the environment has no website of either model.
        let list = try await CLI.run(["list", "--environment", "local:t", "--json"], home: home)
        #expect(list.status == 0, "\(list.err)")
        #expect(!list.out.contains("RCSA") && !list.out.lowercased().contains("ejada"), "\(list.out)")
    }

    @Test func v2FolderUploadsIntoAnEnhancedEnvironmentAndDownloadsBackByteIdentical() async throws {
        // The folder uploaded into a fresh environment whose blocked list accepts its .js web files.
        let scenario = try await Scenario.uploaded("rcsa-enhanced-2025", into: ["t"], label: "pm-enh-acc1")
        defer { if ProcessInfo.processInfo.environment["PM_KEEP_V2"] == nil { scenario.remove() } else { print("kept \(scenario.work.path)") } }
        let (work, home, site) = (scenario.work, scenario.home, scenario.site)

        let snapshot = try PortalFolder().readEnhanced(site).snapshot
        let websiteID = try #require(snapshot.websiteID ?? snapshot.records["adx_website"]?.first?.id)
        // The model is detected from the environment: the site is a powerpagesite; asking for v1 fails.
        let wrong = try await CLI.run(
            [
                "download", "--path", work.appendingPathComponent("x").path, "--webSiteId", websiteID.dataverseString,
                "--environment", "local:t", "--modelVersion", "1",
            ], home: home)
        #expect(wrong.status == 2 && wrong.err.contains("enhanced data model (v2)"), "\(wrong.err)")

        let downloads = work.appendingPathComponent("dl")
        try FileManager.default.createDirectory(at: downloads, withIntermediateDirectories: true)
        let siteName = try PortalFolder.siteFolderName(snapshot)
        let copy = downloads.appendingPathComponent(siteName)
        try FileManager.default.copyItem(at: site, to: copy)
        let dl = try await CLI.run(
            [
                "download", "--path", downloads.path, "--webSiteId", websiteID.dataverseString,
                "--environment", "local:t", "--overwrite",
            ], home: home)
        #expect(dl.status == 0, "\(dl.err)")

        let before = Self.files(site).filter { !$0.hasPrefix(".portalconfig/") }
        let after = Self.files(copy).filter { !$0.hasPrefix(".portalconfig/") }
        #expect(before == after, "missing: \(before.subtracting(after).sorted().prefix(10)) extra: \(after.subtracting(before).sorted().prefix(10))")
        var differing: [String] = []
        for rel in before.intersection(after).sorted() {
            let x = try Data(contentsOf: site.appendingPathComponent(rel)), y = try Data(contentsOf: copy.appendingPathComponent(rel))
            if x != y { differing.append(rel) }
        }
        print("v2 round trip through an enhanced environment: \(before.count) files, \(differing.count) differ")
        #expect(before.count > 100)
        #expect(differing.isEmpty, "\(differing.count) differ: \(differing.prefix(20))")
    }
}

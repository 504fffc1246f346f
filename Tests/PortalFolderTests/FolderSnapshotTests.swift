import Foundation
import Testing
import PortalModel
import TestSupport
@testable import PortalFolder

/// What a read puts in the snapshot (types by catalog, links, bodies, deletions) and how writes name
/// records: into an empty folder (pac's naming rules), into an existing folder (names kept).
@Suite struct FolderSnapshotTests {
    @Test func valuesAreTypedByColumnAndStringsStayText() throws {
        let content = try PortalFolder().read(TestPaths.pacFolder("book-multilang-2023"))
        let snapshot = content.snapshot
        let site = try #require(snapshot.websiteID)
        #expect(site.dataverseString == "6d6ac58d-c13d-ee11-bdf4-000d3adcc96a")
        let home = try #require(
            snapshot.records["adx_webpage"]?.first { $0.string("adx_name") == "Home" && $0.columns["adx_isroot"] == .boolean(true) })
        #expect(home.columns["adx_publishingstateid"]?.reference?.logicalName == "adx_publishingstate")
        if TableCatalog.standard.table("adx_webpage")?.column("adx_websiteid") != nil {
            #expect(home.columns["adx_websiteid"] == .lookup(EntityReference("adx_website", site)))
        }
        // A string column holding YAML-1.1-looking text stays a string.
        let throttle = try #require(snapshot.records["adx_sitesetting"]?.first { $0.string("adx_value") == "00:03:00" })
        #expect(throttle.columns["adx_value"] == .string("00:03:00"))
        // Content side files are columns; the copy of Home is HTML text.
        #expect(snapshot.records["adx_webpage"]?.contains { ($0.string("adx_copy") ?? "").contains("<") } == true)
        // N:N lists became links, web file bytes are referenced, not loaded.
        #expect((snapshot.links["adx_entitypermission_webrole"]?.count ?? 0) > 0)
        let bodies = snapshot.bodies.filter { $0.key.logicalName == "annotation" }
        #expect(bodies.count > 50)
        for (key, body) in bodies.prefix(5) {
            guard case .file(let url) = body else { Issue.record("body loaded into memory"); continue }
            #expect(FileManager.default.fileExists(atPath: url.path))
            #expect(snapshot.record("annotation", key.id)?.columns["objectid"] != nil)
        }
        #expect(content.layout.generation == .new)
        #expect(try PortalFolder().read(TestPaths.pacFolder("ejada-starter-2022")).layout.generation == .old)
        #expect(try PortalFolder().read(TestPaths.pacFolder("ejada-starter-2022")).layout.foreignFiles == ["azure-pipelines.yml"])
    }

    @Test func manifestDeletionsAreRead() throws {
        let content = try PortalFolder().read(TestPaths.pacFolder("comet-selfservice-2023"))
        #expect(content.deletions.count == 4)
        #expect(content.deletions.allSatisfy { $0.section == "adx_entitypermission_webrole" })
        #expect(content.deletions.first?.displayName?.hasPrefix("$RELATIONSHIP$adx_entitypermission:") == true)
    }

    /// Writing without a layout into an empty folder: every record file lands where pac would put it;
    /// names equal the source's except pac's random collision suffixes, and reading back gives the
    /// same records, links and bodies.
    @Test(arguments: ["book-multilang-2023", "comet-selfservice-2023"])
    func writeWithoutLayoutUsesPacNames(folder: String) throws {
        let source = TestPaths.pacFolder(folder)
        let content = try PortalFolder().read(source)
        let target = try TestPaths.temporaryDirectory("pm-folder-names")
        defer { try? FileManager.default.removeItem(at: target) }
        let summary = try PortalFolder().write(content.snapshot, to: target)
        #expect(summary.skipped.isEmpty, "\(summary.skipped)")
        let back = try PortalFolder().read(target)

        var differentNames: [String] = []
        for (key, placement) in content.layout.placements {
            guard let other = back.layout.placements[key] else { Issue.record("\(key.table) \(key.id) not written"); continue }
            if other.file != placement.file {
                // Only pac's collision suffixes may differ: strip `_hex` before the suffix/extension.
                let strip = { (p: String) in p.replacingOccurrences(of: "_[0-9a-fA-F]{7,8}(?=[./])", with: "", options: .regularExpression) }
                if strip(other.file) != strip(placement.file) { differentNames.append("\(placement.file) → \(other.file)") }
            }
        }
        #expect(differentNames.isEmpty, "\(differentNames.prefix(10))")
        #expect(back.snapshot.recordCount == content.snapshot.recordCount)
        for (table, records) in content.snapshot.records {
            for r in records { #expect(back.snapshot.record(table, r.id) == r, "\(table) \(r.id)") }
        }
        #expect(back.snapshot.links == content.snapshot.links)
        for (key, body) in content.snapshot.bodies {
            #expect(try back.snapshot.bodies[key]?.load() == body.load(), "\(key)")
        }
    }

    /// Writing into a copy of the original folder keeps every file name (found by id) even without
    /// the layout, and the bytes do not change.
    @Test func writeIntoExistingFolderKeepsNames() throws {
        let copy = try FolderRoundTripTests.copyOfCorpus("comet-selfservice-2023")
        defer { try? FileManager.default.removeItem(at: copy.deletingLastPathComponent()) }
        let before = FolderRoundTripTests.files(copy)
        let content = try PortalFolder().read(copy)
        let summary = try PortalFolder().write(content.snapshot, to: copy)
        #expect(summary.written.isEmpty, "\(summary.written.prefix(10))")
        #expect(summary.removed.isEmpty)
        #expect(FolderRoundTripTests.files(copy) == before)
        let (_, problems) = FolderRoundTripTests.compare(TestPaths.pacFolder("comet-selfservice-2023"), copy) { _ in false }
        #expect(problems.isEmpty, "\(problems.prefix(10))")
    }

    /// A record removed from the snapshot loses its files on rewrite; a renamed one keeps its name.
    @Test func staleRecordFilesAreRemovedAndRenamesKeepFileNames() throws {
        let copy = try FolderRoundTripTests.copyOfCorpus("ejada-starter-2022")
        defer { try? FileManager.default.removeItem(at: copy.deletingLastPathComponent()) }
        var content = try PortalFolder().read(copy)
        var templates = try #require(content.snapshot.records["adx_webtemplate"])
        let dropped = templates.removeLast()
        templates[0].columns["adx_name"] = .string("Renamed Template")
        content.snapshot.records["adx_webtemplate"] = templates
        let droppedFile = try #require(content.layout.placements[RecordKey("adx_webtemplate", dropped.id)]?.file)
        let keptFile = try #require(content.layout.placements[RecordKey("adx_webtemplate", templates[0].id)]?.file)
        let summary = try PortalFolder().write(content.snapshot, to: copy)
        #expect(summary.removed.contains(droppedFile))
        #expect(!FileManager.default.fileExists(atPath: copy.appendingPathComponent(droppedFile).path))
        #expect(summary.written == [keptFile])
        #expect(try String(contentsOf: copy.appendingPathComponent(keptFile), encoding: .utf8).contains("adx_name: Renamed Template\n"))
        #expect(FileManager.default.fileExists(atPath: copy.appendingPathComponent("azure-pipelines.yml").path))
    }

    @Test func newCollisionsGetSuffixesAndUnsafeNamesStayInside() throws {
        let site = UUID()
        var snapshot = PortalSnapshot(websiteID: site)
        snapshot.add(EntityRecord("adx_website", id: site, columns: ["adx_name": .string("Site")]))
        snapshot.add(EntityRecord("adx_websitebinding", id: UUID(), columns: ["adx_name": .string("Binding: site")]))
        let names = ["../../etc/passwd", "Same Name", "same name", "a\u{0}b", "/abs", "..", "C:\\x|y?"]
        var ids: [String: UUID] = [:]
        for n in names {
            let id = UUID()
            ids[n] = id
            snapshot.add(EntityRecord("adx_webtemplate", id: id, columns: ["adx_name": .string(n), "adx_source": .string("x")]))
        }
        let target = try TestPaths.temporaryDirectory("pm-folder-unsafe")
        defer { try? FileManager.default.removeItem(at: target) }
        let parent = target.deletingLastPathComponent()
        let before = Set((try? FileManager.default.contentsOfDirectory(atPath: parent.path)) ?? [])
        let site1 = target.appendingPathComponent("site")
        try PortalFolder(catalog: TableCatalog(tables: [])).write(snapshot, to: site1)
        let written = FolderRoundTripTests.files(site1)
        #expect(written.allSatisfy { $0.hasPrefix("web-templates/") || $0 == "website.yml" || $0.hasPrefix(".portalconfig/") }, "\(written)")
        #expect(Set((try? FileManager.default.contentsOfDirectory(atPath: parent.path)) ?? []) == before)
        #expect(written.contains("web-templates/..-..-etc-passwd/..-..-etc-passwd.webtemplate.yml"))
        #expect(written.contains("web-templates/--/--.webtemplate.yml"))
        #expect(written.contains("web-templates/a-b/a-b.webtemplate.yml"))
        #expect(written.contains("web-templates/c--x-y-/C--x-y-.webtemplate.yml"))
        // Names differing only in case collide on case-insensitive disks: both get a suffix.
        let same = written.filter { $0.lowercased().contains("same-name") && $0.hasSuffix(".yml") }
        #expect(same.count == 2)
        #expect(same.allSatisfy { $0.range(of: "_[0-9a-f]{8}\\.webtemplate\\.yml$", options: .regularExpression) != nil }, "\(same)")
        #expect(Set(same.map { $0.lowercased() }).count == 2)
        let back = try PortalFolder(catalog: TableCatalog(tables: [])).read(site1)
        #expect(back.snapshot.records["adx_webtemplate"]?.count == names.count)
    }
}

import Foundation
import Testing
import PortalModel
import TestSupport
@testable import PortalFolder

/// Acceptance 1 of issue 7: read each standard-model corpus folder and write it into a new folder;
/// every file must be byte-identical (the environment manifest is the only allowed exception).
@Suite struct FolderRoundTripTests {
    /// Every regular file under `root`, relative, sorted.
    static func files(_ root: URL) -> [String] {
        let base = root.resolvingSymlinksInPath().path
        return
            (FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey])?
            .compactMap { $0 as? URL } ?? [])
            .filter { (try? $0.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true }
            .map { String($0.resolvingSymlinksInPath().path.dropFirst(base.count + 1)) }
            .sorted()
    }

    /// Copies a corpus folder into a fresh temporary directory.
    static func copyOfCorpus(_ name: String) throws -> URL {
        let dir = try TestPaths.temporaryDirectory("pm-folder")
        let dest = dir.appendingPathComponent(name)
        try FileManager.default.copyItem(at: TestPaths.pacFolder(name), to: dest)
        return dest
    }

    /// Compares two trees: (files compared, mismatches as "path: reason").
    static func compare(_ a: URL, _ b: URL, ignoring: (String) -> Bool) -> (Int, [String]) {
        let fa = files(a).filter { !ignoring($0) }, fb = files(b).filter { !ignoring($0) }
        var problems: [String] = []
        for missing in Set(fa).subtracting(fb).sorted() { problems.append("\(missing): not written") }
        for extra in Set(fb).subtracting(fa).sorted() { problems.append("\(extra): written but not in the source") }
        var compared = 0
        for f in Set(fa).intersection(fb).sorted() {
            compared += 1
            let da = FileManager.default.contents(atPath: a.appendingPathComponent(f).path)
            let db = FileManager.default.contents(atPath: b.appendingPathComponent(f).path)
            if da != db { problems.append("\(f): bytes differ") }
        }
        return (compared, problems)
    }

    static func isEnvManifest(_ path: String) -> Bool {
        path.hasPrefix(".portalconfig/") && path.hasSuffix("-manifest.yml")
    }

    /// medical-webfiles-2023 holds stale copies: reading names both files of every duplicated record.
    @Test func staleCopiesAreRefusedNamingBothFiles() throws {
        let copy = try Self.copyOfCorpus("medical-webfiles-2023")
        defer { try? FileManager.default.removeItem(at: copy.deletingLastPathComponent()) }
        do {
            _ = try PortalFolder(catalog: TableCatalog(tables: [])).read(copy)
            Issue.record("reading a folder with stale copies succeeded")
        } catch PortalFolderError.duplicateRecordIDs(let dups) {
            #expect(!dups.isEmpty)
            for d in dups {
                #expect(d.firstFile != d.secondFile)
                #expect(FileManager.default.fileExists(atPath: copy.appendingPathComponent(d.firstFile).path))
                #expect(FileManager.default.fileExists(atPath: copy.appendingPathComponent(d.secondFile).path))
            }
            let text = PortalFolderError.duplicateRecordIDs(dups).description
            #expect(text.contains(dups[0].firstFile) && text.contains(dups[0].secondFile))
        }
    }

    /// Removes the stale copy of every duplicated record: the file in a folder or with a name that
    /// does not carry pac's `_xxxxxxxx` suffix when its twin does, with its content files.
    static func removeStaleCopies(_ root: URL) throws -> [String] {
        var removed: [String] = []
        while true {
            do {
                _ = try PortalFolder(catalog: TableCatalog(tables: [])).read(root)
                return removed
            } catch PortalFolderError.duplicateRecordIDs(let dups) {
                for d in dups {
                    let suffixed = d.firstFile.range(of: "_[0-9a-f]{7,8}[/.]", options: .regularExpression) != nil
                    let stale = suffixed ? d.secondFile : d.firstFile
                    let base = String(stale.dropLast(4)) // drop "yml"
                    let dir = root.appendingPathComponent((stale as NSString).deletingLastPathComponent)
                    for f in (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? [] {
                        let rel = ((stale as NSString).deletingLastPathComponent as NSString).appendingPathComponent(f)
                        if rel == stale || rel.hasPrefix(base + ".") {
                            try FileManager.default.removeItem(at: root.appendingPathComponent(rel))
                            removed.append(rel)
                        }
                    }
                }
            }
        }
    }

    /// The untyped path (an empty catalog: every value kept as text).
    @Test(arguments: TestPaths.standardPacFolders)
    func readThenWriteIsByteIdenticalUntyped(folder: String) throws {
        try roundTrip(folder, PortalFolder(catalog: TableCatalog(tables: [])))
    }

    /// The typed path: values converted by `TableCatalog.standard` and written back by type.
    @Test(arguments: TestPaths.standardPacFolders)
    func readThenWriteIsByteIdenticalTyped(folder: String) throws {
        try roundTrip(folder, PortalFolder())
    }

    func roundTrip(_ folder: String, _ portalFolder: PortalFolder) throws {
        let source = try Self.copyOfCorpus(folder)
        defer { try? FileManager.default.removeItem(at: source.deletingLastPathComponent()) }
        let removed = try Self.removeStaleCopies(source)
        if folder == "medical-webfiles-2023" { #expect(!removed.isEmpty) } else { #expect(removed.isEmpty) }

        let content = try portalFolder.read(source)
        #expect(content.snapshot.recordCount > 50)
        let target = try TestPaths.temporaryDirectory("pm-folder-out")
        defer { try? FileManager.default.removeItem(at: target) }
        let summary = try portalFolder.write(content.snapshot, layout: content.layout, to: target)
        #expect(summary.skipped.isEmpty, "skipped: \(summary.skipped)")

        let foreign = Set(content.layout.foreignFiles)
        let (compared, problems) = Self.compare(source, target) { Self.isEnvManifest($0) || foreign.contains($0) }
        print("\(folder): \(compared) files compared, \(problems.count) mismatches, \(removed.count) stale files removed first")
        #expect(compared > 100)
        #expect(problems.isEmpty, "\(folder): \(problems.count) mismatches: \(problems.prefix(20))")
        // The environment manifests (the allowed exception) are re-emitted from the layout unchanged too.
        let (manifests, manifestProblems) = Self.compare(source, target) { !Self.isEnvManifest($0) }
        #expect(manifests >= 1)
        #expect(manifestProblems.isEmpty, "\(manifestProblems)")
        // The foreign files (azure-pipelines.yml) are not written into the new folder.
        for f in foreign { #expect(!FileManager.default.fileExists(atPath: target.appendingPathComponent(f).path)) }
    }
}

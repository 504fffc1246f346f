import Foundation
import Testing
import PortalModel
import TestSupport
@testable import PortalFolder

/// Issue 9: enhanced-data-model (v2) folders: detection, read → write byte-identical.
@Suite struct EnhancedFolderTests {
    static let v2Folder = "rcsa-enhanced-2025"

    @Test func detectsTheModelOfEveryCorpusFolder() throws {
        #expect(try PortalFolder.detectDataModel(at: TestPaths.pacFolder(Self.v2Folder)) == .enhanced)
        for f in TestPaths.standardPacFolders {
            #expect(try PortalFolder.detectDataModel(at: TestPaths.pacFolder(f)) == .standard, "\(f)")
        }
    }

    @Test func mismatchNamesTheModelFound() throws {
        do {
            _ = try PortalFolder().read(TestPaths.pacFolder(Self.v2Folder), model: .standard)
            Issue.record("reading a v2 folder as standard succeeded")
        } catch let e as DataModelMismatchError {
            #expect(e.found == .enhanced)
            #expect(e.description.contains("enhanced data model (v2)"))
            #expect(e.description.contains("--modelVersion 2"))
        }
        let v1 = try #require(TestPaths.standardPacFolders.first)
        #expect(throws: DataModelMismatchError.self) { try PortalFolder().read(TestPaths.pacFolder(v1), model: .enhanced) }
    }

    @Test func modelVersionArguments() {
        #expect(DataModel(modelVersionArgument: "2") == .enhanced)
        #expect(DataModel(modelVersionArgument: "Enhanced") == .enhanced)
        #expect(DataModel(modelVersionArgument: "1") == .standard)
        #expect(DataModel(modelVersionArgument: "standard") == .standard)
        #expect(DataModel(modelVersionArgument: "3") == nil)
    }

    @Test(arguments: [false, true])
    func readThenWriteIsByteIdentical(typed: Bool) throws {
        let source = try FolderRoundTripTests.copyOfCorpus(Self.v2Folder)
        defer { try? FileManager.default.removeItem(at: source.deletingLastPathComponent()) }
        let folder = typed ? PortalFolder() : PortalFolder(catalog: TableCatalog(tables: []))
        let (content, model) = try folder.read(source, model: nil)
        #expect(model == .enhanced)
        #expect(content.snapshot.recordCount > 50)
        let target = try TestPaths.temporaryDirectory("pm-v2-out")
        defer {
            if ProcessInfo.processInfo.environment["PM_KEEP_V2"] == nil {
                try? FileManager.default.removeItem(at: target)
            } else {
                print("kept \(target.path)")
            }
        }
        let summary = try folder.write(
            content.snapshot, layout: content.layout, to: target,
            options: PortalFolder.writeOptions(for: model))
        #expect(summary.skipped.isEmpty, "skipped: \(summary.skipped)")
        let foreign = Set(content.layout.foreignFiles)
        let (compared, problems) = FolderRoundTripTests.compare(source, target) {
            FolderRoundTripTests.isEnvManifest($0) || foreign.contains($0)
        }
        print("\(Self.v2Folder) typed=\(typed): \(compared) files compared, \(problems.count) mismatches")
        #expect(compared > 100)
        // Anchors and aliases on the empty lists of v2 `lists/*.list.yml` (`&o0 []` … `*o0`,
        // research/pac-yaml-emission.md §5.5) are reproduced too: every file is byte-identical.
        #expect(problems.isEmpty, "\(problems.count) mismatches: \(problems.prefix(20))")
    }
}

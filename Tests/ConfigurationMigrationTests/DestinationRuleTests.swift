import Foundation
import Testing
import TestSupport

@testable import ConfigurationMigration

/// `CMTPackage.checkDestination`: the one destination rule of the files `data export` and
/// `data schema --output` write, checked before anything is generated; only the wording of "give the
/// path of …" depends on the kind of file.
@Suite struct DestinationRuleTests {
    static func message(_ url: URL, overwrite: Bool, fileKind: String? = nil) -> String? {
        do {
            if let fileKind {
                try CMTPackage.checkDestination(url, overwrite: overwrite, fileKind: fileKind)
            } else {
                try CMTPackage.checkDestination(url, overwrite: overwrite)
            }
            return nil
        } catch let e as CMTError {
            #expect(e.kind == .writeFailed && e.file == url.path)
            return e.message
        } catch {
            return "\(error)"
        }
    }

    @Test func existingFilesFoldersAndMissingFoldersAreRefusedInTheKindsWords() throws {
        let dir = try TestPaths.temporaryDirectory("pm-destination")
        defer { try? FileManager.default.removeItem(at: dir) }
        let existing = dir.appendingPathComponent("schema.xml")
        try Data("<entities/>".utf8).write(to: existing)

        #expect(Self.message(dir.appendingPathComponent("new.xml"), overwrite: false, fileKind: "a schema .xml file") == nil)
        #expect(Self.message(existing, overwrite: false, fileKind: "a schema .xml file") == "the file exists (use --overwrite to replace it)")
        #expect(Self.message(existing, overwrite: true, fileKind: "a schema .xml file") == nil)
        #expect(Self.message(dir, overwrite: true, fileKind: "a schema .xml file") == "this is a folder; give the path of a schema .xml file")
        #expect(Self.message(dir, overwrite: true) == "this is a folder; give the path of a .zip file")
        let orphan = dir.appendingPathComponent("missing/out.xml")
        #expect(
            Self.message(orphan, overwrite: false, fileKind: "a schema .xml file")
                == "the folder \(orphan.deletingLastPathComponent().path) does not exist")
        #expect(FileManager.default.fileExists(atPath: existing.path))
    }
}

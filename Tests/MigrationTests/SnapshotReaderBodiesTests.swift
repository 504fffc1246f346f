import Foundation
import LocalEnvironment
@testable import Migration
import PortalModel
import Testing
import TestSupport

/// The reader keeps downloaded note bodies on disk (`BodySpool`), read in groups bounded by size
/// (issue 20: a download of 659 MB of web files held them all in memory).
@Suite("Snapshot reader: note bodies spooled to disk")
struct SnapshotReaderBodiesTests {
    @Test("every web file body read from an environment is a spooled file with the bytes the environment holds")
    func bodiesAreSpooledFiles() async throws {
        let (source, snapshot) = try await MigrationFixtures.sourceEnvironment(seed: 23, records: 200, webFileBytes: 300_000)
        let website = try #require(snapshot.websiteID)
        let read = try await SnapshotReader(service: source).read(websiteID: website)
        let expected = snapshot.bodies.filter { $0.key.logicalName == "annotation" }
        #expect(!expected.isEmpty)
        #expect(Set(read.bodies.keys) == Set(expected.keys))
        let spool = try BodySpool.shared.folder()
        for (key, body) in read.bodies {
            guard case .file(let url) = body else {
                Issue.record("\(key) is held in memory, not spooled")
                continue
            }
            #expect(url.deletingLastPathComponent().path == spool.path)
            #expect(try body.load() == expected[key]?.load(), "\(key)")
        }
        // The notes come without their base64 column.
        #expect(read.records["annotation"]?.allSatisfy { $0["documentbody"] == nil } ?? false)
        #expect(read.records["annotation"]?.count == snapshot.records["annotation"]?.count)
    }

    @Test("note bodies are asked for in groups of at most 4 MiB or 50 notes; a larger body is a group of its own")
    func groupsBoundedBySize() {
        func note(_ size: Int?) -> EntityRecord {
            var r = EntityRecord("annotation", id: UUID())
            if let size { r["filesize"] = .integer(Int32(size)) }
            return r
        }
        let mib = 1024 * 1024
        let notes = [note(3 * mib), note(2 * mib), note(10 * mib), note(nil), note(nil), note(nil), note(nil), note(nil)]
        let groups = SnapshotReader.bodyGroups(notes)
        #expect(groups.map(\.count) == [1, 1, 1, 4, 1])
        #expect(groups.flatMap { $0 } == notes.map(\.id))
        let small = (0..<120).map { _ in note(100) }
        #expect(SnapshotReader.bodyGroups(small).map(\.count) == [50, 50, 20])
    }
}

import Foundation
import Testing
import TestSupport
import PortalModel
@testable import DataverseWebAPI

/// The record cache's log per table (`RecordLog`): what one client keeps another finds at the same
/// version only, forgets are kept, and a damaged, cut or foreign line is never served.
@Suite struct RecordLogTests {
    func folder() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pm-recordlog-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    func item(_ id: UUID, _ version: Int, _ name: String) -> JSONValue {
        .object([
            ("@odata.etag", .string("W/\"\(version)\"")), ("adx_name", .string(name)),
            ("adx_webpageid", .string(id.dataverseString)), ("n", .number("1.50")),
        ])
    }

    /// Entries kept by one cache come back from a fresh one on the same folder (another process) at
    /// their own version only; the last entry about an id wins; a forget is seen by the fresh one.
    @Test func entriesAndForgetsOutliveTheProcess() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = BodyVersionCache(folder: dir)
        let ids = (0..<50).map { _ in UUID() }
        a.remember("adx_webpage", selection: "*", items: ids.map { ($0, item($0, 1, "first \($0)")) })
        a.remember("adx_webpage", selection: "*", items: [(ids[0], item(ids[0], 2, "second"))])
        a.forget("adx_webpage", ids: [ids[1], ids[2]])
        let b = BodyVersionCache(folder: dir)
        #expect(b.record("adx_webpage", id: ids[0], etag: #"W/"2""#, selection: "*") == item(ids[0], 2, "second"))
        #expect(b.record("adx_webpage", id: ids[0], etag: #"W/"1""#, selection: "*") == nil)
        #expect(b.record("adx_webpage", id: ids[1], etag: #"W/"1""#, selection: "*") == nil)
        #expect(b.record("adx_webpage", id: ids[2], etag: #"W/"1""#, selection: "*") == nil)
        for id in ids.dropFirst(3) {
            #expect(b.record("adx_webpage", id: id, etag: #"W/"1""#, selection: "*") == item(id, 1, "first \(id)"))
            #expect(b.record("adx_webpage", id: id, etag: #"W/"1""#, selection: "adx_name") == nil)
        }
        #expect(b.record("adx_webfile", id: ids[5], etag: #"W/"1""#, selection: "*") == nil)
        #expect(a.record("adx_webpage", id: ids[1], etag: #"W/"1""#, selection: "*") == nil)
    }

    /// One byte changed anywhere in an entry's item, or its line cut short, and the entry is not used;
    /// the other entries are, and an entry appended after a cut line is read back whole.
    @Test func damagedOrCutLinesAreNeverServed() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        var rng = SplitMix64(seed: 7)
        let ids = (0..<20).map { _ in UUID() }
        BodyVersionCache(folder: dir).remember("adx_webpage", selection: "*", items: ids.map { ($0, item($0, 3, "page \($0)")) })
        let file = BodyVersionCache(folder: dir).recordLogFile("adx_webpage")
        let original = try Data(contentsOf: file)
        let lines = original.split(separator: 0x0A, omittingEmptySubsequences: false)
        for round in 0..<40 {
            let victim = Int.random(in: 0..<ids.count, using: &rng)
            var damaged = original
            let lineStart = lines[..<victim].reduce(0) { $0 + $1.count + 1 }
            // A byte of the item's JSON (after the fifth tab) or of the version key.
            let line = lines[victim]
            let tabs = line.indices.filter { line[$0] == 0x09 }
            let inJSON = Bool.random(using: &rng)
            let from = inJSON ? tabs[4] + 1 : tabs[1] + 1
            let to = inJSON ? line.endIndex : tabs[2]
            let at = lineStart + (Int.random(in: from..<to, using: &rng) - line.startIndex)
            damaged[at] ^= UInt8(1 << Int.random(in: 0..<7, using: &rng))
            try damaged.write(to: file)
            let c = BodyVersionCache(folder: dir)
            #expect(c.record("adx_webpage", id: ids[victim], etag: #"W/"3""#, selection: "*") == nil, "round \(round), byte \(at)")
            let other = ids[(victim + 1) % ids.count]
            #expect(c.record("adx_webpage", id: other, etag: #"W/"3""#, selection: "*") == item(other, 3, "page \(other)"))
        }
        // The last line cut short: not served; an entry appended afterwards is read whole.
        try original.dropLast(10).write(to: file)
        let cut = BodyVersionCache(folder: dir)
        #expect(cut.record("adx_webpage", id: ids[ids.count - 1], etag: #"W/"3""#, selection: "*") == nil)
        let late = UUID()
        cut.remember("adx_webpage", selection: "*", items: [(late, item(late, 9, "late"))])
        let fresh = BodyVersionCache(folder: dir)
        #expect(fresh.record("adx_webpage", id: late, etag: #"W/"9""#, selection: "*") == item(late, 9, "late"))
        #expect(fresh.record("adx_webpage", id: ids[0], etag: #"W/"3""#, selection: "*") == item(ids[0], 3, "page \(ids[0])"))
    }

    /// Two clients appending to one log at once (as two processes would, each with its own file
    /// description) lose nothing: a third reads every entry of both.
    @Test func twoWritersAtOnce() async throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let writers = [BodyVersionCache(folder: dir), BodyVersionCache(folder: dir)]
        let ids = (0..<400).map { _ in UUID() }
        await withTaskGroup(of: Void.self) { group in
            for (w, writer) in writers.enumerated() {
                group.addTask {
                    for chunk in stride(from: w * 10, to: ids.count, by: 20) {
                        let part = ids[chunk..<min(ids.count, chunk + 10)]
                        writer.remember("adx_webpage", selection: "*", items: part.map { ($0, self.item($0, 4, "x")) })
                    }
                }
            }
        }
        let reader = BodyVersionCache(folder: dir)
        for id in ids { #expect(reader.record("adx_webpage", id: id, etag: #"W/"4""#, selection: "*") == item(id, 4, "x")) }
    }

    /// A log most of whose lines are dead is rewritten with the live entries when opened; they come back
    /// the same, and the file shrinks.
    @Test func aMostlyDeadLogIsRewritten() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let ids = (0..<40).map { _ in UUID() }
        let a = BodyVersionCache(folder: dir)
        for round in 0..<((RecordLog.compactAfterLines / ids.count) + 2) {
            a.remember("adx_webpage", selection: "*", items: ids.map { ($0, item($0, round, "r\(round)")) })
        }
        let file = a.recordLogFile("adx_webpage")
        let before = try Data(contentsOf: file).count
        let last = (RecordLog.compactAfterLines / ids.count) + 1
        let b = BodyVersionCache(folder: dir)
        #expect(b.record("adx_webpage", id: ids[0], etag: "W/\"\(last)\"", selection: "*") == item(ids[0], last, "r\(last)"))
        let after = try Data(contentsOf: file).count
        #expect(after * 10 < before)
        let c = BodyVersionCache(folder: dir)
        for id in ids { #expect(c.record("adx_webpage", id: id, etag: "W/\"\(last)\"", selection: "*") == item(id, last, "r\(last)")) }
    }

    /// A symbolic link where a table's log should be is not followed: nothing is kept or served through it.
    @Test func aLinkInPlaceOfTheLogIsRefused() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let elsewhere = dir.appendingPathComponent("elsewhere.txt")
        try Data("untouched\n".utf8).write(to: elsewhere)
        let c = BodyVersionCache(folder: dir)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("records"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: c.recordLogFile("adx_webpage"), withDestinationURL: elsewhere)
        let id = UUID()
        c.remember("adx_webpage", selection: "*", items: [(id, item(id, 1, "x"))])
        #expect(c.record("adx_webpage", id: id, etag: #"W/"1""#, selection: "*") == nil)
        #expect(try String(contentsOf: elsewhere, encoding: .utf8) == "untouched\n")
        #expect(c.recordLog("../adx_webpage") == nil)
    }
}

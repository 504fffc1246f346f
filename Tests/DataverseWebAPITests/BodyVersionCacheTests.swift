import Foundation
import Testing
import TestSupport
import PortalModel
@testable import DataverseWebAPI

/// The note-body cache gives a body back only at the version it was kept at and with its bytes intact
/// (issue 20: a re-read downloads a body only when its version moved; never a stale or damaged body).
@Suite struct BodyVersionCacheTests {
    func cache() throws -> (BodyVersionCache, URL) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pm-bodycache-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return (BodyVersionCache(folder: dir), dir)
    }

    @Test func bodyComesBackAtItsVersionOnly() throws {
        let (c, dir) = try cache()
        defer { try? FileManager.default.removeItem(at: dir) }
        let id = UUID()
        let body = Data((0..<10_007).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        c.remember(id: id, version: "17", body: body)
        #expect(c.body(id: id, version: "17") == .some(body))
        #expect(c.body(id: id, version: "18") == nil)
        let none = UUID()
        c.remember(id: none, version: "3", body: nil)
        #expect(c.body(id: none, version: "3") == .some(nil))
        c.forget(id)
        #expect(c.body(id: id, version: "17") == nil)
    }

    /// A row version reused after a restore, with another `modifiedon`, is another version: neither the
    /// body nor the record kept before is given back (`versionKey`); the same pair is.
    @Test func aReusedRowVersionWithAnotherModifiedOnIsAnotherVersion() throws {
        let (c, dir) = try cache()
        defer { try? FileManager.default.removeItem(at: dir) }
        let id = UUID()
        let before = BodyVersionCache.versionKey(etag: "W/\"905\"", modifiedOn: "2026-12-07T21:00:01Z")
        let after = BodyVersionCache.versionKey(etag: "W/\"905\"", modifiedOn: "2026-12-07T21:04:40Z")
        #expect(before != after)
        #expect(BodyVersionCache.versionKey(etag: "W/\"905\"", modifiedOn: nil) == "W/\"905\"")
        c.remember(id: id, version: before, body: Data("A".utf8))
        #expect(c.body(id: id, version: before) == .some(Data("A".utf8)))
        #expect(c.body(id: id, version: after) == nil)
        let item: JSONValue = .object([
            ("@odata.etag", .string("W/\"905\"")), ("modifiedon", .string("2026-12-07T21:00:01Z")), ("adx_name", .string("A")),
        ])
        c.remember("adx_webfile", id: id, selection: "*", item: item)
        #expect(c.record("adx_webfile", id: id, etag: before, selection: "*") != nil)
        #expect(c.record("adx_webfile", id: id, etag: after, selection: "*") == nil)
        #expect(c.record("adx_webfile", id: id, etag: "W/\"905\"", selection: "*") == nil)
    }

    /// A kept body whose file was damaged (one byte changed, same size) or cut short is not used.
    @Test func damagedOrTruncatedBodyIsReadAgain() throws {
        let (c, dir) = try cache()
        defer { try? FileManager.default.removeItem(at: dir) }
        var rng = SplitMix64(seed: 20)
        for size in [1, 7, 31, 32, 33, 64, 1000, 65_537] {
            let id = UUID()
            let body = Data((0..<size).map { _ in UInt8.random(in: 0...255, using: &rng) })
            c.remember(id: id, version: "1", body: body)
            let file = dir.appendingPathComponent(id.dataverseString + ".bin")
            var damaged = body
            let at = Int.random(in: 0..<size, using: &rng)
            damaged[at] ^= UInt8(1 << Int.random(in: 0..<8, using: &rng))
            try damaged.write(to: file)
            #expect(c.body(id: id, version: "1") == nil, "size \(size), byte \(at) changed")
            try body.dropLast().write(to: file)
            #expect(c.body(id: id, version: "1") == nil, "size \(size), cut short")
        }
    }

    /// Every single-bit change of a body changes its checksum; so do swapped 8-byte words (lanes are
    /// not simply added).
    @Test func checksumSeesEveryBitAndWordOrder() {
        let body = Data((0..<96).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) })
        let base = BodyVersionCache.bodyChecksum(body)
        #expect(base.hasPrefix("x4-") && base.count == 19)
        var seen: Set<String> = [base]
        for i in 0..<body.count {
            for bit in 0..<8 {
                var d = body
                d[i] ^= UInt8(1 << bit)
                seen.insert(BodyVersionCache.bodyChecksum(d))
            }
        }
        #expect(seen.count == 1 + body.count * 8)
        var swapped = body
        swapped.replaceSubrange(0..<8, with: body[8..<16])
        swapped.replaceSubrange(8..<16, with: body[0..<8])
        #expect(BodyVersionCache.bodyChecksum(swapped) != base)
        #expect(BodyVersionCache.bodyChecksum(Data()) != BodyVersionCache.bodyChecksum(Data([0])))
    }

    /// A kept record comes back only with the same ETag and selection; a log line in another form (an
    /// entry of the earlier layout's kind) is not used.
    @Test func recordComesBackAtItsETagAndSelectionOnly() throws {
        let (c, dir) = try cache()
        defer { try? FileManager.default.removeItem(at: dir) }
        let id = UUID()
        let item = try JSONValue.parse(
            #"{"@odata.etag":"W/\"42\"","adx_name":"Home\nline two – ü","adx_webpageid":"\#(id.dataverseString)","n":1.5}"#)
        c.remember("adx_webpage", id: id, selection: "adx_name,adx_webpageid", item: item)
        #expect(c.record("adx_webpage", id: id, etag: #"W/"42""#, selection: "adx_name,adx_webpageid") == item)
        #expect(c.record("adx_webpage", id: id, etag: #"W/"43""#, selection: "adx_name,adx_webpageid") == nil)
        #expect(c.record("adx_webpage", id: id, etag: #"W/"42""#, selection: "*") == nil)
        #expect(c.record("adx_webpage", id: UUID(), etag: #"W/"42""#, selection: "*") == nil)
        let file = c.recordLogFile("adx_webpage")
        let earlier = "R\t\(id.dataverseString)\t" + #"{"etag":"W/\"42\"","selection":"adx_name,adx_webpageid","item":"{}"}"# + "\n"
        try Data(earlier.utf8).write(to: file)
        #expect(BodyVersionCache(folder: dir).record("adx_webpage", id: id, etag: #"W/"42""#, selection: "adx_name,adx_webpageid") == nil)
        let noTag = try JSONValue.parse(#"{"adx_name":"x"}"#)
        let other = UUID()
        c.remember("adx_webpage", id: other, selection: "*", item: noTag)
        #expect(!(try String(contentsOf: file, encoding: .utf8)).contains(other.dataverseString))
    }
}

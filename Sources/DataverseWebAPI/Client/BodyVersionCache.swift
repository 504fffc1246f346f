import Foundation
import PortalModel
import Synchronization

/// Note bodies (`annotation.documentbody`) this client last read from one environment, by note id and
/// row version (`versionnumber`), so a re-read downloads a body only when its version moved (issue 20:
/// an unchanged re-upload read every web file's body to compare, 72.6 MB at the benchmark's M size).
///
/// Dataverse gives every write of a row a new `versionnumber` (a row version unique in the
/// organization; research/dataverse-webapi.md §3, the ETag `W/"<versionnumber>"`), so a body kept with
/// the version it was read at is the body the environment holds as long as the version is the same.
/// The embedded environment bumps `versionnumber` on every write, body writes included (`WriteSession.save`).
///
/// Layout, under `<data directory>/body-cache/<environment key>/`, the key a hash of the environment
/// URL and its organization id (another environment served at the same URL never shares entries):
/// `<note id>.bin` (the body bytes) and `<note id>.json` (`{"version":"…","size":N,"fnv":"x4-…"}`, the
/// version and a checksum of the bytes, `bodyChecksum`). Both written through a temporary file and
/// renamed (`SafeFileWriter.writeFile`). Records (any portal table, notes without their body) are kept
/// in one log per table, `records/<table>.log` (`RecordLog`).
///
/// Never a lost write: an entry is used only when the version read now equals the entry's version
/// and the bytes' size and checksum match; anything else (no version in the answer, a missing or
/// damaged file, a checksum mismatch) reads the body from the environment. A note this client
/// writes or deletes is forgotten before the write is sent.
public final class BodyVersionCache: Sendable {
    /// The environment's folder.
    public let folder: URL
    /// `folder.path` without a trailing slash.
    let folderPath: String
    /// The record log of each table used so far (`recordLog`).
    private let logs = Mutex<[String: RecordLog]>([:])

    public init(folder: URL) {
        self.folder = folder
        var p = folder.path
        while p.count > 1 && p.hasSuffix("/") { p.removeLast() }
        folderPath = p
    }

    /// The file `name` directly under the folder.
    func file(_ name: String) -> URL { URL(filePath: folderPath + "/" + name, directoryHint: .notDirectory) }

    /// The cache of `environmentURL` (organization `organizationID`) under `dataDirectory`.
    public static func folder(dataDirectory: URL, environmentURL: URL, organizationID: UUID) -> URL {
        let key = fnv1a(Data((environmentURL.absoluteString.lowercased() + "|" + organizationID.dataverseString).utf8))
        return dataDirectory.appendingPathComponent("body-cache", isDirectory: true).appendingPathComponent(key, isDirectory: true)
    }

    struct Entry: Codable { var version: String; var size: Int; var fnv: String }

    /// The body kept for `id` at `version`: `.some(nil)` for a note known to have no body, `nil` when
    /// there is no usable entry (then read it from the environment).
    public func body(id: UUID, version: String) -> Data?? {
        let name = id.dataverseString
        guard let entryData = Self.contents(folderPath + "/" + name + ".json"),
            let entry = try? JSONDecoder().decode(Entry.self, from: entryData), entry.version == version
        else { return nil }
        if entry.size == 0 && entry.fnv == "-" { return .some(nil) }
        guard let data = Self.contents(folderPath + "/" + name + ".bin"),
            data.count == entry.size, Self.bodyChecksum(data) == entry.fnv
        else { return nil }
        return .some(data)
    }

    /// Keeps `body` (nil: the note has none) as the body of `id` at `version`. Failures to write are
    /// ignored (the next read downloads again).
    public func remember(id: UUID, version: String, body: Data?) {
        let name = id.dataverseString
        forget(id)
        let entry: Entry
        if let body {
            do { try SafeFileWriter.writeFile(body, to: file(name + ".bin"), mode: 0o600) } catch { return }
            entry = Entry(version: version, size: body.count, fnv: Self.bodyChecksum(body))
        } else {
            entry = Entry(version: version, size: 0, fnv: "-")
        }
        guard let data = try? JSONEncoder().encode(entry) else { return }
        try? SafeFileWriter.writeFile(data, to: file(name + ".json"), mode: 0o600)
    }

    /// Drops the entry of `id` (before this client writes or deletes the note).
    public func forget(_ id: UUID) {
        // `unlink`, not `FileManager.removeItem`: most notes written have no entry, and Foundation
        // builds an error object for each missing file.
        _ = unlink(folderPath + "/" + id.dataverseString + ".json")
    }

    /// The bytes of the regular file at `path` (a link is not followed), `nil` when it is absent or
    /// cannot be read: a missing entry is the common case, and a link or anything but a regular file
    /// is no entry. A file cut short reads short and fails its checksum.
    static func contents(_ path: String) -> Data? {
        try? FileBytes.read(path, onlyRegularFile: true)
    }

    /// The checksum kept with a body: `x4-` and 64 bits in 16 hex digits, FNV-1a's step applied to
    /// 64-bit words in four interleaved lanes (32 bytes a round), the lanes then folded into one. Byte
    /// by byte FNV-1a was 4-5 % of an upload's CPU (every body read back is remembered here); four lanes
    /// of words do the same work in about a tenth of the time. It detects a damaged or truncated file,
    /// not tampering (the cache is the user's own, mode 0600). Entries written with the earlier
    /// byte-wise checksum (no `x4-`) never match, so their bodies are read again once.
    static func bodyChecksum(_ data: Data) -> String {
        data.withUnsafeBytes { bodyChecksum($0) }
    }

    /// `bodyChecksum` of bytes in memory.
    static func bodyChecksum(_ bytes: UnsafeRawBufferPointer) -> String {
        let prime: UInt64 = 0x0000_0100_0000_01b3
        var lanes: (UInt64, UInt64, UInt64, UInt64) = (0xcbf2_9ce4_8422_2325, 0x8422_2325_cbf2_9ce4, 0x9ce4_8422_2325_cbf2, 0x2325_cbf2_9ce4_8422)
        do {
            let raw = bytes
            var i = 0
            let n = raw.count
            while i + 32 <= n {
                lanes.0 = (lanes.0 ^ UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))) &* prime
                lanes.1 = (lanes.1 ^ UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self))) &* prime
                lanes.2 = (lanes.2 ^ UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i + 16, as: UInt64.self))) &* prime
                lanes.3 = (lanes.3 ^ UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i + 24, as: UInt64.self))) &* prime
                // Fold the high bits down so a word's top bytes reach the low bits of the next round's product.
                lanes.0 ^= lanes.0 >> 29; lanes.1 ^= lanes.1 >> 29; lanes.2 ^= lanes.2 >> 29; lanes.3 ^= lanes.3 >> 29
                i += 32
            }
            while i < n {
                lanes.0 = (lanes.0 ^ UInt64(raw[i])) &* prime
                i += 1
            }
        }
        var h = UInt64(truncatingIfNeeded: bytes.count) ^ 0xcbf2_9ce4_8422_2325
        for lane in [lanes.0, lanes.1, lanes.2, lanes.3] {
            h = (h ^ lane) &* prime
            h ^= h >> 32
        }
        let hex = String(h, radix: 16)
        return "x4-" + String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// FNV-1a 64-bit of `data`, 16 hex digits (the environment folder's key).
    static func fnv1a(_ data: Data) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        data.withUnsafeBytes { raw in
            for b in raw.bindMemory(to: UInt8.self) {
                h ^= UInt64(b)
                h = h &* 0x0000_0100_0000_01b3
            }
        }
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

extension BodyVersionCache {
    /// The log of `table`'s records (`RecordLog`, `records/<table>.log`), `nil` for a name that is not
    /// a plain logical name (letters, digits, `_`), which is never kept.
    func recordLog(_ table: String) -> RecordLog? {
        guard !table.isEmpty,
            table.utf8.allSatisfy({
                $0 == UInt8(ascii: "_") || (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0)
            })
        else { return nil }
        return logs.withLock { logs in
            if let log = logs[table] { return log }
            let log = RecordLog(path: recordLogFile(table).path)
            logs[table] = log
            return log
        }
    }

    /// The file of `table`'s record log.
    func recordLogFile(_ table: String) -> URL {
        URL(filePath: folderPath + "/records/" + table + ".log", directoryHint: .notDirectory)
    }

    /// The record item kept for `id` of `table` at `etag` (a `versionKey`) read with `selection` (sorted
    /// logical names, or `*`), `nil` when none is usable (issue 20: a re-read reads ids and ETags, then
    /// only the records whose version moved).
    public func record(_ table: String, id: UUID, etag: String, selection: String) -> JSONValue? {
        recordLog(table)?.item(id, version: etag, selection: selection)
    }

    /// The version a cache entry is kept at: the row version (ETag) and, when the table has it, the
    /// row's `modifiedon` as the environment wrote it. A row version alone can come back with other
    /// contents: restoring an environment from a backup rewinds its row-version counter, so writes after
    /// the restore reuse versions kept before it (review finding of 2026-12-07). Assumption: Dataverse's
    /// `versionnumber` is SQL rowversion, restored with the database (research notes are silent); a
    /// reused version with the same `modifiedon` to the millisecond is taken as impossible.
    public static func versionKey(etag: String, modifiedOn: String?) -> String {
        guard let modifiedOn, !modifiedOn.isEmpty else { return etag }
        return etag + "|" + modifiedOn
    }

    /// Keeps a record item with its own `@odata.etag` and `modifiedon` (`versionKey`; an item without
    /// an ETag, or an ETag or selection holding a tab or line break, is not kept).
    public func remember(_ table: String, id: UUID, selection: String, item: JSONValue) {
        remember(table, selection: selection, items: [(id, item)])
    }

    /// Keeps record items of `table` read with `selection`, each at its own version key, with one
    /// append to the table's log (items without an `@odata.etag` are not kept).
    public func remember(_ table: String, selection: String, items: [(UUID, JSONValue)]) {
        let entries = items.compactMap { id, item -> (id: UUID, version: String, item: JSONValue)? in
            guard let tag = item["@odata.etag"]?.stringValue else { return nil }
            return (id, Self.versionKey(etag: tag, modifiedOn: item["modifiedon"]?.stringValue), item)
        }
        guard !entries.isEmpty else { return }
        recordLog(table)?.keep(entries, selection: selection)
    }

    /// Drops the record of `id` (before this client writes or deletes it).
    public func forget(_ table: String, _ id: UUID) {
        forget(table, ids: [id])
    }

    /// Drops the records `ids` of `table` (before this client writes or deletes them), with one append.
    public func forget(_ table: String, ids: [UUID]) {
        recordLog(table)?.forget(ids)
    }
}

import Foundation
import PortalFolder
import PortalModel

/// Rewrites a legacy-layout (pac enhanced) folder, written by PortalFolder's writer in a work folder,
/// as the current `.powerpages-site/` layout (research/code-sites-and-admin-api.md §A.1.3):
/// unprefixed keys with `id`, one file per record of the one-record tables, language folders for
/// content pages, snippets and link sets, one folder per web file (lower-cased folder name, research:
/// "download writes lower-cased folders").
///
/// Over an existing current-layout folder every record keeps the path it has there (found by the
/// `id` in its YAML), and the files of records the download no longer holds are removed — record
/// files only, found by id; other files are left alone (pac's `--overwrite`). New records are named
/// `PacNames.sanitize(name)`; a name taken in the same folder gets `_` and 8 upper-case hex digits
/// (current-layout duplicates, research §A.1.3; pac's digits cannot be reproduced, ours are
/// `PacNames.collisionSuffix` of the id).
/// Every write goes through `SafeFileWriter` under the site folder.
public struct LegacyToCurrent {
    let source: URL
    let site: URL
    /// Existing record files by id (relative to the site folder).
    var existing: [UUID: String] = [:]
    /// Relative paths written (sorted at the end), unchanged count, removed files.
    public private(set) var written: [String] = []
    public private(set) var unchanged = 0
    public private(set) var removed: [String] = []
    var taken: Set<String> = []
    var ids: Set<UUID> = []
    let emitter = PacYAMLEmitter(blockBreaks: .v2)

    /// - Parameters:
    ///   - source: the legacy folder (work folder).
    ///   - site: the `.powerpages-site/` folder to write.
    public init(source: URL, site: URL) {
        self.source = source
        self.site = site
    }

    /// Writes the whole folder.
    /// - Throws: `SafeWriteError` for a path that cannot be written safely; `PortalFolderError` for a
    ///   work-folder file that is not YAML (a writer bug).
    public mutating func run() throws {
        indexExisting()
        let reader = CurrentToLegacy(source: source, target: source)
        for rel in try reader.files(under: "") { try convert(rel) }
        for (id, rel) in existing where !ids.contains(id) {
            for file in siblings(of: rel) {
                try SafeFileWriter.remove(file, under: site)
                removed.append(file)
            }
        }
        written.sort()
        removed.sort()
    }

    // MARK: existing folder

    mutating func indexExisting() {
        guard FileManager.default.fileExists(atPath: site.path),
            let walker = try? CurrentToLegacy(source: site, target: site).files(under: "")
        else { return }
        for rel in walker where rel.hasSuffix(".yml") && !rel.hasPrefix("source-files/") && !rel.hasPrefix("server-logic/") && rel != "website.yml" {
            if rel.hasPrefix(".portalconfig/") && !rel.hasSuffix(".portallanguage.yml") { continue }
            guard let text = try? String(contentsOf: site.appendingPathComponent(rel), encoding: .utf8),
                let doc = try? PacYAMLReader.parse(text, file: rel), let id = doc.root["id"]?.text.flatMap({ UUID(uuidString: $0) })
            else { continue }
            existing[id] = rel
        }
    }

    /// The files that belong to a record file: its side files (`<base>.<suffix>.<part>`) and, for a web
    /// file, its body in the same folder.
    func siblings(of rel: String) -> [String] {
        let dir = (rel as NSString).deletingLastPathComponent, name = (rel as NSString).lastPathComponent
        guard name.hasSuffix(".yml") else { return [rel] }
        let base = String(name.dropLast(4)) // <Name>.<suffix>
        let url = dir.isEmpty ? site : site.appendingPathComponent(dir)
        var out = [rel]
        for other in (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? [] where other != name {
            if other.hasPrefix(base + ".") { out.append(dir.isEmpty ? other : dir + "/" + other) }
            if base.hasSuffix(".webfile") && other == String(base.dropLast(".webfile".count)) { out.append(dir + "/" + other) }
        }
        return out
    }

    // MARK: conversion

    func parse(_ rel: String) throws -> YAMLValue {
        let text = try String(contentsOf: source.appendingPathComponent(rel), encoding: .utf8)
        return try PacYAMLReader.parse(text, file: rel).root
    }

    func current(_ value: YAMLValue, table: String) -> YAMLValue {
        guard let pairs = value.pairs else { return value }
        var seen: Set<String> = [], out: [YAMLPair] = []
        for p in pairs {
            let key = CurrentLayoutTables.currentKey(p.key, table: table)
            if seen.insert(key).inserted { out.append(YAMLPair(key, p.value)) }
        }
        return .mapping(YAMLPair.pacSorted(out))
    }

    mutating func put(_ data: Data, _ rel: String) throws {
        if try SafeFileWriter.write(data, to: rel, under: site, skipIfUnchanged: true) { written.append(rel) } else { unchanged += 1 }
    }

    mutating func putRecord(_ value: YAMLValue, table: String, at rel: String) throws {
        try put(Data(emitter.emit(current(value, table: table)).utf8), rel)
    }

    /// The path of a record: its existing one, else `folder/<sanitized name>[_SUFFIX].<suffix>.yml`.
    mutating func path(for value: YAMLValue, table: String, folder: String, suffix: String) -> String {
        let id = value[table + "id"]?.text.flatMap { UUID(uuidString: $0) }
        if let id { ids.insert(id) }
        if let id, let rel = existing[id] { taken.insert(rel.lowercased()); return rel }
        let name = value["adx_name"]?.text ?? value["adx_entityname"]?.text ?? ""
        var base = PacNames.sanitize(name)
        var rel = "\(folder)/\(base).\(suffix).yml"
        if taken.contains(rel.lowercased()) || existingPathTaken(rel), let id {
            base += PacNames.collisionSuffix(id).uppercased()
            rel = "\(folder)/\(base).\(suffix).yml"
        }
        taken.insert(rel.lowercased())
        return rel
    }

    func existingPathTaken(_ rel: String) -> Bool {
        existing.values.contains { $0.lowercased() == rel.lowercased() }
    }

    mutating func convert(_ rel: String) throws {
        let parts = rel.split(separator: "/").map(String.init)
        let name = parts.last!
        if rel == "website.yml" {
            if let id = try parse(rel)["adx_websiteid"]?.text.flatMap({ UUID(uuidString: $0) }) { ids.insert(id) }
            return try putRecord(try parse(rel), table: "adx_website", at: rel)
        }
        if let list = CurrentLayoutTables.lists.first(where: { $0.legacyFile == rel }) {
            for item in try parse(rel).items ?? [] {
                let target = path(for: item, table: list.table, folder: list.folder, suffix: list.suffix)
                try putRecord(item, table: list.table, at: target)
            }
            return
        }
        if parts.first == ".portalconfig" {
            return try put(try FileBytes.read(source.appendingPathComponent(rel)), rel)
        }
        switch parts.first {
        case "page-templates", "table-permissions", "web-templates", "web-pages", "content-snippets":
            let kind = CurrentLayoutTables.recordFolders.first { $0.folder == parts.first }!
            let marker = ".\(kind.suffix)."
            guard let r = name.range(of: marker) ?? (name.hasSuffix(".\(kind.suffix).yml") ? name.range(of: ".\(kind.suffix).yml") : nil) else {
                return try put(try FileBytes.read(source.appendingPathComponent(rel)), rel)
            }
            let stem = String(name[..<r.lowerBound]) // <Name> or <Name>.<lang>
            let rest = String(name[r.lowerBound...]) // .webpage.yml, .webpage.copy.html
            var dir = parts.dropLast().joined(separator: "/")
            var base = stem
            let languageFolder =
                parts.first == "web-pages"
                ? parts.count >= 3 && parts[parts.count - 2] == "content-pages"
                : parts.first == "content-snippets"
            if languageFolder, let dot = stem.lastIndex(of: ".") {
                let lang = String(stem[stem.index(after: dot)...])
                base = String(stem[..<dot])
                dir += "/" + lang
            }
            let legacyYML = parts.dropLast().joined(separator: "/") + "/" + stem + ".\(kind.suffix).yml"
            let id = try parse(legacyYML)[kind.table + "id"]?.text.flatMap { UUID(uuidString: $0) }
            var target = "\(dir)/\(base)\(rest)"
            if let id {
                ids.insert(id)
                if let existingRel = existing[id] {
                    let existingBase = String(existingRel.dropLast(".\(kind.suffix).yml".count))
                    target = existingBase + rest
                }
            }
            if rest == ".\(kind.suffix).yml" {
                try putRecord(try parse(rel), table: kind.table, at: target)
            } else {
                try put(try FileBytes.read(source.appendingPathComponent(rel)), target)
            }
        case "weblink-sets":
            // weblink-sets/<slug>/<Set>.<lang>.weblinkset.yml and <Set>.<lang>.weblinkset.weblink.yml
            guard parts.count == 3 else { return try put(try FileBytes.read(source.appendingPathComponent(rel)), rel) }
            if name.hasSuffix(".weblinkset.yml") {
                let stem = String(name.dropLast(".weblinkset.yml".count))
                let (base, lang) = split(stem)
                let value = try parse(rel)
                var target = "weblink-sets/\(parts[1])/\(lang)/\(base).weblinkset.yml"
                if let id = value["adx_weblinksetid"]?.text.flatMap({ UUID(uuidString: $0) }) {
                    ids.insert(id)
                    if let e = existing[id] { target = e }
                }
                try putRecord(value, table: "adx_weblinkset", at: target)
            } else if name.hasSuffix(".weblinkset.weblink.yml") {
                let stem = String(name.dropLast(".weblinkset.weblink.yml".count))
                let (_, lang) = split(stem)
                for item in try parse(rel).items ?? [] {
                    let target = path(for: item, table: "adx_weblink", folder: "weblink-sets/\(parts[1])/\(lang)", suffix: "weblink")
                    try putRecord(item, table: "adx_weblink", at: target)
                }
            }
        case "web-files":
            guard parts.count == 2, name.hasSuffix(".webfile.yml") else { return }
            let fileName = String(name.dropLast(".webfile.yml".count))
            let value = try parse(rel)
            var folder = "web-files/" + fileName.lowercased()
            var bodyName = value["filename"]?.text ?? fileName
            if let id = value["adx_webfileid"]?.text.flatMap({ UUID(uuidString: $0) }) {
                ids.insert(id)
                if let e = existing[id] {
                    folder = (e as NSString).deletingLastPathComponent
                    bodyName = String((e as NSString).lastPathComponent.dropLast(".webfile.yml".count))
                }
            }
            try putRecord(value, table: "adx_webfile", at: "\(folder)/\(bodyName).webfile.yml")
            let body = source.appendingPathComponent("web-files/" + fileName)
            if FileManager.default.fileExists(atPath: body.path) { try put(try FileBytes.read(body), "\(folder)/\(bodyName)") }
        default:
            try put(try FileBytes.read(source.appendingPathComponent(rel)), rel)
        }
    }

    /// `<Name>.<lang>` → (`<Name>`, `<lang>`).
    func split(_ stem: String) -> (String, String) {
        guard let dot = stem.lastIndex(of: ".") else { return (stem, "") }
        return (String(stem[..<dot]), String(stem[stem.index(after: dot)...]))
    }
}

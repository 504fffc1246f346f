import Foundation
import PortalFolder

/// Rewrites a current-layout `.powerpages-site/` folder as the legacy (pac enhanced) layout in a
/// work folder, so the one enhanced folder reader (`PortalFolder.readEnhanced`) reads both layouts
/// with the same value coding, side files, web file notes and manifests (DESIGN.md "one engine").
///
/// Only YAML keys and paths change (`CurrentLayoutTables`); every value is kept as the text it is.
/// Every file's origin is remembered (`origins`), so a reader error names the user's file.
struct CurrentToLegacy {
    let source: URL
    let target: URL
    /// Legacy relative path → current relative path(s) it came from.
    private(set) var origins: [String: [String]] = [:]
    /// Files the legacy layout has no place for (left out, with the reason), relative to the site folder.
    private(set) var leftOut: [String] = []
    private var lists: [String: [(YAMLValue, String)]] = [:]
    private var usedWebFileNames: Set<String> = []
    let fm = FileManager.default

    init(source: URL, target: URL) {
        self.source = source.standardizedFileURL
        self.target = target
    }

    /// Transcodes the whole folder.
    /// - Throws: `CodeSiteError.badSiteFile` naming a current-layout file that is not YAML or not a
    ///   mapping; file system errors of the work folder.
    mutating func run() throws {
        try fm.createDirectory(at: target, withIntermediateDirectories: true)
        for rel in try files(under: "") {
            try transcode(rel)
        }
        for (file, entries) in lists {
            let sorted = entries.sorted { ($0.0["\(tableOfList(file))id"]?.text ?? "") < ($1.0["\(tableOfList(file))id"]?.text ?? "") }
            try write(file, PacYAMLEmitter(blockBreaks: .v2).emit(.sequence(sorted.map(\.0))))
            origins[file] = sorted.map(\.1)
        }
    }

    private func tableOfList(_ legacyFile: String) -> String {
        if let l = CurrentLayoutTables.lists.first(where: { $0.legacyFile == legacyFile }) { return l.table }
        return "adx_weblink"
    }

    /// Every regular file under `rel` (relative paths, sorted), depth-first without recursion on input depth.
    func files(under rel: String) throws -> [String] {
        try ProjectTree.files(under: source, from: rel, links: .refuse(ServerLogicEntry.linkError))
    }

    private func parse(_ rel: String) throws -> YAMLValue {
        try SiteFileYAML.read(source.appendingPathComponent(rel), rel: rel).root
    }

    private func renamed(_ value: YAMLValue, table: String, rel: String) throws -> YAMLValue {
        guard let pairs = value.pairs else {
            throw CodeSiteError.badSiteFile(
                file: ".powerpages-site/" + rel, line: 1, problem: "expected one record (a YAML mapping of keys to values)")
        }
        var seen: Set<String> = [], out: [YAMLPair] = []
        for p in pairs {
            let key = CurrentLayoutTables.legacyKey(p.key, table: table)
            if seen.insert(key).inserted { out.append(YAMLPair(key, p.value)) }
        }
        return .mapping(YAMLPair.pacSorted(out))
    }

    private func write(_ rel: String, _ text: String) throws {
        let url = target.appendingPathComponent(rel)
        try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    private mutating func copy(_ rel: String, to legacy: String) throws {
        let url = target.appendingPathComponent(legacy)
        try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try fm.copyItem(at: source.appendingPathComponent(rel), to: url)
        origins[legacy] = [rel]
    }

    private mutating func record(_ rel: String, table: String, to legacy: String) throws {
        try write(legacy, PacYAMLEmitter(blockBreaks: .v2).emit(try renamed(parse(rel), table: table, rel: rel)))
        origins[legacy] = [rel]
    }

    private mutating func transcode(_ rel: String) throws {
        let parts = rel.split(separator: "/").map(String.init)
        let name = parts.last!
        if rel == "website.yml" { return try record(rel, table: "adx_website", to: rel) }
        if parts.first == ".portalconfig" {
            if name.hasSuffix(".portallanguage.yml") {
                lists[".portalconfig/portallanguage.yml", default: []].append((try renamed(parse(rel), table: "adx_portallanguage", rel: rel), rel))
            } else {
                try copy(rel, to: rel)
            }
            return
        }
        if let list = CurrentLayoutTables.lists.first(where: { $0.folder == parts.first && parts.count == 2 }),
            name.hasSuffix(".\(list.suffix).yml")
        {
            lists[list.legacyFile, default: []].append((try renamed(parse(rel), table: list.table, rel: rel), rel))
            return
        }
        switch parts.first {
        case "page-templates", "table-permissions", "web-templates":
            let kind = CurrentLayoutTables.recordFolders.first { $0.folder == parts.first }!
            if name.hasSuffix(".\(kind.suffix).yml") { try record(rel, table: kind.table, to: rel) } else { try copy(rel, to: rel) }
        case "web-pages", "content-snippets":
            let table = parts.first == "web-pages" ? "adx_webpage" : "adx_contentsnippet"
            let suffix = parts.first == "web-pages" ? "webpage" : "contentsnippet"
            let legacy = languageFlattened(parts, suffix: suffix, languageFolderIndex: parts.first == "web-pages" ? nil : 2)
            if name.hasSuffix(".\(suffix).yml") || name == "\(suffix).yml" {
                try record(rel, table: table, to: legacy)
            } else {
                try copy(rel, to: legacy)
            }
        case "weblink-sets":
            // weblink-sets/<slug>/<lang>/<Set>.weblinkset.yml and <Link>.weblink.yml
            guard parts.count == 4 else { leftOut.append(rel); return }
            let lang = parts[2]
            if name.hasSuffix(".weblinkset.yml") {
                let base = String(name.dropLast(".weblinkset.yml".count))
                try record(rel, table: "adx_weblinkset", to: "weblink-sets/\(parts[1])/\(base).\(lang).weblinkset.yml")
            } else if name.hasSuffix(".weblink.yml") {
                let folder = source.appendingPathComponent("weblink-sets/\(parts[1])/\(lang)")
                let set = ((try? fm.contentsOfDirectory(atPath: folder.path)) ?? []).sorted().first { $0.hasSuffix(".weblinkset.yml") }
                guard let set else { leftOut.append(rel); return }
                let base = String(set.dropLast(".weblinkset.yml".count))
                let key = "weblink-sets/\(parts[1])/\(base).\(lang).weblinkset.weblink.yml"
                lists[key, default: []].append((try renamed(parse(rel), table: "adx_weblink", rel: rel), rel))
            } else {
                leftOut.append(rel)
            }
        case "web-files":
            guard parts.count == 3 else { leftOut.append(rel); return }
            if name.hasSuffix(".webfile.yml") {
                let fileName = String(name.dropLast(".webfile.yml".count))
                let legacyName = uniqueWebFileName(fileName, folder: parts[1])
                try record(rel, table: "adx_webfile", to: "web-files/\(legacyName).webfile.yml")
                let body = "web-files/\(parts[1])/\(fileName)"
                if fm.fileExists(atPath: source.appendingPathComponent(body).path) { try copy(body, to: "web-files/\(legacyName)") }
            }
        case "source-files", "server-logic":
            return // read by SourceFileEntry and ServerLogicEntry
        default:
            leftOut.append(rel)
        }
    }

    /// `web-pages/<slug>/content-pages/<lang>/<Name>.webpage.X` → `…/content-pages/<Name>.<lang>.webpage.X`;
    /// `content-snippets/<slug>/<lang>/<Name>.contentsnippet.X` → `content-snippets/<slug>/<Name>.<lang>.contentsnippet.X`.
    private func languageFlattened(_ parts: [String], suffix: String, languageFolderIndex: Int?) -> String {
        var parts = parts
        let langIndex: Int
        if let i = languageFolderIndex {
            langIndex = i
        } else if let c = parts.firstIndex(of: "content-pages"), c + 2 < parts.count {
            langIndex = c + 1
        } else {
            return parts.joined(separator: "/")
        }
        guard langIndex < parts.count - 1 else { return parts.joined(separator: "/") }
        let lang = parts.remove(at: langIndex)
        let name = parts.removeLast()
        let marker = ".\(suffix)."
        if let r = name.range(of: marker) {
            parts.append(name[..<r.lowerBound] + ".\(lang)" + marker + name[r.upperBound...])
        } else if name.hasPrefix("\(suffix).") {
            parts.append("\(lang).\(name)")
        } else {
            parts.append(name)
        }
        return parts.joined(separator: "/")
    }

    private mutating func uniqueWebFileName(_ name: String, folder: String) -> String {
        var candidate = name, n = 1
        while !usedWebFileNames.insert(candidate.lowercased()).inserted {
            n += 1
            candidate = PacNames.addSuffix("_\(n)", to: name, beforeExtension: true)
        }
        return candidate
    }
}

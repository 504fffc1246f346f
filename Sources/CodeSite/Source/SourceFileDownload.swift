import Foundation
import PortalFolder
import PortalModel

/// Writes a site's source files as `download-code-site` does (research/code-sites-and-admin-api.md
/// §A.2 "What download-code-site writes", §A.1.5): each row's metadata as
/// `.powerpages-site/source-files/<FileName>.sourcefile.yml` (keys `filename`, `id`, `mimetype`,
/// `name`, `partialurl`) and its bytes at `partialurl` under the project root.
///
/// Over an existing project a row keeps the YAML file that holds its id; a new one is named after its
/// file name, a name already taken getting `_` and 8 upper-case hex digits before the extension (the
/// current layout's duplicates, `index_A4EDC216.ts.sourcefile.yml`; ours are `PacNames.collisionSuffix`
/// of the id). The YAML files of rows gone from the site are removed; project files are never
/// removed. A `partialurl` that would leave the root, go through `.powerpages-site/` or through a link
/// is refused (`SafeFileWriter`).
public enum SourceFileDownload {
    /// What was written.
    public struct Summary: Sendable {
        public var rows = 0
        /// Relative to the project root.
        public var written: [String] = []
        public var unchanged = 0
        public var removed: [String] = []
        /// Rows without bytes (their YAML only is written).
        public var withoutContent: [String] = []
    }

    /// Writes `rows` under `root`.
    /// - Throws: `SafeWriteError` for a path that cannot be written safely; `CodeSiteError.badSiteFile`
    ///   for a row whose `partialurl` points into `.powerpages-site/`.
    public static func write(_ rows: [SourceFileRow], into root: URL) throws -> Summary {
        var summary = Summary()
        let folder = CodeSiteProject.siteFolder(of: root).appendingPathComponent("source-files")
        var existing: [UUID: String] = [:]
        for name in ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
        where name.hasSuffix(".sourcefile.yml") {
            guard let text = try? String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8),
                let doc = try? PacYAMLReader.parse(text, file: name), let id = doc.root["id"]?.text.flatMap({ UUID(uuidString: $0) })
            else { continue }
            existing[id] = name
        }
        var taken = Set(existing.values.map { $0.lowercased() })
        let ids = Set(rows.map(\.id))
        func put(_ data: Data, _ rel: String) throws {
            if try SafeFileWriter.write(data, to: rel, under: root, skipIfUnchanged: true) {
                summary.written.append(rel)
            } else {
                summary.unchanged += 1
            }
        }
        try check(rows, root: root)
        for row in rows {
            summary.rows += 1
            let path = row.partialURL
            var name = existing[row.id]
            if name == nil {
                var candidate = row.fileName + ".sourcefile.yml"
                if taken.contains(candidate.lowercased()) {
                    candidate =
                        PacNames.addSuffix(PacNames.collisionSuffix(row.id).uppercased(), to: row.fileName, beforeExtension: true) + ".sourcefile.yml"
                }
                taken.insert(candidate.lowercased())
                name = candidate
            }
            var pairs = [YAMLPair("id", .scalar(row.id.dataverseString)), YAMLPair("name", .scalar(row.name))]
            for (k, v) in row.metadata where k != "id" && k != "name" { pairs.append(YAMLPair(k, .scalar(v))) }
            let yaml = PacYAMLEmitter(blockBreaks: .v2).emit(.mapping(YAMLPair.pacSorted(pairs)))
            try put(Data(yaml.utf8), ".powerpages-site/source-files/" + name!)
            if let body = row.body { try put(body, path) } else { summary.withoutContent.append(path) }
        }
        for (id, name) in existing where !ids.contains(id) {
            let rel = ".powerpages-site/source-files/" + name
            try SafeFileWriter.remove(rel, under: root)
            summary.removed.append(rel)
        }
        summary.written.sort()
        summary.removed.sort()
        return summary
    }
    /// Checks, without writing, that every row can be written under `root` (called by `write` before its
    /// first write, and by a download before it writes anything).
    /// - Throws: `CodeSiteError.badSiteFile` for a `partialurl` into `.powerpages-site/` or a file name
    ///   that is not one plain name; `SafeWriteError` for a path that leaves the root or goes through a link.
    public static func check(_ rows: [SourceFileRow], root: URL) throws {
        for row in rows {
            let path = row.partialURL
            let first = path.split(separator: "/").first.map(String.init) ?? ""
            if first.lowercased() == ".powerpages-site" {
                throw CodeSiteError.badSiteFile(
                    file: "source file row \(row.id.dataverseString)", line: nil,
                    problem: "its partialurl \(path) points into .powerpages-site/; nothing was written")
            }
            if row.body != nil { try SafeFileWriter.check(path, under: root) }
            // The row's file name names its `.sourcefile.yml` in `source-files/`: one plain name, checked
            // before the first write (a `/` wrote into a subfolder the next download did not find; a `..`
            // was refused only after earlier rows were written; review finding).
            let name = row.fileName
            if name.isEmpty || name.contains("/") || name.contains("\\") || name == "." || name == ".." || name.contains("\u{0}") {
                throw CodeSiteError.badSiteFile(
                    file: "source file row \(row.id.dataverseString)", line: nil,
                    problem: "its file name '\(name)' is not a plain file name (it names the row's .sourcefile.yml); nothing was written")
            }
            try SafeFileWriter.check(".powerpages-site/source-files/" + name + ".sourcefile.yml", under: root)
        }
    }
}

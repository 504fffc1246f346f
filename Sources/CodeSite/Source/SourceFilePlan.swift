import Foundation
import PortalModel

/// The `powerpagessourcefile` table of a code site's source files (research/code-sites-and-admin-api.md
/// §A.1.5 [V-docs] PAD `powerpagessourcefile.md`): one row per project file, the bytes in the
/// `filecontent` File column (at most 131,072 KB), the site in the required lookup `powerpagesiteid`.
public enum SourceFileTable {
    public static let name = "powerpagessourcefile"
    public static let siteLookup = "powerpagesiteid"
    public static let fileColumn = "filecontent"
    /// `filecontent`'s MaxSizeInKB 131072, in bytes (research §A.1.5, §A.3 F4).
    public static let maxBytes = 131_072 * 1024
    /// The columns read and written (the bytes go through the file column).
    public static let columns = ["name", "codetype", "content", siteLookup]

    /// The `codetype` choice of a file (global choice `powerpagessourcefiletype`: 1 Html, 2 Java script,
    /// 3 CSS, 4 TSX, 5 XML, 6 JSON, 7 Yml, 8 Web Template; research §A.1.5 [V-docs]).
    /// Assumption: chosen by extension; other files (`.ts`, `.md`, images) leave it empty, since the
    /// research does not say what pac writes for them.
    public static func codeType(of fileName: String) -> Int? {
        switch (fileName as NSString).pathExtension.lowercased() {
        case "html", "htm": return 1
        case "js", "mjs", "cjs", "jsx": return 2
        case "css": return 3
        case "tsx": return 4
        case "xml": return 5
        case "json": return 6
        case "yml", "yaml": return 7
        default: return nil
        }
    }

    /// The `content` JSON of a row: the file's metadata as `source-files/*.sourcefile.yml` holds it
    /// (`filename`, `mimetype`, `partialurl`; keys sorted).
    /// Assumption: the research describes `content` only as "extra metadata attributes of the file"
    /// (§A.1.5); these are the attributes the folder keeps, so a download writes them back unchanged.
    public static func content(fileName: String, mimeType: String, partialURL: String) -> String {
        JSONValue.object([("filename", .string(fileName)), ("mimetype", .string(mimeType)), ("partialurl", .string(partialURL))]).serialized
    }
}

/// One source file of an upload: the row to write and the bytes of its project file.
public struct SourceFileItem: Sendable, Equatable {
    /// The row id: the id listed in `source-files/`, else the target row with the same `partialurl`,
    /// else a new one.
    public var id: UUID
    /// The project-relative path with `/` (`src/App.tsx`).
    public var partialURL: String
    public var name: String
    public var fileName: String
    public var mimeType: String
    /// The project file's bytes; `nil` when `source-files/` lists a file the project does not hold (its
    /// row is written without content, so the site keeps the entry).
    public var body: Data?

    /// The row (without its bytes) in site `site`.
    public func record(site: UUID) -> EntityRecord {
        var r = EntityRecord(SourceFileTable.name, id: id)
        r["name"] = .string(name)
        r["content"] = .string(SourceFileTable.content(fileName: fileName, mimeType: mimeType, partialURL: partialURL))
        r["codetype"] = SourceFileTable.codeType(of: fileName).map { .choice($0) } ?? .null
        r[SourceFileTable.siteLookup] = .lookup(EntityReference("powerpagesite", site))
        return r
    }
}

/// What uploading a project's source files changes in the target (`includeSource`, research §A.1.5),
/// decided before anything is written.
///
/// The files: every entry of `source-files/` whose path the exclusions do not match, and every file
/// `SourceSelection` selects (`.git/**`, `.github/**`, `node_modules/**`, `.powerpages-site/**`, the
/// build output, the root `.gitignore` and `sourceExcludePatterns` left out). A row is created when the
/// target lacks it, updated when its name or metadata differ, and its bytes uploaded when they differ
/// from the target's. Rows of the site that the project no longer has are listed, never deleted.
public struct SourceFilePlan: Sendable {
    public var site: UUID
    public var items: [SourceFileItem] = []
    /// Rows the target lacks.
    public var creates: [UUID] = []
    /// Rows whose name, metadata or code type differ.
    public var updates: [UUID] = []
    /// Rows whose bytes are uploaded (new rows with a file, and changed bytes).
    public var uploads: [UUID] = []
    /// Listed entries whose path the exclusions now match: `(path, pattern)`; not uploaded.
    public var excluded: [(path: String, pattern: String)] = []
    /// Partial URLs of the site's rows the project does not have (kept in the target).
    public var onlyInTarget: [String] = []
    /// Problems that stop the upload before the first write (a blocked extension, a file over the
    /// size limit), each naming the file and what to do.
    public var problems: [String] = []
    /// Extensions of the files to upload that the target blocks and `--unblock-extensions` allows.
    public var unblock: Set<String> = []

    /// The number of rows that need no write.
    public var unchanged: Int { items.count - Set(creates + updates + uploads).count }

    /// The item of an id.
    public func item(_ id: UUID) -> SourceFileItem? { items.first { $0.id == id } }

    /// Why the project-relative `path` would be read from outside `root`: an absolute path, an empty,
    /// `.` or `..` component, or a component that is a symbolic link; `nil` when it stays inside.
    static func escape(_ path: String, under root: URL) -> String? {
        if path.hasPrefix("/") { return "is an absolute path" }
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        if let bad = parts.first(where: { $0.isEmpty || $0 == "." || $0 == ".." }) {
            return bad.isEmpty ? "has an empty component" : "has a `\(bad)` component (it would leave the project folder)"
        }
        var current = root
        for (i, part) in parts.enumerated() {
            current = current.appendingPathComponent(part)
            if ProjectTree.isSymbolicLink(current) {
                return "goes through the symbolic link \(parts.prefix(i + 1).joined(separator: "/"))"
            }
            if !FileManager.default.fileExists(atPath: current.path) { return nil } // absent: nothing to read
        }
        return nil
    }

    /// Plans the upload of `project`'s source files into `site` of `target`.
    /// - Parameters:
    ///   - unblockExtensions: `--unblock-extensions` (lower case, no dots): a blocked extension in it
    ///     is no problem; the run unblocks it while writing.
    /// - Throws: `CodeSiteError.sourceFiles` when the target has no `powerpagessourcefile` table;
    ///   `DataverseError` from the target; file errors reading a project file.
    public static func make(
        _ project: CodeSiteProject, site: UUID, target: any DataverseService, unblockExtensions: Set<String>
    ) async throws -> SourceFilePlan {
        var plan = SourceFilePlan(site: site)
        let selection = SourceSelection(config: project.config, root: project.root)
        let existing = try await SourceFileRows.read(site: site, in: target)
        let byPath = Dictionary(existing.map { ($0.partialURL.lowercased(), $0) }, uniquingKeysWith: { a, _ in a })
        let byID = Dictionary(existing.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var seen = Set<String>()
        func read(_ path: String) throws -> Data? {
            let url = project.root.appendingPathComponent(path)
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir), !isDir.boolValue else { return nil }
            return try FileBytes.read(url)
        }
        for entry in project.sourceFiles {
            guard seen.insert(entry.partialURL.lowercased()).inserted else { continue }
            if let pattern = selection.patterns.first(where: { SourceSelection.glob($0, matches: entry.partialURL) }) {
                plan.excluded.append((entry.partialURL, pattern))
                continue
            }
            // A listed partialurl comes from a file anyone may have edited: it is read only inside the
            // project and never through a symbolic link (the files the selection finds skip links too),
            // so a hostile entry cannot upload a file from elsewhere on this machine.
            if let escape = Self.escape(entry.partialURL, under: project.root) {
                plan.problems.append(
                    "source file \(entry.partialURL) (.powerpages-site/\(entry.file)): its partialurl \(escape); nothing outside the "
                        + "project is read. Correct the partialurl or remove the .sourcefile.yml file")
                continue
            }
            plan.items.append(
                SourceFileItem(
                    id: entry.id, partialURL: entry.partialURL, name: entry.name, fileName: entry.fileName,
                    mimeType: entry.mimeType ?? "application/octet-stream", body: try read(entry.partialURL)))
        }
        for path in selection.files(under: project.root) where seen.insert(path.lowercased()).inserted {
            let fileName = (path as NSString).lastPathComponent
            // Assumption: pac writes `application/octet-stream` for every source file (all 22 entries of
            // the corpus sample do), so new entries get it too.
            plan.items.append(
                SourceFileItem(
                    id: byPath[path.lowercased()]?.id ?? UUID(), partialURL: path, name: fileName, fileName: fileName,
                    mimeType: "application/octet-stream", body: try read(path)))
        }
        plan.items.sort { $0.partialURL < $1.partialURL }
        let organization = try await target.organizationInfo()
        for item in plan.items {
            let row = byID[item.id]
            if row == nil {
                plan.creates.append(item.id)
            } else if let row, !row.matches(item) {
                plan.updates.append(item.id)
            }
            guard let body = item.body else { continue }
            if row == nil || row?.body != body { plan.uploads.append(item.id) }
            if body.count > SourceFileTable.maxBytes {
                plan.problems.append(
                    "source file \(item.partialURL): \(body.count) bytes, over the \(SourceFileTable.maxBytes)-byte limit of "
                        + "powerpagessourcefile.filecontent; add it to sourceExcludePatterns in powerpages.config.json")
            }
            let ext = (item.fileName as NSString).pathExtension.lowercased()
            if organization.blocks(fileName: item.fileName) {
                if unblockExtensions.contains(ext) {
                    plan.unblock.insert(ext)
                } else {
                    plan.problems.append(
                        "source file \(item.partialURL): the target blocks .\(ext) attachments; pass --unblock-extensions \(ext) "
                            + "or add the file to sourceExcludePatterns in powerpages.config.json")
                }
            }
        }
        let kept = Set(plan.items.map(\.id))
        plan.onlyInTarget = existing.filter { !kept.contains($0.id) }.map(\.partialURL).sorted()
        return plan
    }
}

/// A `powerpagessourcefile` row of the target as read: its id, name, metadata and bytes.
public struct SourceFileRow: Sendable, Equatable {
    public var id: UUID
    public var name: String
    public var codeType: Int?
    /// `content`'s keys (`filename`, `mimetype`, `partialurl`, and any others a row carries), as text.
    public var metadata: [(String, String)]
    public var body: Data?

    public init(id: UUID, name: String, codeType: Int?, metadata: [(String, String)], body: Data?) {
        self.id = id
        self.name = name
        self.codeType = codeType
        self.metadata = metadata
        self.body = body
    }

    public var partialURL: String { metadata.first { $0.0 == "partialurl" }?.1 ?? name }
    public var fileName: String { metadata.first { $0.0 == "filename" }?.1 ?? name }

    /// True when the row already holds `item`'s name, metadata and code type.
    func matches(_ item: SourceFileItem) -> Bool {
        name == item.name && codeType == SourceFileTable.codeType(of: item.fileName)
            && Dictionary(metadata, uniquingKeysWith: { a, _ in a })
                == ["filename": item.fileName, "mimetype": item.mimeType, "partialurl": item.partialURL]
    }

    public static func == (a: SourceFileRow, b: SourceFileRow) -> Bool {
        a.id == b.id && a.name == b.name && a.codeType == b.codeType && a.body == b.body
            && a.metadata.map { $0.0 + "\u{0}" + $0.1 } == b.metadata.map { $0.0 + "\u{0}" + $0.1 }
    }
}

/// Reads a site's source-file rows.
public enum SourceFileRows {
    /// The rows of `site` in `service`, with their bytes, sorted by partial URL. A target without the
    /// `powerpagessourcefile` table has none.
    /// - Throws: `DataverseError` from the environment (other than a missing table).
    public static func read(site: UUID, in service: any DataverseService) async throws -> [SourceFileRow] {
        let records: [EntityRecord]
        do {
            records = try await service.retrieveAll(RecordQuery(SourceFileTable.name, columns: SourceFileTable.columns))
        } catch let e as DataverseError where e.isNotFound {
            return []
        }
        var out: [SourceFileRow] = []
        for r in records where r.lookupID(SourceFileTable.siteLookup) == site {
            var metadata: [(String, String)] = []
            if let text = r.string("content"), let json = try? JSONValue.parse(text), let pairs = json.objectValue {
                for (k, v) in pairs { metadata.append((k, v.stringValue ?? v.serialized)) }
            }
            var codeType: Int?
            if case .choice(let c)? = r.columns["codetype"] { codeType = c }
            let body = try await service.downloadFile(FileBodyKey(SourceFileTable.name, r.id, SourceFileTable.fileColumn))
            out.append(SourceFileRow(id: r.id, name: r.string("name") ?? "", codeType: codeType, metadata: metadata, body: body))
        }
        return out.sorted { ($0.partialURL, $0.id.uuidString) < ($1.partialURL, $1.id.uuidString) }
    }
}

import Foundation
import PortalModel

/// The files of a folder sorted by what pac's layout makes of them (`FolderReader.classify`).
struct FolderFileClasses {
    /// Record YAML files (one record each, or a child list), with their table's layout.
    var recordFiles: [(file: String, layout: PacTableLayout)] = []
    /// Content files (`<base>.<suffix>.<part>`) and the record YAML each belongs next to.
    var sideCandidates: [(file: String, yml: String, part: String)] = []
    /// Web file bytes (`web-files/<name>`) and the YAML they belong to (`<name>.webfile.yml`).
    var binaries: [(file: String, yml: String)] = []
}

/// The steps of `FolderReader.run`, in order.
extension FolderReader {
    /// pac's top-level list files (`weblinksets.yml`…) by path, with their table's layout.
    static let topLists: [String: PacTableLayout] = Dictionary(
        PacFolderFormat.tables.compactMap { t -> (String, PacTableLayout)? in
            if case .topLevelList(let p) = t.kind { return (p, t) }
            return nil
        }, uniquingKeysWith: { a, _ in a })

    /// A file pac's layout puts somewhere that is a directory, a FIFO, a dangling link… would be read as
    /// missing (a page without its copy): each is a problem, named (issue 17).
    mutating func reportNotRegularFiles(_ fileSet: Set<String>) {
        let topLists = Self.topLists
        for (rel, what) in notFiles.sorted(by: { $0.key < $1.key }) where isPacFilePath(rel, files: fileSet, topLists: topLists) {
            if what == "a directory" && rel.hasSuffix(".yml") && !topLists.keys.contains(rel) { continue } // noted in `ignored`
            problems.add(.notARegularFile(file: rel, what: what))
        }
    }

    /// Sorts `files` (but `website.yml`) by what pac's layout makes of them; list files and manifests are
    /// read as they are met, files that are not pac's go to `layout.foreignFiles`.
    mutating func classify(_ files: [String]) -> FolderFileClasses {
        var classes = FolderFileClasses()
        let topLists = Self.topLists
        for rel in files where rel != "website.yml" {
            let name = (rel as NSString).lastPathComponent
            if let t = topLists[rel] {
                collect { try $0.readList(rel, t) }
            } else if rel.hasPrefix(".portalconfig/") && (name == "manifest.yml" || name.hasSuffix("-manifest.yml"))
                && !rel.dropFirst(14).contains("/")
            {
                collect { reader in
                    let doc = try reader.loadYAML(rel)
                    reader.layout.manifests[rel] = try PortalManifest(yaml: doc.root, file: rel)
                    if doc.usesCRLF { reader.layout.crlfFiles.insert(rel) }
                }
            } else if rel.hasPrefix("deployment-profiles/") {
                layout.foreignFiles.append(rel)
            } else if rel.hasPrefix("web-files/") && !rel.dropFirst(10).contains("/") && !name.hasSuffix(".webfile.yml")
                && !name.hasPrefix(".")
            {
                classes.binaries.append((rel, rel + ".webfile.yml"))
            } else if let t = PacFolderFormat.layout(forFileName: name), isRecordFilePath(rel, t) {
                classes.recordFiles.append((rel, t))
            } else if let side = sideFileMatch(rel) {
                classes.sideCandidates.append((rel, side.yml, side.part))
            } else {
                layout.foreignFiles.append(rel)
            }
        }
        return classes
    }

    /// Each web file's bytes by its YAML (yml → bytes file); bytes without their YAML are a problem
    /// (in a v2 download, a file that is not pac's: rcsa-enhanced-2025's bootstrap-5-upgrades.css
    /// outlived its record).
    mutating func attachBodies(_ binaries: [(file: String, yml: String)], fileSet: Set<String>) -> [String: String] {
        var bodies: [String: String] = [:]
        for b in binaries {
            if allowEnhancedModel && !fileSet.contains(b.yml) { layout.foreignFiles.append(b.file); continue }
            guard fileSet.contains(b.yml) else {
                problems.add(.contentFileWithoutYAML(file: b.file, expectedYAML: b.yml))
                continue
            }
            collect { try $0.requireRegularFile(b.file) }
            bodies[b.yml] = b.file
        }
        return bodies
    }

    /// Each record YAML's content files by part (yml → part → file); a content file without its YAML is
    /// a problem (a file that is not pac's in a v2 download).
    mutating func attachSideFiles(_ candidates: [(file: String, yml: String, part: String)], fileSet: Set<String>) -> [String: [String: String]] {
        var sides: [String: [String: String]] = [:]
        for s in candidates {
            if allowEnhancedModel && !fileSet.contains(s.yml) { layout.foreignFiles.append(s.file); continue }
            guard fileSet.contains(s.yml) else {
                problems.add(.contentFileWithoutYAML(file: s.file, expectedYAML: s.yml))
                continue
            }
            sides[s.yml, default: [:]][s.part] = s.file
        }
        return sides
    }

    /// Reads every record YAML with its content files and web file bytes, and sets the layout's
    /// generation: new when a content file is empty or every expected one is present, else old.
    /// - Parameters:
    ///   - filesDone: files already read (for progress, emitted every 64 record files).
    mutating func readRecordFiles(
        _ recordFiles: [(file: String, layout: PacTableLayout)], sides: [String: [String: String]], bodies: [String: String],
        filesDone: Int, filesTotal: Int
    ) {
        var tally = SideFileTally()
        var filesDone = filesDone
        for (n, (rel, t)) in recordFiles.enumerated() {
            filesDone += 1 + (sides[rel]?.count ?? 0) + (bodies[rel] == nil ? 0 : 1)
            if n % 64 == 63 { ProgressSink.emit(.filesRead(done: min(filesDone, filesTotal), total: filesTotal)) }
            switch t.kind {
            case .childList:
                collect { try $0.readList(rel, t) }
            default:
                guard let contents = readSideFiles(of: rel, t, sides: sides[rel] ?? [:], tally: &tally) else { continue }
                collect { try $0.readRecordFile(rel, t, contents: contents, body: bodies[rel]) }
            }
        }
        layout.generation = tally.empty > 0 || (tally.expected > 0 && tally.present == tally.expected) ? .new : .old
    }

    /// Content files expected, present and empty over the folder (they tell pac's generations apart).
    struct SideFileTally {
        var expected = 0, present = 0, empty = 0
    }

    /// The column values of a record YAML's content files (`.null` for a missing or empty one): exactly
    /// each file's text. - Returns: `nil` when one cannot be read (the problem is collected).
    mutating func readSideFiles(
        of rel: String, _ t: PacTableLayout, sides: [String: String], tally: inout SideFileTally
    ) -> [String: FieldValue]? {
        var contents: [String: FieldValue] = [:]
        var readable = true
        for side in t.sideFiles {
            tally.expected += 1
            guard let f = sides[side.part] else {
                contents[side.column] = .null
                continue
            }
            tally.present += 1
            do {
                try requireRegularFile(f)
                let data = try readBytes(f)
                if data.isEmpty { tally.empty += 1 }
                // Exactly the file's text: `String(data:encoding: .utf8)` would drop a leading U+FEFF (red-team F1).
                guard let text = String(validating: data, as: UTF8.self) else { throw PortalFolderError.contentNotUTF8(file: f) }
                contents[side.column] = text.isEmpty ? .null : .string(text)
                layout.sideFiles.insert(f)
            } catch let e as PortalFolderError {
                problems.record(e)
                readable = false
            } catch {
                problems.add(.io(file: f, message: "\(error)"))
                readable = false
            }
        }
        return readable ? contents : nil
    }

    /// Throws what was collected, if anything: duplicate record ids (with which copy the environment
    /// manifests name as current: pac writes a renamed page's new file and leaves the old one), and
    /// every other problem but those that only follow from a path that is not a regular file (its web
    /// file's body or its content files' record "missing"), in one error.
    mutating func throwCollectedProblems() throws {
        if !duplicates.isEmpty {
            for i in duplicates.indices { duplicates[i].manifestNote = PortalManifest.currentCopyNote(duplicates[i], manifests: layout.manifests) }
            problems.add(.duplicateRecordIDs(duplicates.sorted { ($0.firstFile, $0.secondFile) < ($1.firstFile, $1.secondFile) }))
        }
        let notRegular = Set(
            problems.problems.compactMap { p -> String? in
                if case .notARegularFile(let f, _) = p { return f }
                return nil
            })
        problems.removeAll { p in
            switch p {
            case .webFileBodyMissing(_, let expected): return notRegular.contains(expected)
            case .contentFileWithoutYAML(_, let yml): return notRegular.contains(yml)
            default: return false
            }
        }
        if let failure = problems.combined(several: { .several($0, notListed: $1) }) { throw failure }
    }

    /// The records `.portalconfig/manifest.yml` marks deleted (`IsDeleted: true`).
    /// - Throws: `PortalFolderError.missingRecordID` for an entry whose `RecordId` is not a GUID.
    func manifestDeletions() throws -> [ManifestDeletion] {
        var deletions: [ManifestDeletion] = []
        if let m = layout.manifests[".portalconfig/manifest.yml"] {
            for (section, entry) in m.deletedEntries {
                guard let id = UUID(dataverse: entry.recordID) else {
                    throw PortalFolderError.missingRecordID(file: ".portalconfig/manifest.yml", line: nil, key: "RecordId", value: entry.recordID)
                }
                deletions.append(ManifestDeletion(section: section, recordID: id, displayName: entry.displayName))
            }
        }
        return deletions
    }

    /// What was read: the snapshot, the layout, the deletions, the files ignored (not pac's) and the
    /// warnings.
    func content(deletions: [ManifestDeletion]) -> PortalFolderContent {
        var content = PortalFolderContent(snapshot: snapshot, layout: layout, deletions: deletions)
        content.ignored =
            layout.foreignFiles.filter { !$0.hasPrefix("deployment-profiles/") && !$0.hasPrefix(".portalconfig/") }.sorted()
            .map { "\($0): not part of pac's site layout (no record YAML reads it); ignored, not uploaded" }
            + yamlNamedDirectories.sorted().map { "\($0): a directory named like a YAML file; ignored, not uploaded" }
        content.warnings = readWarnings
        return content
    }
}

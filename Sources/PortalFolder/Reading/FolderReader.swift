import Foundation
#if canImport(Glibc)
import Glibc
#endif
import PortalModel

extension PortalFolder {
    /// Reads the site folder at `root` (the folder holding `website.yml`).
    ///
    /// Walks the tree by file suffix, identifies records by the GUID inside each YAML file, attaches
    /// content side files (a missing one means empty), references web-file bytes as
    /// `FileBody.file` under `annotation`/`documentbody`, reads N:N lists into links and keeps
    /// unknown keys. Files that are not pac's are listed in the layout and otherwise ignored.
    ///
    /// - Throws: `PortalFolderError`: `.notASiteFolder`, `.enhancedDataModelFolder`, `.yamlSyntax`
    ///   (file, line), `.duplicateRecordIDs` (every pair of files holding the same record),
    ///   `.valueDoesNotFitColumn` (file, key, value), `.contentFileWithoutYAML`, `.missingRecordID`.
    public func read(_ root: URL) throws -> PortalFolderContent {
        var reader = FolderReader(root: root.standardizedFileURL, coding: PacValueCoding(catalog: catalog))
        return try reader.run()
    }
}

struct FolderReader {
    let root: URL
    /// `root.path` without a trailing slash, so `path(_:)` forms a file's path as text.
    let rootPath: String
    let coding: PacValueCoding
    var snapshot = PortalSnapshot()
    var layout = FolderLayout()
    /// Where each record id was first read: its table, file and line (ids are checked across tables).
    var seen: [UUID: [(table: String, file: String, line: Int?)]] = [:]
    var duplicates: [PortalFolderError.DuplicateRecord] = []
    /// Directories named like a YAML file (`X.webpage.yml/`), found while listing.
    var yamlNamedDirectories: [String] = []
    /// Warnings about input pac would not have written (a web file's note made from its content file,
    /// `noteFromContentFile`; a nested mapping whose values cannot be told).
    var readWarnings: [String] = []
    /// Entries that are not regular files (directories, FIFOs, sockets, devices, dangling links, link
    /// loops), relative path → what they are; one where pac puts a file is an error.
    var notFiles: [String: String] = [:]
    /// Reads enhanced-data-model (v2) folders instead of refusing them (set by `PortalFolder.readEnhanced`).
    var allowEnhancedModel = false
    /// Every problem found so far: the reader goes on to the next file and fails once at the end
    /// (PortalModel's `ProblemCollector`: limit, order, each problem's place), so a folder with five bad
    /// files names all five.
    var problems = ProblemCollector<PortalFolderError>()

    /// Runs `body` on the reader, collecting a `PortalFolderError` it throws instead of stopping.
    mutating func collect(_ body: (inout FolderReader) throws -> Void) {
        do { try body(&self) } catch let e as PortalFolderError { problems.record(e) } catch {
            problems.add(.io(file: root.path, message: "\(error)"))
        }
    }

    init(root: URL, coding: PacValueCoding) {
        self.root = root
        self.coding = coding
        var p = root.path
        while p.hasSuffix("/") { p.removeLast() }
        self.rootPath = p
    }

    func url(_ rel: String) -> URL { root.appendingPathComponent(rel) }

    /// The file system path of `rel` (a relative path inside the folder), formed as text: building a
    /// URL with `appendingPathComponent` and taking its `path` for every file read was 1.5 % of an
    /// upload's CPU (issue 20).
    func path(_ rel: String) -> String { rootPath + "/" + rel }

    /// Refuses a path that is not a regular file (after following a link inside the folder): reading
    /// a FIFO would block, a directory or dangling link would read as missing.
    func requireRegularFile(_ rel: String) throws {
        var info = stat()
        let p = path(rel)
        guard stat(p, &info) == 0 else {
            if lstat(p, &info) == 0 {
                throw PortalFolderError.notARegularFile(file: rel, what: errno == ELOOP ? "a symbolic link loop" : "a dangling symbolic link")
            }
            return // absent: the caller's own error names it
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return
        case S_IFDIR: throw PortalFolderError.notARegularFile(file: rel, what: "a directory")
        case S_IFIFO: throw PortalFolderError.notARegularFile(file: rel, what: "a FIFO (named pipe)")
        case S_IFSOCK: throw PortalFolderError.notARegularFile(file: rel, what: "a socket")
        default: throw PortalFolderError.notARegularFile(file: rel, what: "a device")
        }
    }

    /// The bytes of the file at `rel` (a relative path inside the folder), read by `FileBytes.read`.
    ///
    /// Not `Data(contentsOf:)`: on this toolchain (swift-foundation on Linux) it leaks a 4 KiB buffer
    /// for every empty file it reads, and a pac folder holds an empty content file for most pages and
    /// snippets (42,000 at the benchmark's L size: 172 MB of an upload's peak memory, never freed;
    /// issue 20). A file that shrinks while read gives the bytes it still had.
    /// - Throws: `PortalFolderError.io` naming the file and the system's reason.
    func readBytes(_ rel: String) throws -> Data {
        do { return try FileBytes.read(path(rel)) } catch let failure as FileBytes.Failure {
            throw PortalFolderError.io(file: rel, message: failure.reason)
        }
    }

    func loadYAML(_ rel: String) throws -> PacYAMLReader.Document {
        try requireRegularFile(rel)
        let data = try readBytes(rel)
        guard let text = String(data: data, encoding: .utf8) else {
            throw PortalFolderError.yamlNotUTF8(
                file: rel, line: Self.firstInvalidUTF8(data)?.line,
                offset: Self.firstInvalidUTF8(data)?.offset)
        }
        return try PacYAMLReader.parse(text, file: rel)
    }

    /// The byte offset (0-based) and 1-based line of the first byte sequence of `data` that is not
    /// UTF-8, or `nil` when `data` is valid UTF-8.
    static func firstInvalidUTF8(_ data: Data) -> (offset: Int, line: Int)? {
        let bytes = [UInt8](data)
        var i = 0, line = 1
        while i < bytes.count {
            let b = bytes[i]
            let length: Int
            switch b {
            case 0x00...0x7F: length = 1
            case 0xC2...0xDF: length = 2
            case 0xE0...0xEF: length = 3
            case 0xF0...0xF4: length = 4
            default: return (i, line)
            }
            guard i + length <= bytes.count else { return (i, line) }
            let chunk = Array(bytes[i..<(i + length)])
            if length > 1 && String(bytes: chunk, encoding: .utf8) == nil { return (i, line) }
            if b == 0x0A { line += 1 }
            i += length
        }
        return nil
    }

    /// All regular files under the root, relative, sorted.
    ///
    /// Walks the tree with `opendir`/`readdir` (the file type comes with each entry; `lstat` only when
    /// the file system does not give it) instead of `URL.resourceValues` per file, which was half the
    /// time of reading a large folder (performance only, same result). Symbolic links are not
    /// descended into; a link to a file inside the folder is listed under the path it resolves to, a
    /// link that leaves the folder is refused.
    /// - Throws: `PortalFolderError.io` when the root cannot be listed, `.linkOutsideFolder`.
    mutating func listFiles() throws -> [String] {
        let base = root.resolvingSymlinksInPath().path
        var out: [String] = []
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: base, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw PortalFolderError.io(file: root.path, message: "cannot list the folder")
        }
        // (absolute directory path, path relative to the root, "" for the root)
        var pending: [(String, String)] = [(base, "")]
        while let (dir, rel) = pending.popLast() {
            guard let stream = opendir(dir) else {
                if rel.isEmpty { throw PortalFolderError.io(file: root.path, message: "cannot list the folder") }
                continue
            }
            defer { closedir(stream) }
            while let entry = readdir(stream) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
                }
                if name == "." || name == ".." { continue }
                let path = dir + "/" + name
                let relative = rel.isEmpty ? name : rel + "/" + name
                var type = entry.pointee.d_type
                if type == UInt8(DT_UNKNOWN) {
                    var info = stat()
                    guard lstat(path, &info) == 0 else { continue }
                    switch info.st_mode & S_IFMT {
                    case S_IFDIR: type = UInt8(DT_DIR)
                    case S_IFREG: type = UInt8(DT_REG)
                    case S_IFLNK: type = UInt8(DT_LNK)
                    default: type = UInt8(DT_UNKNOWN)
                    }
                }
                switch type {
                case UInt8(DT_DIR):
                    if name.hasSuffix(".yml") { yamlNamedDirectories.append(relative) } // noted in `ignored`
                    notFiles[relative] = "a directory"
                    pending.append((path, relative))
                case UInt8(DT_REG):
                    out.append(relative)
                case UInt8(DT_LNK):
                    // realpath tells a loop (ELOOP) and a dangling link (ENOENT) from a link outside.
                    guard let real = realpath(path, nil) else {
                        let failure = errno
                        let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) ?? "?"
                        notFiles[relative] =
                            failure == ELOOP
                            ? "a symbolic link loop (\(target) leads back to itself)"
                            : "a symbolic link to \(target), which does not exist"
                        continue
                    }
                    let resolved = String(cString: real)
                    free(real)
                    guard resolved.hasPrefix(base + "/") else { throw PortalFolderError.linkOutsideFolder(file: relative) }
                    var targetIsDirectory: ObjCBool = false
                    guard FileManager.default.fileExists(atPath: resolved, isDirectory: &targetIsDirectory) else { continue }
                    if targetIsDirectory.boolValue { notFiles[relative] = "a symbolic link to a directory"; continue }
                    out.append(String(resolved.dropFirst(base.count + 1)))
                case UInt8(DT_FIFO):
                    notFiles[relative] = "a FIFO (named pipe)"
                case UInt8(DT_SOCK):
                    notFiles[relative] = "a socket"
                case UInt8(DT_CHR), UInt8(DT_BLK):
                    notFiles[relative] = "a device"
                default:
                    continue
                }
            }
        }
        return out.sorted()
    }

    /// Reads the folder, in steps (`FolderReader+Steps.swift`): `listFiles`, `reportNotRegularFiles`,
    /// `readWebsite`, `classify` (list files and manifests read as met), `attachBodies`, `attachSideFiles`,
    /// `readRecordFiles`, `throwCollectedProblems`, `manifestDeletions`, `content`.
    mutating func run() throws -> PortalFolderContent {
        guard FileManager.default.fileExists(atPath: url("website.yml").path) else { throw PortalFolderError.notASiteFolder(path: root.path) }
        if !allowEnhancedModel { try refuseEnhancedModel() }

        ProgressSink.emit(.stage(.readingSource))
        let files = try listFiles()
        let fileSet = Set(files)
        ProgressSink.emit(.filesRead(done: 0, total: files.count))
        reportNotRegularFiles(fileSet)
        // website.yml first: its id is the snapshot's website. Every file's problem is collected and the
        // folder fails once, naming them all (issue 19: a folder with five bad files reports five).
        collect { try $0.readWebsite() }
        let classes = classify(files)
        let bodies = attachBodies(classes.binaries, fileSet: fileSet)
        let sides = attachSideFiles(classes.sideCandidates, fileSet: fileSet)
        // Progress: every file but the record files, their content files and web-file bytes is read by now.
        let done = files.count - classes.recordFiles.count - classes.sideCandidates.count - classes.binaries.count
        readRecordFiles(classes.recordFiles, sides: sides, bodies: bodies, filesDone: done, filesTotal: files.count)
        ProgressSink.emit(.filesRead(done: files.count, total: files.count))
        try throwCollectedProblems()
        return content(deletions: try manifestDeletions())
    }

    /// True when pac's layout puts a file at `rel`: a list file, a manifest, a record YAML, a content
    /// file next to its record YAML, or a web file's bytes next to its YAML.
    func isPacFilePath(_ rel: String, files: Set<String>, topLists: [String: PacTableLayout]) -> Bool {
        let name = (rel as NSString).lastPathComponent
        if rel == "website.yml" || topLists[rel] != nil { return true }
        if rel.hasPrefix(".portalconfig/") && !rel.dropFirst(14).contains("/") && (name == "manifest.yml" || name.hasSuffix("-manifest.yml")) {
            return true
        }
        if rel.hasPrefix("web-files/") && !rel.dropFirst(10).contains("/") {
            return name.hasSuffix(".webfile.yml") || files.contains(rel + ".webfile.yml")
        }
        if let t = PacFolderFormat.layout(forFileName: name), isRecordFilePath(rel, t) { return true }
        if let side = sideFileMatch(rel) { return files.contains(side.yml) }
        return false
    }

    /// True for a scalar or null node.
    func isScalarNode(_ v: YAMLValue) -> Bool {
        switch v {
        case .null, .scalar: return true
        default: return false
        }
    }

    /// "a mapping", "a list", "an anchor" for messages.
    static func shapeName(_ v: YAMLValue) -> String {
        switch v {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .anchoredEmptySequence, .alias: return "an anchored empty list or alias"
        case .null, .scalar: return "a value"
        }
    }

    /// `word` with its indefinite article: "an adx_webpage", "a powerpagecomponent".
    static func indefinite(_ word: String) -> String {
        ("aeiou".contains(word.lowercased().first ?? "x") ? "an " : "a ") + word
    }

    /// Tables whose records may carry the same id: in an enhanced-model (v2) folder a site language
    /// and its portal language share one id (research/pac-portal-format.md §5).
    static func mayShareIDs(_ a: String, _ b: String) -> Bool {
        a != b && Set([a, b]) == ["adx_websitelanguage", "adx_portallanguage"]
    }

    /// True when a record file sits where pac puts that table (flat in its directory, or one folder deeper).
    func isRecordFilePath(_ rel: String, _ t: PacTableLayout) -> Bool {
        let parts = rel.split(separator: "/").map(String.init)
        let table: PacTableLayout
        if case .childList(let parent, _) = t.kind, let p = PacFolderFormat.byTable[parent] { table = p } else { table = t }
        guard case .recordFile(let dir, let perFolder) = table.kind else { return false }
        if table.table == "adx_webformstep" {
            return parts.count == 5 && parts[0] == "advanced-forms" && parts[2] == dir
        }
        if table.table == "adx_webpage" && parts.count == 4 { return parts[0] == dir && parts[2] == "content-pages" }
        return parts.first == dir && parts.count == (perFolder ? 3 : 2)
    }

    /// A content side file: `<base>.<suffix>.<part>` next to `<base>.<suffix>.yml`.
    func sideFileMatch(_ rel: String) -> (yml: String, part: String)? {
        for t in PacFolderFormat.tables {
            for side in t.sideFiles where rel.hasSuffix(".\(t.suffix).\(side.part)") {
                let yml = String(rel.dropLast(side.part.count)) + "yml"
                let name = yml.lastIndex(of: "/").map { String(yml[yml.index(after: $0)...]) } ?? yml
                if let lt = PacFolderFormat.layout(forFileName: name), lt.table == t.table,
                    isRecordFilePath(yml, t)
                {
                    return (yml, side.part)
                }
            }
        }
        return nil
    }

    /// v2 folders are refused (research/pac-portal-format.md §5 "How to tell v2 from v1 on disk"):
    /// refuses a folder holding a sign of the enhanced data model (`PortalFolder.enhancedModelSign`):
    /// detected from what the folder holds, never from what it lacks (issue 16, R06).
    func refuseEnhancedModel() throws {
        if let reason = try PortalFolder.enhancedModelSign(at: root) {
            throw PortalFolderError.enhancedDataModelFolder(path: root.path, reason: reason)
        }
    }

    mutating func readWebsite() throws {
        let rel = "website.yml"
        let doc = try loadYAML(rel)
        guard let pairs = doc.root.pairs else {
            throw PortalFolderError.unexpectedShape(file: rel, line: 1, expected: "a mapping (the website record)")
        }
        if doc.usesCRLF { layout.crlfFiles.insert(rel) }
        let t = PacFolderFormat.byTable["adx_website"]!
        let record = try makeRecord(pairs, t, file: rel, line: 1, contents: [:], keyLines: doc.keyLines)
        snapshot.websiteID = record.id
    }

    mutating func readList(_ rel: String, _ t: PacTableLayout) throws {
        let doc = try loadYAML(rel)
        if doc.usesCRLF { layout.crlfFiles.insert(rel) }
        guard let items = doc.root.items else {
            throw PortalFolderError.unexpectedShape(file: rel, line: 1, expected: "a list of \(t.table) records")
        }
        for (i, item) in items.enumerated() {
            let line = i < doc.itemLines.count ? doc.itemLines[i] : nil
            guard let pairs = item.pairs else {
                throw PortalFolderError.unexpectedShape(file: rel, line: line, expected: "\(FolderReader.indefinite(t.table)) record (a mapping)")
            }
            try makeRecord(pairs, t, file: rel, line: line, contents: [:], keyLines: i < doc.itemKeyLines.count ? doc.itemKeyLines[i] : [:])
        }
    }

    mutating func readRecordFile(_ rel: String, _ t: PacTableLayout, contents: [String: FieldValue], body: String?) throws {
        let doc = try loadYAML(rel)
        if doc.usesCRLF { layout.crlfFiles.insert(rel) }
        guard let pairs = doc.root.pairs else {
            throw PortalFolderError.unexpectedShape(file: rel, line: 1, expected: "\(FolderReader.indefinite(t.table)) record (a mapping)")
        }
        guard t.table == "adx_webfile" else {
            try makeRecord(pairs, t, file: rel, line: 1, contents: contents, keyLines: doc.keyLines)
            return
        }
        // A web file merged with its newest note (research/pac-portal-format.md §1.3).
        let notePairs = pairs.filter { PacFolderFormat.annotationColumns.contains($0.key) }
        let filePairs = pairs.filter { !PacFolderFormat.annotationColumns.contains($0.key) }
        let webFile = try makeRecord(
            filePairs, t, file: rel, line: 1, contents: [:], allKeys: pairs.map(\.key), contentFile: body,
            keyLines: doc.keyLines)
        if notePairs.isEmpty {
            if let b = body { try noteFromContentFile(rel, webFile: webFile, body: b) }
            return
        }
        let note = PacTableLayout("annotation", suffix: "webfile", .recordFile(directory: "web-files", perRecordFolder: false))
        let annotation = try makeRecord(notePairs, note, file: rel, line: 1, contents: [:], contentFile: body, keyLines: doc.keyLines)
        _ = webFile
        guard let b = body else {
            throw PortalFolderError.webFileBodyMissing(file: rel, expectedFile: String(rel.dropLast(".webfile.yml".count)))
        }
        snapshot.bodies[FileBodyKey("annotation", annotation.id, "documentbody")] = .file(url(b))
    }

    /// A list or mapping under a key that is neither a column nor an N:N relationship the catalog knows
    /// (`adx_x:` then `- []`): pac writes such a `content` value without its values (each leaf `[]`,
    /// research/pac-yaml-emission.md §5.5), so there is nothing to upload; it stays in the folder for a
    /// writer over it, and a warning names it (issue 16: nothing left out silently). The target keeps
    /// its own value. Returns the warning.
    static func keptInFolder(_ pair: YAMLPair, file: String, line: Int?) -> String {
        "\(file):\(line.map(String.init) ?? "1"): \(pair.key) is \(shapeName(pair.value)) pac writes "
            + "without its values; kept in this folder, not uploaded (the target keeps its own)"
    }

    /// Builds one record from its YAML pairs, registers it (checking duplicates), its links and placement.
    @discardableResult
    mutating func makeRecord(
        _ pairs: [YAMLPair], _ t: PacTableLayout, file: String, line: Int?,
        contents: [String: FieldValue], allKeys: [String]? = nil,
        contentFile: String? = nil, keyLines: [String: Int] = [:]
    ) throws -> EntityRecord {
        let recordLine = line
        guard let idPair = pairs.first(where: { $0.key == t.idColumn }) else {
            throw PortalFolderError.missingRecordID(file: file, line: line, key: t.idColumn, value: nil)
        }
        guard let idText = idPair.value.text, let id = UUID(dataverse: idText) else {
            throw PortalFolderError.missingRecordID(
                file: file, line: keyLines[t.idColumn] ?? line, key: t.idColumn,
                value: idPair.value.text ?? "")
        }
        var record = EntityRecord(t.table, id: id)
        var extras: [YAMLPair] = []
        var linkLists: [(String, [YAMLValue])] = []
        let typeCode = pairs.first { $0.key == "objecttypecode" }?.value.text
        if id == UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)) {
            throw PortalFolderError.unexpectedShape(
                file: file, line: keyLines[t.idColumn] ?? line,
                expected: "a record id in \(t.idColumn), not the all-zero GUID \(idText) (no record has it; Dataverse would give the record a new id)"
            )
        }
        for pair in pairs where pair.key != t.idColumn {
            // Errors about one key name the key's own line (the record's line when unknown).
            let line = keyLines[pair.key] ?? recordLine
            // A mapping or list where the catalog has a single-value column would be dropped silently.
            if !isScalarNode(pair.value), relationship(pair.key, table: t.table) == nil,
                let col = coding.column(t.table, pair.key), col.type != .multiChoice
            {
                throw PortalFolderError.unexpectedShape(
                    file: file, line: line,
                    expected: "one value for \(pair.key) (a \(col.type.rawValue) column), not \(FolderReader.shapeName(pair.value))")
            }
            switch pair.value {
            case .sequence(let items):
                if relationship(pair.key, table: t.table) != nil {
                    linkLists.append((pair.key, items))
                } else if coding.isMultiChoice(table: t.table, column: pair.key, items: items) {
                    var values: [Int] = []
                    for item in items {
                        guard let v = item.text.flatMap({ Int($0) }) else {
                            throw PortalFolderError.valueDoesNotFitColumn(
                                file: file, line: line, key: pair.key,
                                value: item.text ?? "", type: AttributeType.multiChoice.rawValue)
                        }
                        values.append(v)
                    }
                    record.columns[pair.key] = .multiChoice(values)
                } else {
                    extras.append(pair)
                    readWarnings.append(FolderReader.keptInFolder(pair, file: file, line: line))
                }
            case .mapping, .anchoredEmptySequence, .alias:
                if EnhancedComponentMapping.nestedContentColumns.contains(pair.key) {
                    // v2 `adx_settingsDetails`: the object goes to `content` (issue 16, R03).
                    if let v = NestedContentValue.columnValue(pair.value, siblings: pairs) { record.columns[pair.key] = v; continue }
                    readWarnings.append(
                        "\(file):\(line.map(String.init) ?? "1"): \(pair.key) has anchors its record's own keys do not explain; "
                            + "kept in this folder, not uploaded")
                    extras.append(pair)
                    continue
                }
                extras.append(pair)
                readWarnings.append(FolderReader.keptInFolder(pair, file: file, line: line))
            case .null, .scalar:
                do {
                    record.columns[pair.key] = try coding.decode(pair.value, table: t.table, column: pair.key, siblingTable: typeCode)
                } catch let e as FieldValueError {
                    throw PortalFolderError.valueDoesNotFitColumn(
                        file: file, line: line, key: pair.key,
                        value: pair.value.text ?? "", type: e.type.rawValue)
                }
            }
        }
        for (k, v) in contents { record.columns[k] = v }
        // Child records omit the website lookup; the catalog says whether the table has it.
        if t.table != "adx_website", record.columns["adx_websiteid"] == nil, let site = snapshot.websiteID,
            coding.column(t.table, "adx_websiteid") != nil
        {
            record.columns["adx_websiteid"] = .lookup(EntityReference("adx_website", site))
        }
        let key = RecordKey(t.table, id)
        if let first = seen[id]?.first(where: { !FolderReader.mayShareIDs($0.table, t.table) }) {
            // One id in two places (one table or two): two items of one list file are told apart by their lines.
            let sameFile = first.file == file
            var duplicate = PortalFolderError.DuplicateRecord(
                table: first.table, id: id,
                firstFile: sameFile ? first.file + (first.line.map { ":\($0)" } ?? "") : first.file,
                secondFile: sameFile ? file + (line.map { ":\($0)" } ?? "") : file,
                secondTable: first.table == t.table ? nil : t.table)
            duplicate.firstName = snapshot.record(first.table, id).flatMap { r in
                PacFolderFormat.byTable[first.table].flatMap { r.columns[$0.nameColumn]?.text }
            }
            duplicate.secondName = record.columns[t.nameColumn]?.text
            duplicates.append(duplicate)
            return record
        }
        seen[id, default: []].append((t.table, file, line))
        for (name, items) in linkLists {
            guard let rel = relationship(name, table: t.table) else { continue }
            for item in items {
                guard let text = item.text, let other = UUID(dataverse: text) else {
                    throw PortalFolderError.valueDoesNotFitColumn(
                        file: file, line: keyLines[name] ?? line, key: name, value: item.text ?? "",
                        type: "N:N relationship GUID list")
                }
                let mine = EntityReference(t.table, id), theirs = EntityReference(rel.other, other)
                snapshot.link(name, rel.ownerIsFirst ? ManyToManyLink(mine, theirs) : ManyToManyLink(theirs, mine))
            }
        }
        snapshot.add(record)
        layout.placements[key] = RecordPlacement(
            file: file, keys: allKeys ?? pairs.map(\.key), extras: extras,
            contentFile: contentFile)
        return record
    }

    /// The N:N relationship named `name` as written on records of `table`: the other side's table and
    /// whether `table` is the catalog's entity-1 side (the first of a `ManyToManyLink`).
    func relationship(_ name: String, table: String) -> (other: String, ownerIsFirst: Bool)? {
        PortalFolder.relationship(name, table: table, catalog: coding.catalog)
    }
}

extension PortalFolder {
    static func relationship(_ name: String, table: String, catalog: TableCatalog) -> (other: String, ownerIsFirst: Bool)? {
        if let r = catalog.relationship(name) {
            if r.entity1 == table { return (r.entity2, true) }
            if r.entity2 == table { return (r.entity1, false) }
        }
        if let f = PacFolderFormat.relationships.first(where: { $0.name == name && $0.owner == table }) {
            return (f.related, true)
        }
        return nil
    }
}

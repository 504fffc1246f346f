import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import PortalModel
import ZIPFoundation

/// A Configuration Migration Tool data package: `data.xml` (records, N:N links, notes), `data_schema.xml`
/// (a copy of the schema used for the export) and `[Content_Types].xml`, in a zip (`data.zip`) or a
/// folder (research/cmt-format.md §3).
public struct CMTPackage: Sendable {
    /// The schema read from `data_schema.xml`.
    public var schema: CMTSchema
    /// The exact bytes of `data_schema.xml` when read from a package or given by the caller; written
    /// back verbatim (CMT copies the schema file it was given). `nil` writes `schema.xmlData()`.
    public var schemaData: Data?
    /// The records, links and bodies.
    public var snapshot: PortalSnapshot
    /// The `data.xml` root `timestamp` text; `nil` for none.
    public var timestamp: String?
    /// Things skipped while reading.
    public var warnings: [String]

    public init(schema: CMTSchema, schemaData: Data? = nil, snapshot: PortalSnapshot, timestamp: String? = nil, warnings: [String] = []) {
        self.schema = schema
        self.schemaData = schemaData
        self.snapshot = snapshot
        self.timestamp = timestamp
        self.warnings = warnings
    }

    /// The 191 bytes of `[Content_Types].xml` every CMT version writes: UTF-8 with BOM, one line, with an
    /// XML declaration (research/cmt-format.md §3, [V-file] 2017–2024).
    public static let contentTypesXML: Data =
        Data([0xEF, 0xBB, 0xBF])
        + Data(
            ("<?xml version=\"1.0\" encoding=\"utf-8\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
                + "<Default Extension=\"xml\" ContentType=\"application/octet-stream\" /></Types>").utf8)

    /// Limits applied while reading a zip; declared sizes in the zip are not trusted (they are counted
    /// as the bytes come out).
    public struct ReadLimits: Sendable {
        /// The most bytes one entry may decompress to (default 1 GiB).
        public var maximumEntryBytes: Int
        /// The most entries the zip may hold (default 1,000).
        public var maximumEntries: Int
        /// The most bytes an entry may decompress to per byte it takes in the zip, once it is past
        /// `ratioFloorBytes` (default 200). Real CMT files compress 6 to 25 times (research corpus:
        /// css-portal-2020, typed-2025); a zip bomb compresses about 1,000 times (300 MB of spaces in a
        /// 315 KB zip).
        public var maximumRatio: Int
        /// Entries that decompress to no more than this many bytes are not held to `maximumRatio`
        /// (default 16 MiB).
        public var ratioFloorBytes: Int
        public init(
            maximumEntryBytes: Int = 1 << 30, maximumEntries: Int = 1000, maximumRatio: Int = 200,
            ratioFloorBytes: Int = 16 << 20
        ) {
            self.maximumEntryBytes = maximumEntryBytes
            self.maximumEntries = maximumEntries
            self.maximumRatio = maximumRatio
            self.ratioFloorBytes = ratioFloorBytes
        }
    }

    /// Reads a package from a zip file or a folder holding `data.xml` and `data_schema.xml`.
    /// - Parameters:
    ///   - url: `data.zip` or a folder.
    ///   - limits: zip safety limits.
    /// - Throws: `CMTError.unsafeInput` for a zip entry with `..`, an absolute path, a link, over the
    ///   size or ratio limit, whose CRC does not match its bytes, or named twice; `CMTError.missingFile` when `data.xml` or `data_schema.xml` is absent; the schema and
    ///   data readers' `CMTError`s; `CMTError.malformedXML` when the file is neither a folder nor a zip.
    public init(contentsOf url: URL, limits: ReadLimits = ReadLimits()) throws {
        ProgressSink.emit(.stage(.readingSource))
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw CMTError(.missingFile, "no such file or folder", file: url.path)
        }
        // data.xml is read from a file, never whole into memory (issue 20: at the benchmark's L size it
        // holds 900 MB of base64 bodies): a folder's own file, or the zip's entry spooled to disk.
        let files: [String: Data]
        var dataFile: URL?
        var spooledDataFile: URL?
        defer { if let spooledDataFile { try? FileManager.default.removeItem(at: spooledDataFile) } }
        if isDirectory.boolValue {
            var found: [String: Data] = [:]
            for name in ["data.xml", "data_schema.xml"] {
                let f = url.appendingPathComponent(name)
                guard FileManager.default.fileExists(atPath: f.path) else { continue }
                if let reason = FileReadProblem.problem(f) {
                    throw CMTError(.missingFile, reason, file: "\(url.lastPathComponent)/\(name)")
                }
                if name == "data.xml" {
                    dataFile = f
                    continue
                }
                do { found[name] = try FileReadProblem.read(f, what: name) } catch let e as FileReadError {
                    throw CMTError(.missingFile, e.reason, file: "\(url.lastPathComponent)/\(name)")
                }
            }
            files = found
        } else {
            (files, spooledDataFile) = try CMTPackage.readZip(url, limits: limits)
            dataFile = spooledDataFile
        }
        let label = url.lastPathComponent
        guard let schemaBytes = files["data_schema.xml"] else {
            throw CMTError(.missingFile, "the package has no data_schema.xml", file: label)
        }
        guard let dataFile else {
            throw CMTError(.missingFile, "the package has no data.xml", file: label)
        }
        let schema = try CMTSchema(data: schemaBytes, file: "\(label)/data_schema.xml")
        let data = try CMTDataFile(contentsOf: dataFile, schema: schema, file: "\(label)/data.xml")
        self.init(
            schema: schema, schemaData: schemaBytes, snapshot: data.snapshot, timestamp: data.timestamp,
            warnings: data.warnings)
    }

    /// Reads the root entries of a zip that a package needs, checking every entry: its path, its type,
    /// that no name appears twice, the bytes it decompresses to (`ReadLimits`) and its CRC-32.
    /// - Returns: `data_schema.xml` by name in `files`; `data.xml` decompressed into a file of the
    ///   process's body spool (`dataFile`, the caller removes it), never held in memory.
    /// - Throws: `CMTError.unsafeInput` naming the zip and the entry; `CMTError.malformedXML` when the
    ///   file is not a zip; `CMTError.writeFailed` when `data.xml` cannot be written to the spool.
    static func readZip(_ url: URL, limits: ReadLimits) throws -> (files: [String: Data], dataFile: URL?) {
        let zip = url.lastPathComponent
        let archive: Archive
        do {
            archive = try Archive(url: url, accessMode: .read)
        } catch {
            throw CMTError(
                .malformedXML,
                "this is neither a folder nor a readable zip file; give the data.zip the Configuration "
                    + "Migration Tool wrote, or a folder holding data.xml and data_schema.xml", file: zip)
        }
        var result: [String: Data] = [:]
        var dataFile: URL?
        // A damaged or refused zip leaves no spooled data.xml behind.
        var finished = false
        defer { if !finished, let dataFile { try? FileManager.default.removeItem(at: dataFile) } }
        var seen = Set<String>()
        var count = 0
        let unzipHint = "if the package is genuine, unzip it and give the folder to --data (a folder is not held to zip limits)"
        for entry in archive {
            count += 1
            if count > limits.maximumEntries {
                throw CMTError(
                    .unsafeInput,
                    "the zip holds more than \(limits.maximumEntries) entries (a CMT package holds 3); "
                        + "the package is refused", file: zip)
            }
            let path = entry.path
            // A NUL or other control character in a name: readers cut the name there or not, so
            // 'data.xml\0x' could pass for data.xml with one and not with another (red team F9).
            if let bad = path.unicodeScalars.first(where: { $0.value < 0x20 || $0.value == 0x7F }) {
                let shown = path.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "\\u{\(String($0.value, radix: 16))}" : String($0) }
                throw CMTError(
                    .unsafeInput,
                    "zip entry '\(shown.joined())' has an invalid name: it holds the control character "
                        + "U+\(String(format: "%04X", bad.value)); the package is refused", file: zip)
            }
            try checkEntryPath(path, zip: zip)
            // Two entries of one name: readers disagree on which wins (the last did, silently).
            guard seen.insert(path.lowercased()).inserted else {
                throw CMTError(
                    .unsafeInput,
                    "the zip holds two entries named '\(path)'; a CMT package holds one of each, so it is "
                        + "not clear which to import; rebuild the zip with one '\(path)'", file: zip)
            }
            if entry.type == .symlink {
                throw CMTError(.unsafeInput, "zip entry '\(path)' is a symbolic link", file: zip)
            }
            // macOS Finder's "Compress" adds its metadata (resource forks under __MACOSX/, .DS_Store):
            // no package data, left out as every zip tool on other systems does.
            if Self.isFinderMetadata(path) { continue }
            // A CMT package holds three root entries and nothing else (research/cmt-format.md §3): an
            // 'x/data.xml' or any other entry was skipped silently before (red team F9).
            guard entry.type == .file, packageEntries.contains(path) else {
                throw CMTError(
                    .unsafeInput,
                    "the zip holds \(entry.type == .directory ? "a folder" : "an entry") '\(path)' that a CMT "
                        + "package does not have (it holds data.xml, data_schema.xml and [Content_Types].xml at its root, "
                        + "nothing else); it is not clear what was meant, so the package is refused: rebuild the zip with "
                        + "only those three files", file: zip)
            }
            let packed = max(Int(clamping: entry.compressedSize), 1)
            var data = Data()
            var written = 0
            var crc: CRC32 = 0
            // data.xml goes to the spool as it comes out; the others are small and kept.
            let toFile = path == "data.xml"
            func check(_ chunk: Data, _ count: inout Int) throws {
                count += chunk.count
                if count > limits.maximumEntryBytes {
                    throw CMTError(
                        .unsafeInput,
                        "zip entry '\(path)' decompresses to more than \(limits.maximumEntryBytes) bytes, "
                            + "the most one entry may; \(unzipHint)", file: zip)
                }
                if count > limits.ratioFloorBytes, count / packed > limits.maximumRatio {
                    throw CMTError(
                        .unsafeInput,
                        "zip entry '\(path)' decompresses to more than \(limits.maximumRatio) times the "
                            + "\(packed) bytes it takes in the zip (already \(count) bytes); a CMT file never "
                            + "compresses that well, so this looks like a zip bomb and is refused; \(unzipHint)", file: zip)
                }
            }
            do {
                if toFile {
                    let body = try BodySpool.shared.keep { append in
                        crc = try archive.extract(entry, skipCRC32: false) { chunk in
                            try check(chunk, &written)
                            try append(chunk)
                        }
                    }
                    if case .file(let f) = body { dataFile = f }
                } else {
                    crc = try archive.extract(entry, skipCRC32: false) { chunk in
                        try check(chunk, &written)
                        data.append(chunk)
                    }
                }
            } catch let e as CMTError {
                throw e
            } catch let e as SafeWriteError {
                throw CMTError(.writeFailed, "data.xml cannot be unpacked to disk for reading (\(e.description))", file: zip)
            } catch {
                throw CMTError(
                    .unsafeInput,
                    "zip entry '\(path)' cannot be decompressed (\(ZipMessages.describe(error))); the zip is "
                        + "damaged: export the package again", file: zip)
            }
            guard crc == entry.checksum else {
                throw CMTError(
                    .unsafeInput,
                    "zip entry '\(path)' is damaged: its bytes do not match the CRC-32 the zip records for it "
                        + "(\(String(entry.checksum, radix: 16)) recorded, \(String(crc, radix: 16)) read); export the package "
                        + "again", file: zip)
            }
            // Every entry's CRC is checked ([Content_Types].xml too), only the two files the reader uses are kept.
            if path != "[Content_Types].xml" && !toFile { result[path] = data }
        }
        finished = true
        return (result, dataFile)
    }

    /// True for the metadata macOS Finder's "Compress" adds to a zip (`__MACOSX/…` resource forks and
    /// `.DS_Store` files): a package re-zipped on a Mac is read without them.
    static func isFinderMetadata(_ path: String) -> Bool {
        path == "__MACOSX/" || path.hasPrefix("__MACOSX/") || path == ".DS_Store" || path.hasSuffix("/.DS_Store")
    }

    /// The root entries a CMT package zip holds (research/cmt-format.md §3).
    static let packageEntries: Set<String> = ["data.xml", "data_schema.xml", "[Content_Types].xml"]

    /// Refuses entry paths that could leave the extraction folder: absolute paths, drive letters, `..`
    /// components (with either slash).
    static func checkEntryPath(_ path: String, zip: String) throws {
        let normalized = path.replacingOccurrences(of: "\\", with: "/")
        let components = normalized.split(separator: "/", omittingEmptySubsequences: false)
        let drive = normalized.count >= 2 && normalized[normalized.index(after: normalized.startIndex)] == ":"
        if normalized.hasPrefix("/") || drive || components.contains("..") {
            throw CMTError(.unsafeInput, "zip entry '\(path)' has an absolute path or '..'; the package is refused", file: zip)
        }
    }

    /// The `data.xml` text of this package (`CMTDataFile.xmlText`).
    public func dataXMLText() throws -> String {
        try CMTDataFile.xmlText(snapshot: snapshot, schema: schema, timestamp: timestamp)
    }

    /// Writes the package as a zip with CMT's three root entries in CMT's order: `data.xml`,
    /// `data_schema.xml`, `[Content_Types].xml`, deflated (research/cmt-format.md §3).
    ///
    /// The zip is written to a hidden temporary file beside `url` and renamed over it only when complete,
    /// so a failed write leaves no partial zip and `overwrite` keeps the old file until the new one exists.
    /// - Parameters:
    ///   - url: the zip to create.
    ///   - overwrite: replace an existing file; otherwise an existing file is an error.
    /// - Throws: `CMTError.writeFailed` (`checkDestination`), or when the zip cannot be written.
    public func writeZip(to url: URL, overwrite: Bool = false) throws {
        try CMTPackage.checkDestination(url, overwrite: overwrite)
        // data.xml is written to a file of the body spool first and zipped from there, never held whole
        // (issue 20); the other two entries are small.
        let dataFile: URL
        do {
            guard
                case .file(let f) = try BodySpool.shared.keep({ append in
                    try CMTDataFile.writeXML(snapshot: snapshot, schema: schema, timestamp: timestamp) { try append(Data($0.utf8)) }
                })
            else { throw CMTError(.writeFailed, "data.xml cannot be written", file: url.path) }
            dataFile = f
        } catch let e as CMTError {
            throw e
        } catch {
            throw CMTError(.writeFailed, "data.xml cannot be written before zipping (\(CMTPackage.plainReason(error)))", file: url.path)
        }
        defer { try? FileManager.default.removeItem(at: dataFile) }
        let small: [(String, Data)] = [("data_schema.xml", schemaData ?? schema.xmlData()), ("[Content_Types].xml", CMTPackage.contentTypesXML)]
        let date = (timestamp.flatMap { DateTimeValue(iso8601: $0) }?.date) ?? Date()
        // A short temporary name: one derived from the zip's name went over 255 bytes for a long valid name (red team F6).
        let temp = url.deletingLastPathComponent().appendingPathComponent(".pm-\(UUID().uuidString.prefix(8).lowercased()).partial")
        do {
            let archive = try Archive(url: temp, accessMode: .create)
            let handle = try FileHandle(forReadingFrom: dataFile)
            defer { try? handle.close() }
            let dataSize = try handle.seekToEnd()
            try archive.addEntry(
                with: "data.xml", type: .file, uncompressedSize: Int64(dataSize), modificationDate: date, compressionMethod: .deflate
            ) { position, size in
                try handle.seek(toOffset: UInt64(position))
                return try handle.read(upToCount: size) ?? Data()
            }
            for (name, bytes) in small {
                try archive.addEntry(
                    with: name, type: .file, uncompressedSize: Int64(bytes.count), modificationDate: date,
                    compressionMethod: .deflate
                ) { position, size in
                    bytes.subdata(in: Int(position)..<min(bytes.count, Int(position) + size))
                }
            }
        } catch {
            try? FileManager.default.removeItem(at: temp)
            throw CMTError(.writeFailed, "the zip cannot be written (\(CMTPackage.plainReason(error)))", file: url.path)
        }
        if rename(temp.path, url.path) != 0 {
            let code = errno
            try? FileManager.default.removeItem(at: temp)
            throw CMTError(.writeFailed, "the zip cannot be moved into place (\(String(cString: strerror(code))))", file: url.path)
        }
    }

    /// Checks, before anything is exported or generated, that a file can be written at `url`: it is no
    /// link, its folder exists and may be written to, it is not a folder itself, its name fits, and it does
    /// not exist unless `overwrite`. The one destination rule of the CMT files the tool writes: the package
    /// zip (`data export`) and the schema (`data schema --output`).
    /// - Parameters:
    ///   - fileKind: what the user should give instead of a folder, e.g. `a .zip file` (the default) or
    ///     `a schema .xml file`; only the wording depends on it.
    /// - Throws: `CMTError.writeFailed` naming the path and the reason.
    public static func checkDestination(_ url: URL, overwrite: Bool, fileKind: String = "a .zip file") throws {
        // A link at the path (dangling or not) is refused, named for what it is (issue 17, SafeFileWriter).
        do { try SafeFileWriter.checkFile(url) } catch let e as SafeWriteError {
            if case .directory = e.reason {} else { throw CMTError(.writeFailed, e.description, file: url.path) }
        }
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: url.path, isDirectory: &isDirectory) {
            if isDirectory.boolValue { throw CMTError(.writeFailed, "this is a folder; give the path of \(fileKind)", file: url.path) }
            guard overwrite else { throw CMTError(.writeFailed, "the file exists (use --overwrite to replace it)", file: url.path) }
        }
        let folder = url.deletingLastPathComponent()
        guard fm.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CMTError(.writeFailed, "the folder \(folder.path) does not exist", file: url.path)
        }
        let nameBytes = url.lastPathComponent.utf8.count
        if nameBytes > 255 {
            throw CMTError(
                .writeFailed,
                "the file name is \(nameBytes) bytes long; a file name may be at most 255 bytes: give a "
                    + "shorter name", file: url.path)
        }
        if access(folder.path, W_OK | X_OK) != 0 {
            throw CMTError(
                .writeFailed,
                "the folder \(folder.path) cannot be written to (\(String(cString: strerror(errno)))); "
                    + "give a folder you may write to", file: url.path)
        }
    }

    /// Plain words for a file-system or zip error: Foundation's description shows
    /// `NSCocoaErrorDomain Code=514 … NSPOSIXErrorDomain Code=36`, which says nothing to a reader (red team F6).
    static func plainReason(_ error: Error) -> String {
        if let e = error as? CMTError { return e.message }
        if let e = error as? SafeWriteError { return e.description }
        var ns = error as NSError
        while ns.domain != NSPOSIXErrorDomain, let under = ns.userInfo[NSUnderlyingErrorKey] as? NSError { ns = under }
        if ns.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(ns.code))) }
        if ns.domain == NSCocoaErrorDomain {
            switch ns.code {
            case NSFileWriteOutOfSpaceError: return "the disk is full"
            case NSFileWriteNoPermissionError, NSFileReadNoPermissionError: return "permission denied"
            case NSFileWriteInvalidFileNameError: return "the file name is not valid here (too long or not allowed)"
            case NSFileNoSuchFileError, NSFileReadNoSuchFileError: return "no such file or folder"
            case NSFileWriteVolumeReadOnlyError: return "the disk is read-only"
            default: return "the file system refused the write"
            }
        }
        let text = ZipMessages.describe(error)
        return text.contains("Domain") ? "the file system refused the write" : text
    }

    /// Writes the three files into a folder (created when missing), replacing files of the same names.
    /// - Throws: `CMTError.writeFailed` when the folder or a file cannot be written.
    public func writeFolder(to url: URL) throws {
        let entries = try self.entries()
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
            for (name, bytes) in entries { try SafeFileWriter.write(bytes, to: name, under: url) }
        } catch {
            throw CMTError(.writeFailed, "the package folder cannot be written (\(CMTPackage.plainReason(error)))", file: url.path)
        }
    }

    /// The three files in CMT's order.
    func entries() throws -> [(String, Data)] {
        [
            ("data.xml", Data(try dataXMLText().utf8)),
            ("data_schema.xml", schemaData ?? schema.xmlData()),
            ("[Content_Types].xml", CMTPackage.contentTypesXML),
        ]
    }
}

import Foundation
import PortalModel

/// A problem with a site folder, named precisely (file, line, record, column); never guessed around.
///
/// Every case carries paths relative to the site folder (the one holding `website.yml`).
public enum PortalFolderError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The folder has no `website.yml` (pac's own message, research/pac-portal-format.md §1.1).
    case notASiteFolder(path: String)
    /// The folder is an enhanced-data-model (v2) download (research/pac-portal-format.md §5), which
    /// this reader does not handle yet.
    case enhancedDataModelFolder(path: String, reason: String)
    /// A YAML syntax error at a 1-based line (and column) of a file.
    case yamlSyntax(file: String, line: Int?, column: Int?, problem: String)
    /// A YAML file whose shape is not what pac writes there (e.g. a list file holding a mapping).
    case unexpectedShape(file: String, line: Int?, expected: String)
    /// A record without its primary-id key, or with an id that is not a GUID.
    case missingRecordID(file: String, line: Int?, key: String, value: String?)
    /// The same record (table and id) in two files: stale copies from an earlier download.
    case duplicateRecordIDs([DuplicateRecord])
    /// A value that does not fit its column's type.
    case valueDoesNotFitColumn(file: String, line: Int?, key: String, value: String, type: String)
    /// A content file (`.copy.html`, …, or a web file's bytes) whose record YAML is missing.
    case contentFileWithoutYAML(file: String, expectedYAML: String)
    /// A content file that is not valid UTF-8.
    case contentNotUTF8(file: String)
    /// A YAML file that is not valid UTF-8 (pac writes UTF-8): the 1-based line and 0-based byte
    /// offset of the first byte that is not.
    case yamlNotUTF8(file: String, line: Int?, offset: Int?)
    /// A web file YAML that carries its note (`annotationid`, `filename`, …) but whose bytes are not
    /// next to it: uploading it would store a note without its body.
    case webFileBodyMissing(file: String, expectedFile: String)
    /// A symbolic link inside the site folder that points outside it; nothing outside `--path` is read.
    case linkOutsideFolder(file: String)
    /// A file could not be read or written.
    case io(file: String, message: String)
    /// Paths the writer refused before (or instead of) writing: symbolic links, names too long, a
    /// directory where a file belongs (`SafeFileWriter`); nothing is written through them.
    case refusedWrites([SafeWriteError])
    /// A file the reader needs (a record YAML, a content file, a web file's bytes) that is not a
    /// regular file: a directory, a FIFO, a device, a dangling symbolic link or a link loop.
    case notARegularFile(file: String, what: String)
    /// `download` without `--overwrite` into a folder that already has content (pac's rule,
    /// research/pac-portal-format.md §6).
    case folderNotEmpty(path: String)
    /// The snapshot has no website record to name the site folder after.
    case noWebsite
    /// Several problems of one folder, each a case above, in the order found (the reader reads every file
    /// before failing, through PortalModel's `ProblemCollector`); never nested, never fewer than two.
    /// `notListed` counts the problems found beyond the collector's limit (200), which are not listed.
    case several([PortalFolderError], notListed: Int = 0)

    /// One duplicated record id: its table, id and the two files holding it. `secondTable` is set when
    /// the second file holds the id as a record of another table (two different records would merge
    /// into one in the target: Dataverse ids are unique per environment in practice, and the enhanced
    /// model stores most tables as one `powerpagecomponent` table).
    public struct DuplicateRecord: Equatable, Sendable, CustomStringConvertible {
        public var table: String
        public var id: UUID
        public var firstFile: String
        public var secondFile: String
        /// The second file's table when it differs from `table`; `nil` for the same table.
        public var secondTable: String?

        public init(table: String, id: UUID, firstFile: String, secondFile: String, secondTable: String? = nil) {
            self.table = table
            self.id = id
            self.firstFile = firstFile
            self.secondFile = secondFile
            self.secondTable = secondTable
        }

        /// The record's name in each file (its name column), when it has one: compared with the
        /// `.portalconfig` manifests' `DisplayName` to tell the current copy (`manifestNote`).
        public var firstName: String?
        public var secondName: String?
        /// Which copy the `.portalconfig` environment manifests name as current, as a sentence
        /// (`PortalManifest.currentCopyNote`); `nil` when no manifest names the id.
        public var manifestNote: String?

        public var description: String {
            let note = manifestNote.map { "; \($0)" } ?? ""
            if let same = withinOneFileDescription { return same + note }
            if let other = secondTable {
                return "\(id.dataverseString) is both \(table) in \(firstFile) and \(other) in \(secondFile) (two records cannot share an id)\(note)"
            }
            return "\(table) \(id.dataverseString) is in both \(firstFile) and \(secondFile)\(note)"
        }
    }

    /// The file the error names (relative to the site folder; for a duplicate, the first file of the
    /// first pair), or `nil` when it names a folder or none.
    public var file: String? {
        switch self {
        case .yamlSyntax(let f, _, _, _), .unexpectedShape(let f, _, _), .missingRecordID(let f, _, _, _),
            .valueDoesNotFitColumn(let f, _, _, _, _), .contentFileWithoutYAML(let f, _), .contentNotUTF8(let f),
            .yamlNotUTF8(let f, _, _), .webFileBodyMissing(let f, _), .linkOutsideFolder(let f), .io(let f, _),
            .notARegularFile(let f, _):
            return f
        case .refusedWrites(let errors):
            return errors.first?.path
        case .several(let errors, _):
            return errors.first?.file
        case .duplicateRecordIDs(let dups):
            return dups.first.map { String($0.firstFile.split(separator: ":").first ?? "") }
        case .notASiteFolder, .enhancedDataModelFolder, .folderNotEmpty, .noWebsite:
            return nil
        }
    }

    /// The 1-based line the error names, when known.
    public var line: Int? {
        switch self {
        case .yamlSyntax(_, let l, _, _), .unexpectedShape(_, let l, _), .missingRecordID(_, let l, _, _),
            .valueDoesNotFitColumn(_, let l, _, _, _), .yamlNotUTF8(_, let l, _):
            return l
        case .several(let errors, _):
            return errors.first?.line
        default:
            return nil
        }
    }

    public var description: String {
        switch self {
        case .notASiteFolder(let path):
            return
                "\(path): the folder given with --path doesn't contain Power Pages website data (no website.yml); give the directory which contains website.yml"
                + Self.siteSubfolderHint(path)
        case .enhancedDataModelFolder(let path, let reason):
            return
                "\(path) is an enhanced data model (--modelVersion 2) site folder (\(reason)); only standard data model folders are supported so far"
        case .yamlSyntax(let file, let line, let column, let problem):
            return "\(file)\(line.map { ":\($0)" } ?? "")\(column.map { ":\($0)" } ?? ""): YAML syntax error: \(problem)"
        case .unexpectedShape(let file, let line, let expected):
            return "\(file)\(line.map { ":\($0)" } ?? ""): expected \(expected)"
        case .missingRecordID(let file, let line, let key, let value):
            if let v = value {
                return "\(file)\(line.map { ":\($0)" } ?? ""): \(key) '\(v)' is not a GUID"
            }
            return "\(file)\(line.map { ":\($0)" } ?? ""): the record has no \(key)"
        case .duplicateRecordIDs(let dups):
            let where_ = dups.allSatisfy { $0.withinOneFile != nil } ? "twice in one file" : "in two places"
            return "the same record id is \(where_) (stale copies, or an id copied by hand); remove or fix one of each pair:\n"
                + dups.map { "  " + $0.description }.joined(separator: "\n")
        case .valueDoesNotFitColumn(let file, let line, let key, let value, let type):
            return "\(file)\(line.map { ":\($0)" } ?? ""): \(key): '\(value)' is not a valid \(type) value"
        case .contentFileWithoutYAML(let file, let expected):
            return "\(file): content file without its record YAML (expected \(expected))"
        case .contentNotUTF8(let file):
            return "\(file): content file is not valid UTF-8"
        case .yamlNotUTF8(let file, let line, let offset):
            return "\(file)\(line.map { ":\($0)" } ?? ""): the YAML file is not valid UTF-8"
                + (offset.map { " (byte offset \($0))" } ?? "") + "; save it as UTF-8 (as pac writes it)"
        case .webFileBodyMissing(let file, let expected):
            return "\(file): the web file's content file \(expected) is missing; restore it (or remove the YAML) before uploading"
        case .linkOutsideFolder(let file):
            return "\(file): a symbolic link pointing outside the site folder; only files inside the folder are read"
        case .io(let file, let message):
            return "\(file): \(message)"
        case .refusedWrites(let errors):
            let shown = errors.prefix(20).map { "  " + $0.description }
            let more = errors.count > 20 ? ["  … and \(errors.count - 20) more"] : []
            return "nothing was written: \(errors.count) path(s) cannot be written safely:\n" + (shown + more).joined(separator: "\n")
        case .notARegularFile(let file, let what):
            return "\(file) is \(what), not a regular file; replace it with the file (or remove it) and run again"
        case .folderNotEmpty(let path):
            return "\(path) already has content; pass --overwrite to write into it"
        case .noWebsite:
            return "the snapshot has no adx_website record to name the site folder after"
        case .several(let errors, let notListed):
            return "\(errors.count + notListed) problems in the site folder; nothing was read or written (fix them and run again):\n"
                + errors.map { "  " + $0.description.replacingOccurrences(of: "\n", with: "\n  ") }.joined(separator: "\n")
                + (notListed > 0 ? "\n  … and \(notListed) more; fix these and run again to see them" : "")
        }
    }
}

extension PortalFolderError {
    /// " (did you mean --path ROOT/SUB?)" when `path` is a download root: a folder whose subfolders
    /// (one or more) hold `website.yml` (issue 24: every failure ends with what to do next).
    static func siteSubfolderHint(_ path: String) -> String {
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: path) else { return "" }
        let sites = names.sorted().filter { fm.fileExists(atPath: (path as NSString).appendingPathComponent($0) + "/website.yml") }
        guard !sites.isEmpty else { return "" }
        let base = path.hasSuffix("/") ? String(path.dropLast()) : path
        return " (did you mean " + sites.map { "--path \(base)/\($0)" }.joined(separator: " or ") + "?)"
    }
}

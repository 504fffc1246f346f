import Foundation
import PortalModel

extension PortalFolderError {
    /// The one error for the problems a read collected: `nil` for none, the problem itself for one (its
    /// message unchanged), `.several` for more (in the order found, nested `.several` flattened, at most
    /// `ProblemCollector.defaultLimit` listed and the rest counted).
    public static func collected(_ problems: [PortalFolderError]) -> PortalFolderError? {
        var collector = ProblemCollector<PortalFolderError>()
        problems.forEach { collector.record($0) }
        return collector.combined { .several($0, notListed: $1) }
    }

    /// Every problem as a `Diagnostic` (severity error, `check` as below, file and line when the problem
    /// names them): the shape `check --path` and `--json` report folder problems in.
    public var diagnostics: [Diagnostic] {
        switch self {
        case .several(let errors, let notListed):
            return errors.flatMap(\.diagnostics) + Diagnostic.notListed(notListed, check: .folderProblemsNotListed)
        case .duplicateRecordIDs(let pairs):
            return pairs.map { d in
                Diagnostic(
                    check: .folderDuplicateRecord, message: d.description, table: d.table, recordID: d.id,
                    file: String(d.firstFile.split(separator: ":").first ?? ""),
                    fix: "remove or fix one of the two copies (an earlier download's stale copy, or an id copied by hand)")
            }
        default:
            var fileColumn: Int?
            var column: String?
            switch self {
            case .yamlSyntax(_, _, let c, _): fileColumn = c
            case .missingRecordID(_, _, let key, _), .valueDoesNotFitColumn(_, _, let key, _, _): column = key
            default: break
            }
            // The message without the place it starts with (`FILE:LINE:COL: `): the diagnostic names the
            // place itself, so `check` prints it once.
            var d = Diagnostic(check: check, message: description, column: column, file: file, line: line, fileColumn: fileColumn)
            if let place = d.place, description.hasPrefix(place + ": ") { d.message = String(description.dropFirst(place.count + 2)) }
            return [d]
        }
    }

    /// The check a problem of this case is reported as: `folder-` and the case's name in kebab-case
    /// (`folder-yaml-syntax`, `folder-value-does-not-fit-column`, …).
    public var check: DiagnosticCheck {
        switch self {
        case .notASiteFolder: .folderNotASiteFolder
        case .enhancedDataModelFolder: .folderEnhancedDataModelFolder
        case .yamlSyntax: .folderYAMLSyntax
        case .unexpectedShape: .folderUnexpectedShape
        case .missingRecordID: .folderMissingRecordID
        case .duplicateRecordIDs: .folderDuplicateRecord
        case .valueDoesNotFitColumn: .folderValueDoesNotFitColumn
        case .contentFileWithoutYAML: .folderContentFileWithoutYAML
        case .contentNotUTF8: .folderContentNotUTF8
        case .yamlNotUTF8: .folderYAMLNotUTF8
        case .webFileBodyMissing: .folderWebFileBodyMissing
        case .linkOutsideFolder: .folderLinkOutsideFolder
        case .io: .folderIO
        case .refusedWrites: .folderRefusedWrites
        case .notARegularFile: .folderNotARegularFile
        case .folderNotEmpty: .folderFolderNotEmpty
        case .noWebsite: .folderNoWebsite
        case .several: .folderProblemsNotListed
        }
    }
}

extension ProblemCollector where Problem == PortalFolderError {
    /// Keeps `problem`, or each problem of a `.several` (and counts the ones it did not list), so the
    /// folder's problems are never nested.
    public mutating func record(_ problem: PortalFolderError) {
        if case .several(let inner, let notListed) = problem {
            add(contentsOf: inner, notListed: notListed)
        } else {
            add(problem)
        }
    }
}

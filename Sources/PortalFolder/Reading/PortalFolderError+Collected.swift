import Foundation
import PortalModel

extension PortalFolderError {
    /// The one error for the problems a read collected: `nil` for none, the problem itself for one (its
    /// message unchanged), `.several` for more (in the order found, nested `.several` flattened).
    public static func collected(_ problems: [PortalFolderError]) -> PortalFolderError? {
        let flat = problems.flatMap { p -> [PortalFolderError] in
            if case .several(let inner) = p { return inner }
            return [p]
        }
        switch flat.count {
        case 0: return nil
        case 1: return flat[0]
        default: return .several(flat)
        }
    }

    /// Every problem as a `Diagnostic` (severity error, check `folder-<kind>`, file and line when the
    /// problem names them): the shape `check --path` and `--json` report folder problems in.
    public var diagnostics: [Diagnostic] {
        switch self {
        case .several(let errors):
            return errors.flatMap(\.diagnostics)
        case .duplicateRecordIDs(let pairs):
            return pairs.map { d in
                Diagnostic(
                    check: "folder-duplicate-record", message: d.description, table: d.table, recordID: d.id,
                    file: String(d.firstFile.split(separator: ":").first ?? ""),
                    fix: "remove or fix one of the two copies (an earlier download's stale copy, or an id copied by hand)")
            }
        default:
            var column: Int?
            if case .yamlSyntax(_, _, let c, _) = self { column = c }
            return [Diagnostic(check: "folder-" + kind, message: description, file: file, line: line, fileColumn: column)]
        }
    }

    /// The case's name in kebab-case (`yaml-syntax`, `value-does-not-fit-column`, …).
    var kind: String {
        // The case label (not `description`, which CustomStringConvertible replaces).
        let name = Mirror(reflecting: self).children.first?.label ?? "problem"
        return name.reduce(into: "") { out, c in
            if c.isUppercase { out += "-" + c.lowercased() } else { out.append(c) }
        }
    }
}

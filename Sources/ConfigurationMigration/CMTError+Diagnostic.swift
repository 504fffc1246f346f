import Foundation
import PortalModel

extension CMTError: DiagnosticConvertible {
    /// One diagnostic (`cmt-` and the kind, e.g. `cmt-malformedXML`) with the file, line, table,
    /// record and column the error names.
    public var diagnostics: [Diagnostic] {
        [
            Diagnostic(
                check: "cmt-\(kind.rawValue)", message: message, table: entity, recordID: recordID.flatMap { UUID(dataverse: $0) },
                column: field, file: file, line: line)
        ]
    }
}

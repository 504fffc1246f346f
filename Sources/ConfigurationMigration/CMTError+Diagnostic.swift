import Foundation
import PortalModel

extension CMTError: DiagnosticConvertible {
    /// One diagnostic (`cmt-` and the kind, e.g. `cmt-malformed-xml`, `kind.check`) with the file, line,
    /// table, record and column the error names.
    public var diagnostics: [Diagnostic] {
        [
            Diagnostic(
                check: kind.check, message: message, table: entity, recordID: recordID.flatMap { UUID(dataverse: $0) },
                column: field, file: file, line: line)
        ]
    }
}

extension CMTError.Kind {
    /// The check a problem of this kind is reported as (`cmt-malformed-xml`, …).
    public var check: DiagnosticCheck {
        switch self {
        case .malformedXML: .cmtMalformedXML
        case .invalidSchema: .cmtInvalidSchema
        case .invalidValue: .cmtInvalidValue
        case .unsafeInput: .cmtUnsafeInput
        case .missingFile: .cmtMissingFile
        case .unsupportedFetchXML: .cmtUnsupportedFetchXML
        case .unsupportedValue: .cmtUnsupportedValue
        case .writeFailed: .cmtWriteFailed
        }
    }
}

import Foundation
import PortalModel

// Folder errors know their diagnostics (`PortalFolderError+Collected.swift`: every problem of a
// folder, with file and line); the command line shows them through `DiagnosticConvertible`.

extension PortalFolderError: DiagnosticConvertible {}

extension DataModelMismatchError: DiagnosticConvertible {
    /// One `data-model-mismatch` diagnostic naming the folder or environment.
    public var diagnostics: [Diagnostic] {
        [Diagnostic(check: "data-model-mismatch", message: description, context: ["path": path])]
    }
}

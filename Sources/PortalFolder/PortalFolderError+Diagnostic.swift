import Foundation
import PortalModel

// Folder errors know their diagnostics (`PortalFolderError+Collected.swift`: every problem of a
// folder, with file and line); the command line shows them through `DiagnosticConvertible`.

extension PortalFolderError: DiagnosticConvertible {}

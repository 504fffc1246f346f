import Foundation
import PortalModel

// The code-site errors stop a command before anything is written (exit code 2); the command line shows
// them through `DiagnosticConvertible`, a site file's problem with its file and line.

extension CodeSiteError: DiagnosticConvertible {
    public var diagnostics: [Diagnostic] {
        switch self {
        case .badSiteFile(let file, let line, let problem):
            return [Diagnostic(check: .input, message: problem, file: file, line: line)]
        case .badConfig(let file, _):
            return [Diagnostic(check: .input, message: description, file: file)]
        case .sourceFiles(let problems):
            return problems.map { Diagnostic(check: .sourceFile, message: $0) }
        default:
            return [Diagnostic(check: .input, message: description)]
        }
    }
}

extension SiteBindingError: DiagnosticConvertible {}

import Foundation
import PortalModel

/// Every problem found in one CMT file, in the order found, when there is more than one: a `data.xml`
/// with five bad records names all five in one run instead of one per run (issue 19, "Readers collect
/// every problem of a folder or package before failing").
///
/// Readers throw a single `CMTError` when they found exactly one problem (so callers matching on
/// `CMTError` keep working) and `CMTProblems` for two or more.
public struct CMTProblems: Error, CustomStringConvertible, Equatable, Sendable {
    /// The problems listed, at most `ProblemCollector.defaultLimit`, each naming file, line, table, record
    /// and column when known.
    public var errors: [CMTError]
    /// How many more problems were found beyond those listed (0 when all are listed).
    public var notListed: Int

    public init(errors: [CMTError], notListed: Int = 0) {
        self.errors = errors
        self.notListed = notListed
    }

    /// The total number of problems found.
    public var count: Int { errors.count + notListed }

    /// `N problems in FILE:` then one indented line per problem, and `… and K more` when some are not listed.
    public var description: String {
        let files = Set(errors.compactMap(\.file))
        let place = files.count == 1 ? " in \(files.first!)" : ""
        var lines = ["\(count) problems\(place):"]
        lines += errors.map { "  - \($0.description)" }
        if notListed > 0 { lines.append("  … and \(notListed) more of the same kinds; fix these and run again to see them") }
        return lines.joined(separator: "\n")
    }
}

extension CMTProblems: DiagnosticConvertible {
    /// One diagnostic per problem listed (see `CMTError.diagnostics`), and one `cmt-problems-not-listed`
    /// counting the rest when some are not listed.
    public var diagnostics: [Diagnostic] {
        errors.flatMap(\.diagnostics) + Diagnostic.notListed(notListed, check: .cmtProblemsNotListed)
    }
}

// The collector of a CMT reading pass is PortalModel's `ProblemCollector<CMTError>` (limit, order, the
// place of each problem), shared with the pac folder reader; `finish()` throws what was found.
extension ProblemCollector where Problem == CMTError {
    /// Records `error` when it is a `CMTError` or `CMTProblems` (each of its problems, and the ones it
    /// counted without listing); rethrows any other error (a file that cannot be read is not a problem of
    /// its content).
    mutating func record(_ error: Error) throws {
        switch error {
        case let e as CMTError: add(e)
        case let p as CMTProblems: add(contentsOf: p.errors, notListed: p.notListed)
        default: throw error
        }
    }

    /// Throws nothing when no problem was found, the one `CMTError` when one was, else `CMTProblems`.
    func finish() throws {
        if let failure = failure(several: { CMTProblems(errors: $0, notListed: $1) }) { throw failure }
    }
}

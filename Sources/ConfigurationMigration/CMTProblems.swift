import Foundation
import PortalModel

/// Every problem found in one CMT file, in the order found, when there is more than one: a `data.xml`
/// with five bad records names all five in one run instead of one per run (issue 19, "Readers collect
/// every problem of a folder or package before failing").
///
/// Readers throw a single `CMTError` when they found exactly one problem (so callers matching on
/// `CMTError` keep working) and `CMTProblems` for two or more.
public struct CMTProblems: Error, CustomStringConvertible, Equatable, Sendable {
    /// The problems listed, at most `CMTProblemCollector.limit`, each naming file, line, table, record
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
    /// One diagnostic per problem listed (see `CMTError.diagnostics`).
    public var diagnostics: [Diagnostic] { errors.flatMap(\.diagnostics) }
}

/// Collects the problems of one reading pass; `finish()` throws what was found.
struct CMTProblemCollector {
    /// The most problems listed one by one; the rest are counted. A hostile file with a million bad
    /// values must not make a million-line error (or hold a million errors in memory).
    static let limit = 200

    private(set) var errors: [CMTError] = []
    private(set) var notListed = 0

    var isEmpty: Bool { errors.isEmpty }

    mutating func add(_ error: CMTError) {
        if errors.count < Self.limit { errors.append(error) } else { notListed += 1 }
    }

    /// Records `error` when it is a `CMTError` or `CMTProblems` (each of its problems); rethrows any other
    /// error (a file that cannot be read is not a problem of its content).
    mutating func record(_ error: Error) throws {
        switch error {
        case let e as CMTError: add(e)
        case let p as CMTProblems:
            p.errors.forEach { add($0) }
            notListed += p.notListed
        default: throw error
        }
    }

    /// Throws nothing when no problem was found, the one `CMTError` when one was, else `CMTProblems`.
    func finish() throws {
        guard let first = errors.first else { return }
        if errors.count == 1 && notListed == 0 { throw first }
        throw CMTProblems(errors: errors, notListed: notListed)
    }
}

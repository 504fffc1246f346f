import Foundation

/// Collects the problems a reader finds in a folder, a package or a file so it fails once, naming them
/// all (issue 19: "Readers collect every problem of a folder or package before failing"; STYLE.md: a run
/// reports many problems at once). The one collector: behind the pac folder reader (`PortalFolderError`),
/// the CMT schema and data readers (`CMTError`) and the portal rules (`ProblemCollector<Diagnostic>`: a
/// `Diagnostic` is a problem by itself). Each module keeps its own error cases and says how several of
/// them are thrown (`PortalFolderError.several`, `CMTProblems`); how they are shown is
/// `DiagnosticRenderer`'s (text and `--json`, in `Diagnostic.displayOrder`), and what the run exits with
/// is `DiagnosticExit`'s.
///
/// - Order: problems are kept in the order found (the readers read files, and lines within a file, in
///   a fixed order, so two runs over the same input list them alike); `diagnostics` hands them on in that
///   order and `DiagnosticRenderer` shows them in `Diagnostic.displayOrder`.
/// - Limit: at most `limit` problems are kept one by one (200 by default); the rest are only counted
///   (`notListed`). A hostile file with a million bad values must not make a million-line error, nor hold
///   a million errors in memory.
/// - Place: each problem is a `DiagnosticConvertible`, so each names its own file, line, table, record
///   and column (`diagnostics`).
///
/// Example:
/// ```swift
/// var problems = ProblemCollector<CMTError>()
/// problems.add(CMTError(.invalidValue, "'x' is not a number", file: "data.xml", line: 12))
/// if let failure = problems.failure(several: { CMTProblems(errors: $0, notListed: $1) }) { throw failure }
/// ```
public struct ProblemCollector<Problem: DiagnosticConvertible> {
    /// The most problems kept one by one by default.
    public static var defaultLimit: Int { 200 }

    /// The most problems kept one by one; further ones are counted in `notListed`.
    public let limit: Int
    /// The problems kept, in the order found (at most `limit`).
    public private(set) var problems: [Problem] = []
    /// How many problems were found beyond those kept (0 when all are kept).
    public private(set) var notListed = 0

    /// An empty collector keeping at most `limit` problems (at least 1).
    public init(limit: Int = ProblemCollector.defaultLimit) { self.limit = max(1, limit) }

    /// True when no problem was found.
    public var isEmpty: Bool { problems.isEmpty && notListed == 0 }
    /// How many problems were found in all (kept and counted).
    public var count: Int { problems.count + notListed }

    /// Keeps `problem`, or counts it when `limit` problems are kept already.
    public mutating func add(_ problem: Problem) {
        if problems.count < limit { problems.append(problem) } else { notListed += 1 }
    }

    /// Keeps each of `more` (in order), and counts `notListed` further problems found but not listed
    /// (those another collector counted: a file's own collector inside a package's).
    public mutating func add(contentsOf more: some Sequence<Problem>, notListed extra: Int = 0) {
        for p in more { add(p) }
        notListed += max(0, extra)
    }

    /// Drops the kept problems `shouldDrop` matches (a problem that follows from another one already
    /// named, so it is not reported twice).
    public mutating func removeAll(where shouldDrop: (Problem) throws -> Bool) rethrows {
        try problems.removeAll(where: shouldDrop)
    }

    /// Every kept problem's diagnostics (file, line, table, record and column each), in the order found.
    public var diagnostics: [Diagnostic] { problems.flatMap(\.diagnostics) }

    /// What the read ends with: `nil` for no problem, the problem itself for exactly one (its message and
    /// type unchanged, so callers matching on it keep working), else `several(problems, notListed)`.
    public func failure<Several: Error>(several: ([Problem], _ notListed: Int) -> Several) -> (any Error)? {
        guard let first = problems.first else { return nil }
        if problems.count == 1 && notListed == 0 { return first }
        return several(problems, notListed)
    }

    /// `failure(several:)` when the module's "several" is one of its own cases (`PortalFolderError.several`):
    /// `nil`, the one problem, or `several(problems, notListed)`, typed as the module's error.
    public func combined(several: ([Problem], _ notListed: Int) -> Problem) -> Problem? {
        guard let first = problems.first else { return nil }
        if problems.count == 1 && notListed == 0 { return first }
        return several(problems, notListed)
    }
}

extension ProblemCollector: Sendable where Problem: Sendable {}

extension Diagnostic {
    /// `[]` for 0, else one diagnostic saying `count` more problems were found and not listed (a
    /// collector's limit, `ProblemCollector`), so a program reading `--json` knows the list is partial.
    public static func notListed(_ count: Int, check: DiagnosticCheck) -> [Diagnostic] {
        guard count > 0 else { return [] }
        return [
            Diagnostic(
                check: check, message: "\(count) more problem(s) of the same kinds were found and not listed",
                fix: "fix the ones listed and run again to see them")
        ]
    }
}

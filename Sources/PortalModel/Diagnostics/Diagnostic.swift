import Foundation

/// One problem found in the input or by a check, named precisely enough to act on: which check found
/// it, how bad it is, where it is (file and line for files; table, record and column for records),
/// and what to do. The one shape every module reports problems in (issue 19 "One Diagnostic";
/// STYLE.md: recoverable problems are values handed to a collector, so a run reports every problem at
/// once; only what stops the run altogether is thrown).
///
/// - `check`: the check or rule that found it (`DiagnosticCheck`: `.schemaDrift`, `.folderYAMLSyntax`,
///   `.rule(.duplicateRootPartialURL)`, …), shown by its stable kebab-case id (`schema-drift`,
///   `folder-yaml-syntax`, `duplicate-root-partial-url`). Scripts may match on the id; `--skip-check`
///   takes a rule's.
/// - `severity`: `.error` fails the run (nothing is written; exit 2, `DiagnosticExit`); `.warning` is
///   reported only (fails `check --fail-on warning`).
/// - `message`: one sentence a person reads; never holds a secret value.
/// - `table`/`recordID`/`recordName`/`column`: the Dataverse record and column concerned, when any.
/// - `file`/`line`/`fileColumn`: the input file (relative to the folder or package named by the user)
///   and the 1-based line and column in it, when the problem is in a file.
/// - `context`: further facts by name (`"website": id`, `"rule": "…"`), shown in `--json` only.
/// - `fix`: what to do about it, as an imperative sentence; `nil` when the message already says.
public struct Diagnostic: Sendable, Hashable, Codable, CustomStringConvertible {
    /// How bad a problem is.
    public enum Severity: String, Sendable, Hashable, Codable, Comparable, CaseIterable {
        case warning, error

        /// `warning` < `error`.
        public static func < (a: Severity, b: Severity) -> Bool { a == .warning && b == .error }
    }

    public var check: DiagnosticCheck
    public var severity: Severity
    public var message: String
    public var table: String?
    public var recordID: UUID?
    public var recordName: String?
    public var column: String?
    public var file: String?
    public var line: Int?
    public var fileColumn: Int?
    public var context: [String: String]?
    public var fix: String?

    public init(
        check: DiagnosticCheck, severity: Severity = .error, message: String, table: String? = nil,
        recordID: UUID? = nil, recordName: String? = nil, column: String? = nil,
        file: String? = nil, line: Int? = nil, fileColumn: Int? = nil,
        context: [String: String]? = nil, fix: String? = nil
    ) {
        self.check = check
        self.severity = severity
        self.message = message
        self.table = table
        self.recordID = recordID
        self.recordName = recordName
        self.column = column
        self.file = file
        self.line = line
        self.fileColumn = fileColumn
        self.context = context
        self.fix = fix
    }

    /// `FILE:LINE:COL` when the diagnostic names a file, else `nil`.
    public var place: String? {
        guard let file else { return nil }
        return file + (line.map { ":\($0)" } ?? "") + (line != nil ? (fileColumn.map { ":\($0)" } ?? "") : "")
    }

    /// `[FILE:LINE ]check: message [table id "name" .column]; fix`: one line, the shape every command
    /// prints (unchanged for diagnostics without file or fix, which earlier releases printed).
    public var description: String {
        let head = place.map { "\($0): " } ?? ""
        let tail = fix.map { "; \($0)" } ?? ""
        let record = table.map { Self.record($0, recordID, name: recordName, column: column) } ?? column.map { "column \($0)" }
        return head + "\(check): \(message)" + (record.map { " [\($0)]" } ?? "") + tail
    }

    /// A record and column as every command names them: `adx_webpage 6f0c… "Home", column adx_copy`
    /// (the id, name and column when known). One wording for diagnostics, plans, reports and diffs.
    public static func record(_ table: String, _ id: UUID?, name: String? = nil, column: String? = nil) -> String {
        var s = table
        if let id { s += " \(id.dataverseString)" }
        if let name, !name.isEmpty { s += " \"\(name)\"" }
        if let column { s += ", column \(column)" }
        return s
    }

    /// `diagnostics` as they are shown: duplicates removed (the first kept), in `displayOrder`. What
    /// `check` lists and `DiagnosticRenderer` renders; the order is a property of the diagnostics, not of
    /// how they were collected (`ProblemCollector` keeps them in the order found).
    public static func inDisplayOrder(_ diagnostics: some Sequence<Diagnostic>) -> [Diagnostic] {
        var seen = Set<Diagnostic>()
        return diagnostics.filter { seen.insert($0).inserted }.sorted(by: displayOrder)
    }

    /// The order diagnostics are shown in: errors first, then by file, line, table, record, check.
    public static func displayOrder(_ a: Diagnostic, _ b: Diagnostic) -> Bool {
        if a.severity != b.severity { return a.severity > b.severity }
        let ka = (a.file ?? "", a.line ?? 0, a.table ?? "", a.recordID?.dataverseString ?? "", a.check, a.column ?? "", a.message)
        let kb = (b.file ?? "", b.line ?? 0, b.table ?? "", b.recordID?.dataverseString ?? "", b.check, b.column ?? "", b.message)
        if ka.0 != kb.0 { return ka.0 < kb.0 }
        if ka.1 != kb.1 { return ka.1 < kb.1 }
        if ka.2 != kb.2 { return ka.2 < kb.2 }
        if ka.3 != kb.3 { return ka.3 < kb.3 }
        if ka.4 != kb.4 { return ka.4 < kb.4 }
        if ka.5 != kb.5 { return ka.5 < kb.5 }
        return ka.6 < kb.6
    }
}

/// The exit codes problems lead to (DESIGN.md "Commands"). The one mapping: a library error says its
/// code through `DiagnosticConvertible.exitCode`, `check` through `code(_:failOn:)`, and the command
/// line's `PortalMigrateExit` names the same numbers for ArgumentParser.
public enum DiagnosticExit {
    /// Nothing at or above the threshold; everything succeeded.
    public static let passed: Int32 = 0
    /// Some records failed, or the environment stopped answering: rerun the same command (it resumes).
    public static let rerun: Int32 = 1
    /// A diagnostic at or above the threshold: the input or a check failed; nothing was written.
    public static let failed: Int32 = 2
    /// A misused option or argument (ArgumentParser's own code, `EX_USAGE`).
    public static let usage: Int32 = 64

    /// `failed` when any diagnostic is at least `failOn` (default `.error`), else `passed`.
    public static func code(_ diagnostics: [Diagnostic], failOn: Diagnostic.Severity = .error) -> Int32 {
        diagnostics.contains { $0.severity >= failOn } ? failed : passed
    }
}

/// Renders diagnostics for people (text, one line each) and for programs (`--json`). The one renderer
/// behind `check`, the failed checks of `upload`/`migrate`/`data import` and the folder reader.
public enum DiagnosticRenderer {
    /// `error: …` / `warning: …` lines in display order, at most `limit` (then `… and N more`).
    public static func text(_ diagnostics: [Diagnostic], limit: Int = 200) -> [String] {
        let sorted = Diagnostic.inDisplayOrder(diagnostics)
        var lines = sorted.prefix(limit).map(line)
        if sorted.count > limit { lines.append("… and \(sorted.count - limit) more") }
        return lines
    }

    /// One diagnostic as a line of text: `error: …` or `warning: …` and its `description`.
    public static func line(_ d: Diagnostic) -> String { "\(d.severity.rawValue): \(d)" }

    /// `N error(s), M warning(s)`.
    public static func summary(_ diagnostics: [Diagnostic]) -> String {
        let errors = diagnostics.filter { $0.severity == .error }.count
        return "\(errors) error(s), \(diagnostics.count - errors) warning(s)"
    }

    /// The JSON array of `diagnostics` in display order: one object per diagnostic with the keys of
    /// `Diagnostic` (absent values left out; `recordID` as a lowercase GUID).
    public static func jsonValue(_ diagnostics: [Diagnostic]) -> JSONValue {
        .array(Diagnostic.inDisplayOrder(diagnostics).map(jsonValue))
    }

    /// One diagnostic as a JSON object.
    public static func jsonValue(_ d: Diagnostic) -> JSONValue {
        var f: [(String, JSONValue)] = [
            ("check", .string(d.check.rawValue)), ("severity", .string(d.severity.rawValue)),
            ("message", .string(d.message)),
        ]
        if let v = d.table { f.append(("table", .string(v))) }
        if let v = d.recordID { f.append(("recordID", .string(v.dataverseString))) }
        if let v = d.recordName { f.append(("recordName", .string(v))) }
        if let v = d.column { f.append(("column", .string(v))) }
        if let v = d.file { f.append(("file", .string(v))) }
        if let v = d.line { f.append(("line", .number(String(v)))) }
        if let v = d.fileColumn { f.append(("fileColumn", .number(String(v)))) }
        if let v = d.context, !v.isEmpty {
            f.append(("context", .object(v.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })))
        }
        if let v = d.fix { f.append(("fix", .string(v))) }
        return .object(f)
    }
}

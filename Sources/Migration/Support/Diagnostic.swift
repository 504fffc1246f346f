import Foundation

/// One problem found by a check before writing, or while planning, named by table, record and column
/// so a user can act on it (STYLE.md: diagnostics are collected, not thrown one by one).
///
/// - `check`: which check found it (`schema-drift`, `blocked-extension`, `file-too-large`,
///   `language-mismatch`, `missing-lookup`, `website-not-found`, `ambiguous-match`, `deployment-profile`).
/// - `table`/`recordID`/`column`: where, when it concerns a record or column.
/// - `recordName`: the record's primary name when known.
/// - `severity`: `.error` stops the run before any write (exit 2) unless `--force`; `.warning` is reported only.
public struct Diagnostic: Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable, Codable { case error, warning }

    public var check: String
    public var severity: Severity
    public var message: String
    public var table: String?
    public var recordID: UUID?
    public var recordName: String?
    public var column: String?

    public init(check: String, severity: Severity = .error, message: String, table: String? = nil,
                recordID: UUID? = nil, recordName: String? = nil, column: String? = nil) {
        self.check = check
        self.severity = severity
        self.message = message
        self.table = table
        self.recordID = recordID
        self.recordName = recordName
        self.column = column
    }

    /// `check: message [table id "name" .column]`.
    public var description: String {
        var where_: [String] = []
        if let t = table {
            var s = t
            if let id = recordID { s += " \(id.dataverseString)" }
            if let n = recordName, !n.isEmpty { s += " \"\(n)\"" }
            if let c = column { s += " .\(c)" }
            where_.append(s)
        } else if let c = column {
            where_.append(".\(c)")
        }
        return "\(check): \(message)" + (where_.isEmpty ? "" : " [\(where_.joined(separator: " "))]")
    }
}

/// Errors the engine throws when it cannot continue at all (as opposed to diagnostics, which are
/// collected and reported together).
public enum MigrationError: Error, Sendable, CustomStringConvertible {
    /// Checks before writing failed; nothing was written. Carries every failing diagnostic.
    case checksFailed([Diagnostic])
    /// A deployment profile could not be read or applied (file, line or key, reason).
    case deploymentProfile(String)
    /// The journal under the data directory could not be read or written.
    case journal(String)
    /// Another problem with a clear message (a website that does not exist, a bad option).
    case invalid(String)

    public var description: String {
        switch self {
        case .checksFailed(let ds):
            return "\(ds.count) check(s) failed before writing; nothing was written:\n" + ds.map { "  \($0)" }.joined(separator: "\n")
        case .deploymentProfile(let m): return "deployment profile: \(m)"
        case .journal(let m): return "journal: \(m)"
        case .invalid(let m): return m
        }
    }
}

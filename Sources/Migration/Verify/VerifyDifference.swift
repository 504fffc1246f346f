import Foundation
import PortalModel

/// One difference `StrictVerifier` found between source and target.
///
/// - `kind`: what differs (`VerifyDifference.Kind`).
/// - `table`: the table logical name, or the N:N relationship's schema name for a link.
/// - `id`: the record's id on the source side (the target's for a record only the target has); for a
///   link, the first (entity-1) end in target ids.
/// - `targetID`: the target id when it differs from `id` (matched by natural key or website mapping);
///   for a link, the second end.
/// - `name`: the record's primary name when known.
/// - `column`: the column (`documentbody`/`filecontent` for a file body) for a value difference.
/// - `source`, `target`: the two values as text (`nil` = empty); `(hidden)` for secrets and values a
///   deployment profile sets, `sha256:… (N bytes)` for file bodies, never the bytes.
public struct VerifyDifference: Sendable, Hashable, Codable {
    /// What differs.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// A source record the target lacks.
        case missingInTarget = "missing-in-target"
        /// A target record of the website the source lacks.
        case onlyInTarget = "only-in-target"
        /// A column whose values differ (state and status included).
        case column
        /// A file body whose SHA-256 differs, or that one side lacks.
        case fileBody = "file-body"
        /// An N:N link of the source the target lacks.
        case linkMissingInTarget = "link-missing-in-target"
        /// An N:N link of the target the source lacks.
        case linkOnlyInTarget = "link-only-in-target"
        /// A record a run deleted (planned deletion) that the target still has.
        case notDeleted = "not-deleted"
        /// A finding of identity matching (ambiguous natural key, lookup to a record the target lacks).
        case matching
    }

    public var kind: Kind
    public var table: String
    public var id: UUID
    public var targetID: UUID?
    public var name: String?
    public var column: String?
    public var source: String?
    public var target: String?
    /// The message of a `matching` finding.
    public var message: String?

    public init(
        kind: Kind, table: String, id: UUID, targetID: UUID? = nil, name: String? = nil, column: String? = nil,
        source: String? = nil, target: String? = nil, message: String? = nil
    ) {
        self.kind = kind
        self.table = table
        self.id = id
        self.targetID = targetID == id ? nil : targetID
        self.name = name
        self.column = column
        self.source = source
        self.target = target
        self.message = message
    }

    /// One line for people, e.g. `adx_webpage 1f… "Home": adx_title: source "Home" ≠ target (empty)`.
    public var line: String {
        let label = name.map { " \"\($0)\"" } ?? ""
        let record = "\(table) \(id.dataverseString)\(label)" + (targetID.map { " (target \($0.dataverseString))" } ?? "")
        func show(_ v: String?) -> String { v.map { $0 == VerifyDifference.hidden || $0.hasPrefix("sha256:") ? $0 : "\"\($0)\"" } ?? "(empty)" }
        switch kind {
        case .missingInTarget: return "missing in the target: \(record)"
        case .onlyInTarget: return "only in the target: \(record)"
        case .column, .fileBody: return "differs: \(record): \(column ?? "?"): source \(show(source)) ≠ target \(show(target))"
        case .linkMissingInTarget: return "link missing in the target: \(table) \(id.dataverseString) ↔ \((targetID ?? id).dataverseString)"
        case .linkOnlyInTarget: return "link only in the target: \(table) \(id.dataverseString) ↔ \((targetID ?? id).dataverseString)"
        case .notDeleted: return "planned deletion not done: \(record) is still in the target"
        case .matching: return "\(record): \(message ?? "")"
        }
    }

    /// The text shown for a secret value or one a deployment profile sets.
    public static let hidden = "(hidden)"

    /// The difference as a JSON object (`kind`, `table`, `id`, `targetId`, `name`, `column`, `source`,
    /// `target`, `message`; absent members are left out).
    public var json: JSONValue {
        var m: [(String, JSONValue)] = [("kind", .string(kind.rawValue)), ("table", .string(table)), ("id", .string(id.dataverseString))]
        if let targetID { m.append(("targetId", .string(targetID.dataverseString))) }
        if let name { m.append(("name", .string(name))) }
        if let column { m.append(("column", .string(column))) }
        if kind == .column || kind == .fileBody {
            m.append(("source", source.map { .string($0) } ?? .null))
            m.append(("target", target.map { .string($0) } ?? .null))
        }
        if let message { m.append(("message", .string(message))) }
        return .object(m)
    }
}

import Foundation
import PortalModel

/// A column value in the form `StrictVerifier` compares: what Dataverse stores, whatever type the side
/// that read it gave it. Independent of the planner's `ValueComparison` on purpose (issue 18).
///
/// Rules, each one line below:
/// - absent, `.null`, the empty string and an empty multi-select are `empty` (Dataverse stores empty
///   text as null);
/// - numbers of every kind (whole, big, decimal, float, currency, choice, state, status) compare by
///   decimal value (`1` = `1.0`);
/// - lookups, owners and GUIDs compare by the referenced id;
/// - dates compare by instant;
/// - multi-select choices compare as sets;
/// - text that parses as a JSON object or array (enhanced `content`, nested YAML mappings kept as JSON
///   text) compares by value: object members by name in any order, arrays in order;
/// - other text compares exactly (case and whitespace matter);
/// - text against a typed value compares by parsing the text as that type (a pac folder key the
///   catalog does not type, against an environment's typed column).
public enum VerifyValue: Hashable, Sendable {
    case empty
    case text(String)
    case number(Decimal)
    case bool(Bool)
    case id(UUID)
    case date(DateTimeValue)
    case choices(Set<Int>)
    case json(String)

    /// The canonical form of a value (`nil` is absent, hence `empty`).
    public init(_ value: FieldValue?) {
        guard let value else { self = .empty; return }
        switch value {
        case .null: self = .empty
        case .string(let s):
            if s.isEmpty { self = .empty } else if let j = VerifyValue.canonicalJSON(s) { self = .json(j) } else { self = .text(s) }
        case .integer(let v): self = .number(Decimal(Int(v)))
        case .bigInt(let v): self = .number(Decimal(v))
        case .decimal(let d), .money(let d): self = .number(d.value)
        case .double(let d): self = Decimal(string: FieldValue.double(d).text ?? "").map { .number($0) } ?? .text(String(d))
        case .boolean(let b): self = .bool(b)
        case .dateTime(let d): self = .date(d)
        case .guid(let u): self = .id(u)
        case .choice(let v), .state(let v), .status(let v): self = .number(Decimal(v))
        case .multiChoice(let vs): self = vs.isEmpty ? .empty : .choices(Set(vs))
        case .lookup(let r), .owner(let r): self = .id(r.id)
        }
    }

    /// True when `a` and `b` store the same value under the rules above.
    public static func equal(_ a: FieldValue?, _ b: FieldValue?) -> Bool {
        let x = VerifyValue(a), y = VerifyValue(b)
        if x == y { return true }
        switch (x, y) {
        case let (.text(t), other), let (other, .text(t)): return other.matches(text: t)
        default: return false
        }
    }

    /// True when the text `t` parses as this (typed) value.
    private func matches(text t: String) -> Bool {
        let s = t.trimmingCharacters(in: .whitespaces)
        switch self {
        case .number(let n): return Decimal(string: s, locale: Locale(identifier: "en_US_POSIX")).map { $0 == n } ?? false
        case .bool(let b):
            switch s.lowercased() {
            case "true", "1": return b
            case "false", "0": return !b
            default: return false
            }
        case .id(let u): return UUID(dataverse: s) == u
        case .date(let d): return DateTimeValue(iso8601: s) == d
        case .choices(let c):
            let parts = s.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            return !parts.contains(nil) && Set(parts.compactMap { $0 }) == c
        case .empty, .text, .json: return false
        }
    }

    /// The text of a JSON object or array with object members sorted by name at every level; `nil`
    /// when `s` is not one (JSON scalars stay text). Nesting is bounded by `JSONValue.parse` (512).
    static func canonicalJSON(_ s: String) -> String? {
        guard let first = s.first(where: { !$0.isWhitespace }), first == "{" || first == "[",
            let v = try? JSONValue.parse(s)
        else { return nil }
        return sorted(v).serialized
    }

    private static func sorted(_ v: JSONValue) -> JSONValue {
        switch v {
        case .object(let members):
            return .object(members.map { ($0.0, sorted($0.1)) }.sorted { $0.0 < $1.0 })
        case .array(let items): return .array(items.map(sorted))
        default: return v
        }
    }
}

import Foundation
import PortalModel

/// The nested mappings of v2 files (`adx_settingsDetails` of a list; research/pac-yaml-emission.md
/// §5.5) between pac's YAML and the snapshot, where the column holds the JSON text of the `content`
/// object (`EnhancedComponentMapping.nestedContentColumns`).
///
/// pac writes every leaf of such a mapping as `[]` and joins equal leaves with `&oN` / `*oN`, so the
/// values are not in the file, only which leaves are equal. Reading, each leaf takes the value of the
/// record's own key of the same name (`createRecordTargetType` → `adx_createRecordTargetType: 0` → `0`;
/// absent or empty → `null`) [I: the 9 list files of the corpus group their leaves exactly so]; the
/// value is kept only when writing it back by pac's rule gives the file's mapping again, anchors
/// included. Writing, `node(from:)` applies pac's rule to whatever values `content` holds.
enum NestedContentValue {
    /// The column value for a nested mapping read from a file: `.string` holding the JSON object
    /// (serialized as `JSONValue.serialized`, as the enhanced view reads `content`), or `nil` when
    /// the leaves cannot be given values that reproduce the file's anchors (the caller keeps the
    /// mapping as read and warns).
    /// - Parameters:
    ///   - node: the mapping as read (anchors as `.anchoredEmptySequence`, repeats as `.alias`).
    ///   - siblings: the record's pairs (the top-level keys the leaves take their values from).
    static func columnValue(_ node: YAMLValue, siblings: [YAMLPair]) -> FieldValue? {
        guard case .mapping = node else { return nil }
        var byKey: [String: YAMLValue] = [:]
        for p in siblings { byKey[p.key] = p.value }
        func leaf(_ key: String) -> JSONValue {
            guard case .scalar(let s)? = byKey[EnhancedComponentMapping.column(forContentKey: key)] else { return .null }
            if s == "true" { return .bool(true) }
            if s == "false" { return .bool(false) }
            if let i = Int64(s), String(i) == s { return .number(s) }
            return .string(s)
        }
        func json(_ value: YAMLValue, key: String) -> JSONValue? {
            switch value {
            case .mapping(let pairs):
                var out: [(String, JSONValue)] = []
                for p in pairs {
                    guard let v = json(p.value, key: p.key) else { return nil }
                    out.append((p.key, v))
                }
                return .object(out)
            case .anchoredEmptySequence, .alias: return leaf(key)
            case .sequence(let items):
                if items.isEmpty { return leaf(key) }
                var out: [JSONValue] = []
                for i in items { guard let v = json(i, key: key) else { return nil }; out.append(v) }
                return .array(out)
            case .null, .scalar: return nil
            }
        }
        guard let value = json(node, key: ""), self.node(from: value) == node else { return nil }
        return .string(value.serialized)
    }

    /// The YAML pac writes for a `content` value (research/pac-yaml-emission.md §5.5): objects as
    /// mappings in their key order, arrays as sequences, every other value as `[]`; a value found a
    /// second time gets the next anchor `oN` (numbered in the order of second finds), its first
    /// occurrence written `&oN []`, later ones `*oN`; a value found once, plain `[]`.
    static func node(from value: JSONValue) -> YAMLValue {
        var leaves: [JSONValue] = []
        collect(value, &leaves)
        var count: [JSONValue: Int] = [:]
        var names: [JSONValue: String] = [:]
        for l in leaves {
            count[l, default: 0] += 1
            if count[l] == 2 { names[l] = "o\(names.count)" }
        }
        var written: Set<JSONValue> = []
        return emit(value, names, &written)
    }

    /// The YAML for a column value of a nested column (`EnhancedComponentMapping.nestedContentColumns`)
    /// holding a JSON object, else `nil` (written as any other value).
    static func node(column: String, value: FieldValue) -> YAMLValue? {
        guard EnhancedComponentMapping.nestedContentColumns.contains(column), case .string(let text) = value,
            let json = try? JSONValue.parse(text), case .object = json
        else { return nil }
        return node(from: json)
    }

    private static func collect(_ value: JSONValue, _ leaves: inout [JSONValue]) {
        switch value {
        case .object(let pairs): for (_, v) in pairs { collect(v, &leaves) }
        case .array(let items): for v in items { collect(v, &leaves) }
        default: leaves.append(value)
        }
    }

    private static func emit(_ value: JSONValue, _ names: [JSONValue: String], _ written: inout Set<JSONValue>) -> YAMLValue {
        switch value {
        case .object(let pairs):
            var out: [YAMLPair] = []
            for (k, v) in pairs { out.append(YAMLPair(k, emit(v, names, &written))) }
            return .mapping(out)
        case .array(let items):
            var out: [YAMLValue] = []
            for v in items { out.append(emit(v, names, &written)) }
            return .sequence(out)
        default:
            guard let name = names[value] else { return .sequence([]) }
            return written.insert(value).inserted ? .anchoredEmptySequence(name) : .alias(name)
        }
    }
}

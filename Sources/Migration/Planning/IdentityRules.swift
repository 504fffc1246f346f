import Foundation
import PortalModel

/// The natural keys the engine matches records by when their ids differ between environments.
///
/// The keys are the catalog's `naturalKey` (one per portal table, with its source in the catalog),
/// taken from how the portal runtime itself resolves records (research/platform-behaviours.md §4
/// "Uniqueness and first record wins": site settings, markers, snippets, templates and roles by name
/// per website; pages by parent and partial URL; link sets by name and language). Two overrides always
/// apply:
/// - portal languages match by LCID (`adx_lcid`), the language's identity in every environment;
/// - content pages (`adx_rootwebpageid` set) match by root page + website language, the pair the
///   platform's content-page plug-in creates (research/platform-behaviours.md §2.3).
public enum IdentityRules {
    /// The key columns for a record, or `[]` when it only matches by id.
    public static func key(for record: EntityRecord, catalog: TableCatalog) -> [String] {
        let table = record.logicalName
        if table == "adx_portallanguage" { return ["adx_lcid"] }
        if table == "adx_webpage", let root = record.columns["adx_rootwebpageid"], !root.isNull {
            return ["adx_rootwebpageid", "adx_webpagelanguageid"]
        }
        if table == "annotation" { return ["objectid", "filename"] }
        return catalog.table(table)?.naturalKey ?? []
    }

    /// The key value of `record` over `columns`, with lookups replaced through `idMap` (source id →
    /// target id) and text compared without case (Dataverse's default collation). `nil` when a key
    /// column is absent from the record (not read), so the record cannot be matched by key.
    public static func keyValue(_ record: EntityRecord, columns: [String], idMap: [UUID: UUID]) -> String? {
        var parts: [String] = []
        for c in columns {
            guard let v = record.columns[c] else {
                if c == "adx_isroot" { parts.append("false"); continue }
                return nil
            }
            if let ref = v.reference {
                parts.append("@" + (idMap[ref.id] ?? ref.id).dataverseString)
            } else if case .guid(let u) = v {
                parts.append("@" + (idMap[u] ?? u).dataverseString)
            } else if c == "adx_isroot" {
                parts.append(v.text?.lowercased() == "true" ? "true" : "false")
            } else {
                parts.append(v.text?.lowercased() ?? "∅")
            }
        }
        return parts.joined(separator: "\u{1F}")
    }
}

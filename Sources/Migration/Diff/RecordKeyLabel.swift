import Foundation
import PortalModel

/// Names records of one snapshot by their natural key (`IdentityRules`), the way people recognise them
/// across environments whose ids differ: a web page by its path of partial URLs (`/about/team/`), a
/// content page by its root page's path and language (`/about/ [English]`), a site setting by its name,
/// a web link by its set and name (`Primary Navigation › Home`), a note by its web file and file name.
/// The website lookup is left out (both sides have one website). Parent walks stop after 32 steps (a
/// cycle in hostile input ends the path with `…`).
public struct RecordKeyLabel: Sendable {
    public let catalog: TableCatalog
    private var byTable: [String: [UUID: EntityRecord]] = [:]
    private var byID: [UUID: EntityRecord] = [:]

    public init(_ snapshot: PortalSnapshot, catalog: TableCatalog = .standard) {
        self.catalog = catalog
        for (t, rows) in snapshot.records {
            for r in rows { byTable[t, default: [:]][r.id] = r; if byID[r.id] == nil || t != "adx_portallanguage" { byID[r.id] = r } }
        }
    }

    /// The record `id` of `table`, if the snapshot holds it.
    public func record(_ table: String, _ id: UUID) -> EntityRecord? { byTable[table]?[id] }

    /// The record `id` of any table.
    public func record(_ id: UUID) -> EntityRecord? { byID[id] }

    /// The label of the record `id` of `table`, or `nil` when the snapshot lacks it.
    public func label(_ table: String, _ id: UUID) -> String? { record(table, id).map(label) }

    /// The label of `record` (never empty: falls back to the primary name, then the id).
    public func label(_ record: EntityRecord) -> String {
        switch record.logicalName {
        case "adx_webpage":
            if let root = record.columns["adx_rootwebpageid"]?.reference?.id, root != record.id {
                let rootPath = self.record("adx_webpage", root).map(path) ?? root.dataverseString
                return "\(rootPath) [\(language(record.columns["adx_webpagelanguageid"]))]"
            }
            return path(record)
        case "adx_webfile":
            let parent = record.columns["adx_parentpageid"]?.reference.flatMap { self.record("adx_webpage", $0.id) }.map(path) ?? ""
            return parent + (record.string("adx_partialurl") ?? name(record))
        case "annotation":
            let owner = record.columns["objectid"]?.reference.flatMap { self.record($0.id) }.map(label) ?? "?"
            return "\(owner) › \(record.string("filename") ?? name(record))"
        default:
            let key = IdentityRules.key(for: record, catalog: catalog).filter { !["adx_websiteid", "powerpagesiteid"].contains($0) }
            let parts = key.compactMap { c -> String? in
                guard let v = record.columns[c], !v.isNull else { return nil }
                if let ref = v.reference { return self.record(ref.id).map(name) ?? ref.id.dataverseString }
                return v.text
            }
            return parts.isEmpty ? name(record) : parts.joined(separator: " › ")
        }
    }

    /// The primary name of a record, else its id.
    public func name(_ record: EntityRecord) -> String {
        PortalTables.primaryName(record, definitions: [:], catalog: catalog) ?? record.id.dataverseString
    }

    /// The path of a root page: its partial URLs from Home down (`/`, `/about/`, `/about/team/`).
    public func path(_ page: EntityRecord) -> String {
        var parts: [String] = []
        var current: EntityRecord? = page
        var seen = Set<UUID>()
        while let p = current, seen.insert(p.id).inserted {
            guard seen.count <= 32 else { parts.append("…"); break }
            let url = (p.string("adx_partialurl") ?? name(p)).trimmingCharacters(in: CharacterSet(charactersIn: "/"))
            if !url.isEmpty { parts.append(url) }
            current = p.columns["adx_parentpageid"]?.reference.flatMap { record("adx_webpage", $0.id) }
        }
        return parts.isEmpty ? "/" : "/" + parts.reversed().joined(separator: "/") + "/"
    }

    /// The name of a website language lookup (its primary name, else the portal language's), else `?`.
    public func language(_ value: FieldValue?) -> String {
        guard let id = value?.reference?.id, let wl = record("adx_websitelanguage", id) else { return value?.reference?.id.dataverseString ?? "?" }
        if let n = wl.string("adx_name") { return n }
        if let pl = wl.columns["adx_portallanguageid"]?.reference.flatMap({ record("adx_portallanguage", $0.id) }) {
            return pl.string("adx_languagecode") ?? pl.string("adx_name") ?? name(pl)
        }
        return name(wl)
    }
}

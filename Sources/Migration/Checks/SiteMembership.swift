import Foundation
import PortalModel

/// Which website a target record belongs to, for the checks that keep one run inside its own site
/// (manifest deletions, records matched by id that belong to another site).
///
/// A record belongs to a website by the same lookup chain `SnapshotReader` scopes a site with: the
/// website row itself; a record with a lookup to a website table (`adx_websiteid`, or any lookup whose
/// table is `adx_website`/`powerpagesite`); a child record (web link, form step, form metadata, note)
/// through the website of a parent it looks up (web link set, advanced form, web file, …).
public enum SiteMembership {
    /// The website `record` belongs to, or `nil` when no lookup chain leads to one (a global table
    /// such as `adx_portallanguage`, an orphan, or a parent the caller does not know).
    /// - Parameters:
    ///   - record: a target record (data columns, lookups as `EntityReference`).
    ///   - known: the website of a record already placed (e.g. every record of the target website's
    ///     snapshot), by id; consulted first for `record` and for each parent.
    ///   - parent: a target record by id, for following the chain; `nil` when unknown.
    ///   - depth: the chain is followed at most this many lookups deep (cycles stop there).
    public static func website(
        of record: EntityRecord, known: [UUID: UUID],
        parent: (UUID) -> EntityRecord?, depth: Int = 6
    ) -> UUID? {
        if let w = known[record.id] { return w }
        if PortalTables.websiteTables.contains(record.logicalName) { return record.id }
        let lookups = record.columns.sorted { $0.key < $1.key }.compactMap { $0.value.reference }
        if let site = lookups.first(where: { PortalTables.websiteTables.contains($0.logicalName) }) { return site.id }
        guard depth > 0 else { return nil }
        for ref in lookups where ref.id != record.id {
            if let w = known[ref.id] { return w }
            if let p = parent(ref.id), let w = website(of: p, known: known, parent: parent, depth: depth - 1) { return w }
        }
        return nil
    }

    /// A record's name for messages: `table id "name"`.
    static func label(_ r: EntityRecord, definitions: [String: TableDefinition], catalog: TableCatalog = .standard) -> String {
        let name = PortalTables.primaryName(r, definitions: definitions, catalog: catalog)
        return "\(r.logicalName) \(r.id.dataverseString)" + (name.map { $0.isEmpty ? "" : " \"\($0)\"" } ?? "")
    }
}

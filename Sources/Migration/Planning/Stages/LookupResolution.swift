import Foundation
import PortalModel

/// The lookup stage's output: every source record in target ids with each lookup remapped, and what
/// became of lookups to records that are neither in the target nor written by the plan (DESIGN.md
/// "Identity": every lookup that pointed at the source id is remapped to the target id).
struct LookupResolution: Sendable {
    /// The source's records as data columns (`PortalTables.dataColumns`), in target ids, each lookup
    /// and owner remapped through `IdentityResolution.idMap`; by table, in the source's order
    /// (`records[t][i]` is `source.records[t][i]`). A dropped lookup is null here.
    var records: [String: [EntityRecord]]
    /// Lookups cleared because their record is missing and `--missing-lookups drop` was given (as CMT
    /// does), sorted by table order, record, column.
    var dropped: [DroppedLookup]
    /// `missing-lookup` errors (`--missing-lookups fail`, the default), in the same order.
    var diagnostics: [Diagnostic]
    /// Target ids the lookups point to that the index lacks but the target holds (read by id:
    /// records of another website or of no website). Not missing.
    var existingElsewhere: Set<UUID>
}

extension Planner {
    /// The lookup stage: remaps the source into target ids, reads the target for lookups to records
    /// neither indexed nor planned (`existingElsewhere`), and resolves the rest by
    /// `options.missingLookups`.
    /// - Throws: `DataverseError` from the by-id reads.
    func lookupResolution(
        source: PortalSnapshot, order: [String], identity: IdentityResolution, index: TargetIndex, options: PlanOptions,
        reader: SnapshotReader
    ) async throws -> LookupResolution {
        let remapped = Self.remapped(
            source, order: order, identity: identity, definitions: index.definitions, keeping: index.keptSystemColumns,
            catalog: catalog)
        var elsewhere = Set<UUID>()
        for (table, ids) in Self.unresolvedLookups(remapped, index: index).sorted(by: { $0.key < $1.key }) {
            guard let def = index.definitions[table] else { continue }
            for r in try await reader.readByIDs(table, column: def.primaryIDColumn, ids: ids) { elsewhere.insert(r.id) }
        }
        return Self.resolveLookups(
            remapped, source: source, order: order, index: index, existingElsewhere: elsewhere,
            policy: options.missingLookups, catalog: catalog)
    }

    /// The source's records of `order`'s tables as data columns in target ids: each record's id and
    /// every `.lookup`/`.owner` value mapped through `identity`. Pure.
    static func remapped(
        _ source: PortalSnapshot, order: [String], identity: IdentityResolution, definitions: [String: TableDefinition],
        keeping: Set<String>, catalog: TableCatalog
    ) -> [String: [EntityRecord]] {
        func mapRef(_ v: FieldValue) -> FieldValue {
            switch v {
            case .lookup(let r): if let t = identity.idMap[r.id] { return .lookup(EntityReference(r.logicalName, t, name: r.name)) }
            case .owner(let r): if let t = identity.idMap[r.id] { return .owner(EntityReference(r.logicalName, t, name: r.name)) }
            default: break
            }
            return v
        }
        var out: [String: [EntityRecord]] = [:]
        for table in order {
            let pk = PortalTables.primaryID(table, definitions: definitions, catalog: catalog)
            for src in source.records[table] ?? [] {
                var m = PortalTables.dataColumns(of: src, primaryID: pk, keeping: keeping)
                m.id = identity.targetID(of: src.id)
                m.columns = m.columns.mapValues(mapRef)
                out[table, default: []].append(m)
            }
        }
        return out
    }

    /// Lookups of `records` (in target ids) whose record is neither in `index` nor among `records`
    /// themselves, as target table → ids. Pure.
    static func unresolvedLookups(_ records: [String: [EntityRecord]], index: TargetIndex) -> [String: Set<UUID>] {
        let planned = Set(records.values.joined().map(\.id))
        var out: [String: Set<UUID>] = [:]
        for rows in records.values {
            for r in rows {
                for v in r.columns.values {
                    if let ref = v.reference, !index.has(ref.id), !planned.contains(ref.id) {
                        out[ref.logicalName, default: []].insert(ref.id)
                    }
                }
            }
        }
        return out
    }

    /// Resolves the lookups of `records` whose record is neither in `index`, nor planned, nor in
    /// `existingElsewhere`: with `.fail` a `missing-lookup` error naming the source record and column;
    /// with `.drop` the lookup is set to null and recorded as a `DroppedLookup`. Pure.
    static func resolveLookups(
        _ records: [String: [EntityRecord]], source: PortalSnapshot, order: [String], index: TargetIndex,
        existingElsewhere: Set<UUID>, policy: MissingLookupPolicy, catalog: TableCatalog
    ) -> LookupResolution {
        let planned = Set(records.values.joined().map(\.id))
        var out = LookupResolution(records: records, dropped: [], diagnostics: [], existingElsewhere: existingElsewhere)
        for table in order {
            for (i, r) in (records[table] ?? []).enumerated() {
                for (column, v) in r.columns.sorted(by: { $0.key < $1.key }) {
                    guard let ref = v.reference, !index.has(ref.id), !planned.contains(ref.id), !existingElsewhere.contains(ref.id)
                    else { continue }
                    switch policy {
                    case .fail:
                        let name = PortalTables.primaryName(r, definitions: index.definitions, catalog: catalog)
                        out.diagnostics.append(
                            Diagnostic(
                                check: .missingLookup,
                                message:
                                    "the lookup points to \(ref.logicalName) \(ref.id.dataverseString)\(ref.name.map { " \"\($0)\"" } ?? ""), which the target does not have",
                                table: table, recordID: source.records[table]?[i].id ?? r.id, recordName: name, column: column))
                    case .drop:
                        out.records[table]![i].columns[column] = .null
                        out.dropped.append(DroppedLookup(table: table, recordID: r.id, column: column, target: ref.logicalName, targetID: ref.id))
                    }
                }
            }
        }
        return out
    }
}

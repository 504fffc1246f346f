import Crypto
import Foundation
import PortalModel

/// Counts of what a strict comparison looked at.
///
/// - `records`: source records looked for in the target (plus target-only records when reported).
/// - `values`: column values compared (state and status included).
/// - `links`: N:N links compared (the union of both sides).
/// - `fileBodies`: file bodies compared by SHA-256.
public struct VerifyCounts: Sendable, Hashable, Codable {
    public var records = 0
    public var values = 0
    public var links = 0
    public var fileBodies = 0
    public init() {}
}

/// What `StrictVerifier.compare` found: the differences, what it compared, and what it left out.
///
/// - `notCompared`: one line per thing left out, saying why (system columns, environment-specific tables
///   and columns, columns the source format does not carry, lookups deliberately dropped, values a
///   deployment profile sets, tables with no counterpart in the other data model).
public struct StrictVerifyOutcome: Sendable {
    public var differences: [VerifyDifference]
    public var checked: VerifyCounts
    public var notCompared: [String]
}

/// The strict, independent comparison behind `verify` and the read-back after every write (issue 18):
/// two snapshots, record by record, over the union of their columns; nested values by value; N:N links
/// in both directions; file bodies by SHA-256; state and status.
///
/// It shares nothing with the planner's comparison (`Planner`, `ValueComparison`): it is given the
/// pairing of records (source id → target id, from identity matching) and decides equality itself
/// (`VerifyValue`). Left out, and listed in `notCompared`:
/// - system columns (`PortalTables.systemColumns`, `*_base`) and the primary id column;
/// - environment-specific tables (`scope.excludedTables`, `TableCatalog.environmentSpecificTables`) and
///   columns (`TableCatalog.environmentSpecificColumns`: the website's domain);
/// - columns of the target the source's format does not carry (`carried`, `CarriedColumns`);
/// - lookups deliberately dropped (`droppedLookups`: `--missing-lookups drop`);
/// - tables and columns with no counterpart in the other data model (`scope.excludedTables` with a
///   reason, `scope.excludedColumns`);
/// - with a schema scope, what the schema does not name.
/// Values a deployment profile sets (`hiddenColumns`) are compared against the profile's value but
/// never printed. Nothing else is skipped.
///
/// Example:
/// ```swift
/// let outcome = StrictVerifier(catalog: .standard, carried: .pacFolder)
///     .compare(source: folderSnapshot, target: environmentSnapshot, idMap: plan.idMap)
/// ```
public struct StrictVerifier: Sendable {
    public var catalog: TableCatalog
    /// What the source's format can say about columns.
    public var carried: CarriedColumns
    /// The tables, columns and N:N relationships compared.
    public var scope: VerifyScope
    /// Lookups cleared on purpose (`--missing-lookups drop`), in target ids: never compared.
    public var droppedLookups: [DroppedLookup] = []
    /// `PlanOptions.hiddenKey` keys (source ids) of values never printed (a deployment profile's).
    public var hiddenColumns: Set<String> = []
    /// False when records and links only the target has are not differences (a write without `--prune`).
    public var reportTargetOnly = true
    /// Tables whose existing target records are compared on presence only (a CMT schema's
    /// `skipupdate="true"`: a run leaves them as they are), with the target ids of records that existed
    /// before the run.
    public var presenceOnly: [String: Set<UUID>] = [:]
    /// True when a column a source record leaves out (no key at all) is not compared: the run kept the
    /// target's value (`--keep-absent-columns`, or a source whose format is unknown). Counted in
    /// `notCompared`. A column the source holds as empty is always compared.
    public var keepAbsent = false
    /// Tables shared by every website of an environment (portal languages): a target record of one
    /// that the source lacks is a difference only when a target record of the website references it.
    public static let globalTables: Set<String> = ["adx_portallanguage"]

    public init(catalog: TableCatalog = .standard, carried: CarriedColumns = .environment, scope: VerifyScope = .all) {
        self.catalog = catalog
        self.carried = carried
        self.scope = scope
    }

    /// Compares `source` (source ids) with `target` (target ids).
    /// - Parameters:
    ///   - idMap: source id → target id for paired records whose ids differ (natural-key matches, the
    ///     website mapped by `--targetWebSiteId`); every other source record pairs with the target record
    ///     of the same table and id. Lookups and link ends of the source are mapped the same way.
    ///   - deletedInTarget: target records a run deleted (table, id): each one still present is a difference.
    ///   - removedLinks: N:N links a run removed, by relationship, in target ids: each one still present
    ///     is a difference (`link-only-in-target`).
    /// - Returns: differences sorted by table, then id, then column.
    ///
    /// Steps, each on its own inputs: `compareRecords` (source records and their columns; pairs records),
    /// `targetOnlyRecords`, `notDeleted`, `bodyPairs` then `compareFileBodies`, `compareLinks`, and
    /// `notCompared` from what the record step left out.
    public func compare(
        source: PortalSnapshot, target: PortalSnapshot, idMap: [UUID: UUID],
        deletedInTarget: [(table: String, id: UUID, name: String?)] = [],
        removedLinks: [String: [ManyToManyLink]] = [:]
    ) -> StrictVerifyOutcome {
        let targetRecords = Self.recordsByID(target)
        let records = compareRecords(source: source, targetRecords: targetRecords, idMap: idMap)
        let targetOnly = targetOnlyRecords(target: target, paired: records.paired)
        let notDeleted = Self.notDeleted(deletedInTarget, targetRecords: targetRecords)
        let bodies = compareFileBodies(
            bodyPairs(source: source, target: target, paired: records.paired, idMap: idMap), source: source, target: target)
        let links = compareLinks(source: source, target: target, idMap: idMap, removedLinks: removedLinks)

        var counts = VerifyCounts()
        counts.records = records.records + targetOnly.compared
        counts.values = records.values
        counts.fileBodies = bodies.compared
        counts.links = links.compared
        let differences = records.differences + targetOnly.differences + notDeleted + bodies.differences + links.differences
        return StrictVerifyOutcome(
            differences: differences.sorted(by: Self.differenceOrder), checked: counts, notCompared: notCompared(records.leftOut))
    }

    /// `v` with a lookup's id mapped into the target's ids.
    func remapped(_ v: FieldValue, _ mapped: (UUID) -> UUID) -> FieldValue {
        switch v {
        case .lookup(let r): return .lookup(EntityReference(r.logicalName, mapped(r.id), name: r.name))
        case .owner(let r): return .owner(EntityReference(r.logicalName, mapped(r.id), name: r.name))
        default: return v
        }
    }

    /// A value as printed in a difference: its invariant text, a lookup as `table id`; `nil` when empty.
    func display(_ v: FieldValue?) -> String? {
        guard let v, VerifyValue(v) != .empty else { return nil }
        if let r = v.reference { return "\(r.logicalName) \(r.id.dataverseString)" }
        return v.text
    }

    /// `sha256:<hex> (N bytes)` of a body; `nil` when absent or empty (0 bytes: Dataverse stores an empty
    /// `documentbody` as null, as it does empty text); `unreadable: …` when it cannot be read.
    static func digest(_ body: FileBody?) -> String? {
        guard let body else { return nil }
        do {
            let data = try body.load()
            if data.isEmpty { return nil }
            return "sha256:" + SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined() + " (\(data.count) bytes)"
        } catch {
            return "unreadable: \(error.localizedDescription)"
        }
    }
}

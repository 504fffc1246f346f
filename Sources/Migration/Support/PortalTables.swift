import Foundation
import PortalModel

/// Which tables and columns the engine treats as portal configuration, and which columns it never
/// compares or writes.
///
/// A table is portal configuration when the catalog says it belongs to the standard (`adx_*`) or
/// enhanced (`powerpage*`) data model; when the catalog does not know it, by its prefix. System tables
/// (contact, subject, systemuser, businessunit, …) are referenced but never copied
/// (research/dataverse-webapi.md §11.2: "Migrating adx_webrole ↔ contact … moves identities, not configuration").
public enum PortalTables {
    /// The website tables of both data models (the root of every website's configuration).
    public static let websiteTables: Set<String> = ["adx_website", "powerpagesite"]
    /// The website id of a plan whose source has no website (planned by table): the nil UUID.
    public static let noWebsite = UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))

    /// Columns Dataverse maintains itself or that are bound to one environment (owner, business unit,
    /// audit stamps, version): never compared, never written.
    public static let systemColumns: Set<String> = [
        "createdon", "createdby", "modifiedon", "modifiedby", "createdonbehalfby", "modifiedonbehalfby",
        "overriddencreatedon", "versionnumber", "importsequencenumber", "timezoneruleversionnumber",
        "utcconversiontimezonecode", "ownerid", "owninguser", "owningteam", "owningbusinessunit",
        "organizationid", "solutionid", "componentstate", "ismanaged", "overwritetime",
        "componentidunique", "filesize", "iscustomizable", "stageid", "processid", "traversedpath",
        "exchangerate", "transactioncurrencyid",
    ]

    /// The state and status columns, written in the last pass.
    public static let stateColumns: Set<String> = ["statecode", "statuscode"]

    /// True when `logicalName` is portal configuration (copied), false for system tables (referenced only).
    public static func isPortalTable(_ logicalName: String, catalog: TableCatalog) -> Bool {
        if logicalName == "annotation" { return true }
        if let t = catalog.table(logicalName) { return t.dataModel != .system }
        return logicalName.hasPrefix("adx_") || logicalName.hasPrefix("powerpage") || logicalName.hasPrefix("mspp_")
    }

    /// True for a column the engine compares and writes (not a system column, not the primary id).
    public static func isDataColumn(_ column: String, primaryID: String? = nil) -> Bool {
        if systemColumns.contains(column) || column == primaryID { return false }
        if column.hasSuffix("_base") { return false }
        return true
    }
}

extension PortalTables {
    /// The record without system columns and the primary id column (`isDataColumn`).
    public static func dataColumns(of record: EntityRecord, primaryID: String?) -> EntityRecord {
        var out = record
        out.columns = record.columns.filter { isDataColumn($0.key, primaryID: primaryID) }
        return out
    }

    /// System columns a CMT import writes when its schema names them (CMT sets the owner, owning
    /// business unit and currency of the records it creates; research/cmt-format.md): kept by
    /// `dataColumns(of:primaryID:keeping:)` in a plan by table.
    public static let importableSystemColumns: Set<String> = ["ownerid", "owningbusinessunit", "transactioncurrencyid"]

    /// `dataColumns(of:primaryID:)` also keeping the system columns in `keeping`.
    public static func dataColumns(of record: EntityRecord, primaryID: String?, keeping: Set<String>) -> EntityRecord {
        var out = record
        out.columns = record.columns.filter { isDataColumn($0.key, primaryID: primaryID) || (keeping.contains($0.key) && $0.key != primaryID) }
        return out
    }

    /// The primary id column of a table: from the definitions, else the catalog, else `<table>id`.
    public static func primaryID(_ table: String, definitions: [String: TableDefinition], catalog: TableCatalog) -> String {
        definitions[table]?.primaryIDColumn ?? catalog.table(table)?.primaryIDColumn ?? "\(table)id"
    }

    /// The primary name of a record when its table has one (`adx_name`, `name`, `subject`, `filename`).
    public static func primaryName(_ record: EntityRecord, definitions: [String: TableDefinition], catalog: TableCatalog) -> String? {
        if let c = definitions[record.logicalName]?.primaryNameColumn ?? catalog.table(record.logicalName)?.primaryNameColumn,
            let s = record.string(c)
        {
            return s
        }
        for c in ["adx_name", "name", "filename", "subject"] { if let s = record.string(c) { return s } }
        return nil
    }
}

import Foundation
import PortalModel

/// Tables every environment has, added when the table source lacks them: the system tables portal
/// lookups point to (business unit, system user, contact, account, subject), notes (`annotation`),
/// the portal languages of the portal solution (`adx_portallanguage`, research/emulator-facts.md §2),
/// and the environment's own portal app table `pm_portalapp`.
///
/// The catalog's definition is used when it has the table; these minimal definitions are the
/// fallback (column names from research/dataverse-webapi.md §9.1 and §8, research/emulator-facts.md §2).
enum SystemTables {
    /// The portal app table: the Power Pages "site" host bound to a website record, the embedded
    /// stand-in for the admin API's website object (research/emulator-facts.md §3.2: `websiteRecordId`).
    /// `pm_websiterecordid` is a plain GUID column, not a lookup, so the app survives the deletion of
    /// its website record, as in Microsoft's migration procedure.
    static let portalApp = TableDefinition(
        logicalName: "pm_portalapp", displayName: "Portal App (PortalMigrate)", entitySetName: "pm_portalapps",
        primaryIDColumn: "pm_portalappid", primaryNameColumn: "pm_name",
        columns: [
            ColumnDefinition("pm_portalappid", .uniqueIdentifier),
            ColumnDefinition("pm_name", .string),
            ColumnDefinition("pm_websiterecordid", .uniqueIdentifier),
            ColumnDefinition("pm_template", .string),
            ColumnDefinition("pm_datamodel", .string),
            ColumnDefinition("pm_subdomain", .string),
        ],
        dataModel: .system, source: "PortalMigrate's own table (LocalEnvironment/Schema/SystemTables.swift)")

    static func minimal(_ logicalName: String) -> TableDefinition? {
        func table(_ name: String, _ display: String, _ set: String, _ nameColumn: String?, _ columns: [ColumnDefinition]) -> TableDefinition {
            TableDefinition(
                logicalName: name, displayName: display, entitySetName: set, primaryIDColumn: name + "id",
                primaryNameColumn: nameColumn, columns: [ColumnDefinition(name + "id", .uniqueIdentifier)] + columns,
                dataModel: .system, source: "LocalEnvironment minimal system table")
        }
        switch logicalName {
        case "businessunit":
            return table(
                "businessunit", "Business Unit", "businessunits", "name",
                [
                    ColumnDefinition("name", .string),
                    ColumnDefinition("parentbusinessunitid", .lookup, targets: ["businessunit"], navigationProperty: "parentbusinessunitid"),
                ])
        case "systemuser":
            return table(
                "systemuser", "User", "systemusers", "fullname",
                [
                    ColumnDefinition("fullname", .string),
                    ColumnDefinition("domainname", .string),
                    ColumnDefinition("businessunitid", .lookup, targets: ["businessunit"], navigationProperty: "businessunitid"),
                ])
        case "contact":
            return table(
                "contact", "Contact", "contacts", "fullname",
                [
                    ColumnDefinition("fullname", .string), ColumnDefinition("firstname", .string),
                    ColumnDefinition("lastname", .string), ColumnDefinition("emailaddress1", .string),
                    ColumnDefinition(
                        "parentcustomerid", .lookup, targets: ["account", "contact"],
                        navigationProperty: "parentcustomerid_account"),
                ])
        case "account":
            return table(
                "account", "Account", "accounts", "name",
                [
                    ColumnDefinition("name", .string), ColumnDefinition("accountnumber", .string),
                ])
        case "subject":
            return table(
                "subject", "Subject", "subjects", "title",
                [
                    ColumnDefinition("title", .string),
                    ColumnDefinition("parentsubject", .lookup, targets: ["subject"], navigationProperty: "parentsubject"),
                ])
        case "annotation":
            return table(
                "annotation", "Note", "annotations", "subject",
                [
                    ColumnDefinition("subject", .string), ColumnDefinition("notetext", .memo),
                    ColumnDefinition("filename", .string), ColumnDefinition("mimetype", .string),
                    ColumnDefinition("documentbody", .memo), ColumnDefinition("isdocument", .boolean),
                    ColumnDefinition("filesize", .integer), ColumnDefinition("objecttypecode", .entityName),
                    ColumnDefinition(
                        "objectid", .lookup, targets: ["adx_webfile", "adx_webpage", "account", "contact"],
                        navigationProperty: "objectid_adx_webfile"),
                ])
        case "adx_portallanguage":
            return TableDefinition(
                logicalName: "adx_portallanguage", displayName: "Portal Language", entitySetName: "adx_portallanguages",
                primaryIDColumn: "adx_portallanguageid", primaryNameColumn: "adx_name",
                columns: [
                    ColumnDefinition("adx_portallanguageid", .uniqueIdentifier), ColumnDefinition("adx_name", .string),
                    ColumnDefinition("adx_displayname", .string), ColumnDefinition("adx_languagecode", .string),
                    ColumnDefinition("adx_lcid", .integer), ColumnDefinition("adx_systemlanguage", .integer),
                    ColumnDefinition("statecode", .state), ColumnDefinition("statuscode", .status),
                ],
                dataModel: .standard, source: "LocalEnvironment minimal table (research/emulator-facts.md §2)")
        case "pm_portalapp":
            return portalApp
        default:
            return nil
        }
    }

    /// The tables added to every environment when missing.
    static let required = [
        "businessunit", "systemuser", "contact", "account", "subject", "annotation",
        "adx_portallanguage", "pm_portalapp",
    ]

    /// Columns every record has whatever its table definition says, maintained by the store and
    /// ignored on write (Dataverse treats them as read-only).
    static let systemColumns: [String: AttributeType] = [
        "versionnumber": .bigInt, "createdon": .dateTime, "modifiedon": .dateTime,
    ]

    /// Completes a table list with `required` tables (catalog definition first, else the minimal one).
    static func completing(_ tables: [TableDefinition], catalog: TableCatalog) -> [TableDefinition] {
        var result = tables
        let present = Set(tables.map(\.logicalName))
        for name in required where !present.contains(name) {
            if name != "pm_portalapp", let def = catalog.table(name) {
                result.append(def)
            } else if let def = minimal(name) {
                result.append(def)
            }
        }
        return result
    }
}

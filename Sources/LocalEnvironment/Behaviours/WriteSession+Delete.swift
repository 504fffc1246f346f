import Foundation
import PortalModel

/// Deletes with the cascades of research/platform-behaviours.md §5 (C1–C4). A switched-off rule
/// leaves the referencing records as they are (their lookups then point at a missing record).
extension WriteSession {
    enum DeleteBehaviour { case cascade, removeLink, none }

    /// Parental relationships of C4: (child table, lookup column) → cascade when the parent is deleted
    /// (research/platform-behaviours.md §5, [I] entries).
    static let parentalCascades: Set<String> = [
        "adx_weblink.adx_weblinksetid", "adx_entityformmetadata.adx_entityform", "adx_webformstep.adx_webform",
        "adx_webformmetadata.adx_webformstep", "adx_webformmetadata.adx_webform",
    ]

    /// What happens to `child.column` when the record it points at, in `parentTable`, is deleted.
    func deleteBehaviour(parentTable: String, child: String, column: String) -> DeleteBehaviour {
        let key = "\(child).\(column)"
        if child == "annotation" && column == "objectid" {
            return rules.contains(.notesCascade) ? .cascade : .none
        }
        if WriteSession.parentalCascades.contains(key) {
            return rules.contains(.parentalCascade) ? .cascade : .none
        }
        switch parentTable {
        case "adx_website":
            guard rules.contains(.websiteCascade) else { return .none }
            return key == "adx_website.adx_parentwebsiteid" ? .removeLink : .cascade
        case "powerpagesite":
            // The enhanced model's site owns its site languages and components, as adx_website owns
            // its configuration (C1 applied to the enhanced tables, research/dataverse-webapi.md §11.3;
            // the cascade type of powerpagesiteid is inferred [I]).
            return rules.contains(.websiteCascade) ? .cascade : .none
        case "adx_webpage":
            guard rules.contains(.webPageDeleteLinks) else { return .none }
            return key == "adx_webpageaccesscontrolrule.adx_webpageid" ? .cascade : .removeLink
        default:
            // Dataverse's default for other relationships: clear the lookup (RemoveLink).
            return .removeLink
        }
    }

    /// Deletes a record, its bodies and N:N links, and applies the cascades to records pointing at it.
    func delete(_ table: String, _ id: UUID, visited: inout Set<String>) throws {
        let tag = "\(table)/\(id.dataverseString)"
        guard visited.insert(tag).inserted else { return }
        if try LocalEnvironment.refusedDeletes(db).contains(id) {
            throw DataverseError(
                httpStatus: 400, code: DataverseError.Code.pluginFailure, message: LocalEnvironment.refusedDeleteMessage,
                logicalName: table, recordID: id)
        }
        for (child, childID, column) in try referencing(table, id) {
            if child == table && childID == id { continue }
            switch deleteBehaviour(parentTable: table, child: child, column: column) {
            case .cascade:
                try delete(child, childID, visited: &visited)
            case .removeLink:
                guard var stored = try load(child, childID) else { continue }
                stored.columns[column] = nil
                try save(child, childID, stored.columns, createdOn: stored.createdOn)
            case .none:
                break
            }
        }
        let key = id.dataverseString
        try db.execute(sql: "DELETE FROM records WHERE logicalname = ? AND id = ?", arguments: [table, key])
        try db.execute(sql: "DELETE FROM refs WHERE logicalname = ? AND id = ?", arguments: [table, key])
        try db.execute(sql: "DELETE FROM bodies WHERE logicalname = ? AND id = ?", arguments: [table, key])
        try db.execute(
            sql: "DELETE FROM links WHERE (firstid = ? AND firsttable = ?) OR (secondid = ? AND secondtable = ?)",
            arguments: [key, table, key, table])
    }
}

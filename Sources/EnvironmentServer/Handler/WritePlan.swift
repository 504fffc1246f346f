import Foundation
import PortalModel

/// What the requests of one change set have set up so far: the entity URL of each Content-ID
/// (`1` → `adx_webpages(…)`, research/dataverse-webapi.md §4.1) and the ids created by earlier
/// requests, which count as existing for later ones.
struct ChangeSetContext {
    var contentIDs: [String: String] = [:]
    var created: Set<UUID> = []
}

/// A write request turned into operations before anything is executed, so a change set can be
/// checked completely and then run as one atomic `ChangeSet`.
struct WritePlan {
    enum Kind { case create, update, upsert, delete, link }
    var kind: Kind
    var operations: [DataverseOperation]
    var table: TableDefinition
    var id: UUID
    /// True when the request creates the record (POST, or an upsert of a missing id).
    var creates: Bool
    var representation: Bool
    var select: [ColumnDefinition]?

    /// The relative entity URL (`adx_webpages(…)`), the value of a Content-ID reference.
    var entityPath: String { "\(table.entitySetName)(\(id.dataverseString))" }
}

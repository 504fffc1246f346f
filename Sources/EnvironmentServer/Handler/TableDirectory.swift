import Foundation
import PortalModel

/// The served environment's tables by entity set name and logical name, read from its own
/// `tableDefinitions()` (research/dataverse-webapi.md §1.3: entity set names come from metadata,
/// never from pluralising). Re-read when a name is not found, so tables added while serving appear.
final class TableDirectory: Sendable {
    private let service: any DataverseService
    private let catalog = Locked<TableCatalog?>(nil)

    init(service: any DataverseService) { self.service = service }

    /// The current catalog, read on first use.
    func current() async throws -> TableCatalog {
        if let c = catalog.current { return c }
        return try await reload()
    }

    @discardableResult
    func reload() async throws -> TableCatalog {
        let c = TableCatalog(tables: try await service.tableDefinitions())
        catalog.withLock { $0 = c }
        return c
    }

    /// The table served under an entity set name (case-sensitive), `nil` when none.
    func table(entitySet: String) async throws -> TableDefinition? {
        if let t = try await current().table(entitySet: entitySet) { return t }
        return try await reload().table(entitySet: entitySet)
    }

    /// The table with a logical name, `nil` when none.
    func table(_ logicalName: String) async throws -> TableDefinition? {
        if let t = try await current().table(logicalName) { return t }
        return try await reload().table(logicalName)
    }
}

import Foundation
import PortalModel

/// Holds the environment's table definitions once read, so one client asks for the whole metadata
/// (three large requests, research/dataverse-webapi.md §7) once per run instead of once per reader:
/// a `migrate` or `upload` reads them for the source snapshot, for the target snapshot and again when
/// it plans after confirming. Concurrent first calls share one read.
///
/// Metadata does not change during a migration run; `invalidate()` forgets the definitions (for a
/// long-lived client after a schema change).
actor TableDefinitionsCache {
    private var loaded: [TableDefinition]?
    private var loading: Task<[TableDefinition], Error>?

    /// The cached definitions, or the result of `load` (run once even when called concurrently).
    /// A failed load is not cached.
    /// - Throws: what `load` throws.
    func definitions(_ load: @escaping @Sendable () async throws -> [TableDefinition]) async throws -> [TableDefinition] {
        if let loaded { return loaded }
        if let loading { return try await loading.value }
        let task = Task { try await load() }
        loading = task
        do {
            let value = try await task.value
            loaded = value
            loading = nil
            return value
        } catch {
            loading = nil
            throw error
        }
    }

    /// Forgets the definitions; the next call reads them again.
    func invalidate() {
        loaded = nil
        loading = nil
    }
}

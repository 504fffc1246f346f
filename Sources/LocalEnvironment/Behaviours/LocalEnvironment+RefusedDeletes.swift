import Foundation
import GRDB
import PortalModel

/// Records whose deletion the environment refuses, as a portal plug-in on Delete does (research
/// alm-landscape-2026.md §3 N4: a code site's bundle clean-up "delete blocked by a plug-in"): a delete
/// of one of them, directly or by a cascade, fails with HTTP 400 `0x80040265` and changes nothing.
/// For rehearsals and tests (`portal-migrate env settings NAME --refuse-deletes IDS`); kept in the
/// environment file, so a served environment refuses them too. Never bypassed by
/// `bypassCustomPlugins`: the plug-in it stands for is not one of the portal's own.
extension LocalEnvironment {
    /// The meta key holding the ids.
    static let refusedDeletesKey = "refusedDeletes"

    /// The ids whose deletion is refused.
    public func refusedDeletes() async throws -> Set<UUID> {
        try await pool.read { db in try LocalEnvironment.refusedDeletes(db) }
    }

    /// Replaces the ids whose deletion is refused (empty: none).
    public func setRefusedDeletes(_ ids: Set<UUID>) async throws {
        try await pool.write { db in
            try StoreSchema.setMeta(db, LocalEnvironment.refusedDeletesKey, ids.map(\.dataverseString).sorted())
        }
    }

    static func refusedDeletes(_ db: Database) throws -> Set<UUID> {
        Set((try StoreSchema.meta(db, refusedDeletesKey, as: [String].self) ?? []).compactMap { UUID(uuidString: $0) })
    }

    /// The message of a refused delete.
    public static let refusedDeleteMessage = "A plug-in on Delete refused to delete this record (env settings --refuse-deletes)."
}

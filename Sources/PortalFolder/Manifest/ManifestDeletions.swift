import Foundation
import PortalModel

extension ManifestDeletion {
    /// The N:N link an association entry removes, or `nil` for a record entry.
    ///
    /// pac writes an association as `RecordId: <related id>` with
    /// `DisplayName: $RELATIONSHIP$<entity>:<entity id>:<related entity>` under the relationship name
    /// (research/pac-portal-format.md §3, "N:N association entries"). The link is
    /// `(<entity>, <entity id>) ↔ (<related entity>, RecordId)`.
    public var link: ManyToManyLink? {
        guard let name = displayName, name.hasPrefix("$RELATIONSHIP$") else { return nil }
        let parts = name.dropFirst("$RELATIONSHIP$".count).split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, !parts[0].isEmpty, !parts[2].isEmpty, let entityID = UUID(dataverse: parts[1]) else { return nil }
        return ManyToManyLink(EntityReference(parts[0], entityID), EntityReference(parts[2], recordID))
    }
}

extension PortalFolderContent {
    /// The records `manifest.yml` marks `IsDeleted: true`, by table logical name → record ids
    /// (association entries excluded: see `deletedLinks`).
    public var deletedRecords: [String: Set<UUID>] {
        var out: [String: Set<UUID>] = [:]
        for d in deletions where d.link == nil && !(d.displayName ?? "").hasPrefix("$RELATIONSHIP$") {
            out[d.section, default: []].insert(d.recordID)
        }
        return out
    }

    /// The N:N links `manifest.yml` marks `IsDeleted: true`, by relationship name.
    public var deletedLinks: [String: Set<ManyToManyLink>] {
        var out: [String: Set<ManyToManyLink>] = [:]
        for d in deletions { if let l = d.link { out[d.section, default: []].insert(l) } }
        return out
    }

    /// Association entries whose display name is not pac's `$RELATIONSHIP$<entity>:<id>:<related>` form
    /// (neither a record nor a link can be deleted for them).
    public var unreadableDeletions: [ManifestDeletion] {
        deletions.filter { ($0.displayName ?? "").hasPrefix("$RELATIONSHIP$") && $0.link == nil }
    }
}

import Foundation
import PortalModel

/// The embedded environment's capabilities beyond `DataverseService` (issue 19): it keeps file names
/// with their bodies, writes its organization row directly, hosts sites (the admin API's operations),
/// and keeps `versionnumber` on every table. Callers (the server, the migration commands) ask
/// `service.fileStore`, `.organizationSettingsEditor`, `.siteHosting`, never `as? LocalEnvironment`.
extension LocalEnvironment: FileStore, OrganizationSettingsEditor, SiteHosting {
    /// `file(_:)` as PortalModel's `StoredFileBody`. - Throws: as `file(_:)`.
    public func storedFile(_ key: FileBodyKey) async throws -> StoredFileBody? {
        guard let stored = try await file(key) else { return nil }
        return StoredFileBody(fileName: stored.fileName, mimeType: stored.mimeType, data: stored.data)
    }

    /// Sets the organization's blocked extensions (`updateOrganization(blockedAttachments:)`).
    /// - Throws: what writing the organization row throws.
    public func setBlockedAttachments(_ extensions: [String]) async throws {
        try await updateOrganization(blockedAttachments: extensions)
    }

    /// Every table of the store keeps a `versionnumber`, system tables such as `annotation` too.
    public var versionNumberOnEveryTable: Bool { true }
}

import Foundation
import PortalModel

/// The enhanced-model view's capabilities (issue 19): it is an `EnhancedModelView` itself, and answers
/// every other capability with its base environment's, so a caller holding the view gets what the
/// environment underneath can do (sending advice from the Web API client, the embedded environment's
/// site hosts and settings). File names are the base's too, asked under the key the base stores the
/// body at (a web file note's body is its component's `filecontent`).
///
/// Every capability `DataverseService` declares must be forwarded here: `EnhancedModelCapabilityTests`
/// checks each, so a new one cannot be dropped silently.
extension EnhancedModelService: EnhancedModelView {
    public nonisolated func freshView(acceptingColumnsOf source: PortalSnapshot?, siteScope: UUID?) -> any DataverseService {
        EnhancedModelService(base: base, catalog: catalog, acceptingColumnsOf: source, siteScope: siteScope)
    }

    /// The base's advice (the view sends through it); `nil` when the base has none.
    public nonisolated var sendingAdvice: (any SendingAdvice)? { base.sendingAdvice }

    /// The base's stored files, read under the keys the view translates to (`EnhancedFileStore`);
    /// `nil` when the base keeps no file names.
    public nonisolated var fileStore: (any FileStore)? { base.fileStore.map { EnhancedFileStore(view: self, store: $0) } }

    /// The base's: the organization row is the environment's, whichever model the view shows.
    public nonisolated var organizationSettingsEditor: (any OrganizationSettingsEditor)? { base.organizationSettingsEditor }

    /// The base's: site hosts are the environment's.
    public nonisolated var siteHosting: (any SiteHosting)? { base.siteHosting }

    /// The base's.
    public nonisolated var versionNumberOnEveryTable: Bool { base.versionNumberOnEveryTable }

    /// The base's: the view talks to the environment underneath.
    public nonisolated var environmentURL: URL? { base.environmentURL }

    /// The key the base stores the body of `key` at: a web file note's `documentbody` (as the view shows
    /// it) is its web file component's `filecontent`; any other key is the base's own.
    /// - Throws: what reading the view throws.
    func baseFileKey(_ key: FileBodyKey) async throws -> FileBodyKey {
        if key.logicalName == "annotation", key.column == "documentbody",
            let note = try await standardView().record("annotation", key.id),
            let file = note.lookupID("objectid") ?? note["objectid"].flatMap({ UUID(dataverse: $0.text ?? "") })
        {
            return FileBodyKey("powerpagecomponent", file, "filecontent")
        }
        return key
    }
}

/// The file store of an enhanced-model view: the base's stored files under the keys the view translates
/// to (`EnhancedModelService.baseFileKey(_:)`).
struct EnhancedFileStore: FileStore {
    let view: EnhancedModelService
    let store: any FileStore

    func storedFile(_ key: FileBodyKey) async throws -> StoredFileBody? {
        try await store.storedFile(try await view.baseFileKey(key))
    }
}

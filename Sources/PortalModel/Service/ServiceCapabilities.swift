import Foundation

// Optional abilities of a `DataverseService` beyond reading and writing records (issue 19: "the
// enhanced-model special cases become a capability of the service instead of downcasts").
//
// Each capability is a protocol and a `DataverseService` requirement answering it or `nil`:
// - a service type that conforms to the capability protocol answers itself (the constrained defaults
//   below), so `WebAPIClient` is its own `sendingAdvice` and `LocalEnvironment` its own `fileStore`;
// - a service that wraps another (the enhanced-model view `EnhancedModelService`) forwards its base's
//   capabilities explicitly, so a caller asking the wrapper gets what the environment underneath can
//   do; a wrapper that forgot one would answer `nil` — the bug class downcasts cause — which the
//   wrapper's forwarding test catches.
// Callers ask `service.fileStore` rather than `service as? LocalEnvironment`, and `service.environmentURL`
// rather than `(service as? WebAPIClient)?.configuration.environmentURL`.

/// A service that shows an environment's enhanced-data-model site (`powerpagesite`,
/// `powerpagesitelanguage`, `powerpagecomponent`) as the standard data model (`adx_*` tables), so the
/// one engine plans, writes and verifies either model (DESIGN.md "One engine"; issue 9). The engine
/// needs to know it is writing through such a view: some checks read the environment underneath as it
/// is (a website id in the other model, records of other sites the view hides).
public protocol EnhancedModelView: Sendable {
    /// The environment underneath, whose enhanced tables (and every other table) are read and written
    /// as they are, without translation.
    var base: any DataverseService { get }

    /// Learns what a snapshot about to be written through the view needs before the view is asked for
    /// its columns: the source's columns outside the catalog (camelCase `content` keys) as open text
    /// columns, its empty columns, its web file notes' ids (issue 16, R04).
    func prepare(toWrite source: PortalSnapshot) async

    /// A new view of the same environment with nothing cached from this one's writes (what a read-back
    /// after a run uses), accepting the columns of `source` and showing the site `siteScope` only
    /// (`nil`: the website of `source`, else every site).
    func freshView(acceptingColumnsOf source: PortalSnapshot?, siteScope: UUID?) -> any DataverseService
}

/// An environment that writes its organization row's settings directly rather than through
/// `PATCH organizations(id)` (the embedded environment: its organization row is not a table).
/// Services without it take the `PATCH` (research/dataverse-webapi.md §8).
public protocol OrganizationSettingsEditor: Sendable {
    /// Sets the organization's `blockedattachments` to `extensions` (lowercase, without dots, in order).
    /// - Throws: what the environment reports when the row cannot be written.
    func setBlockedAttachments(_ extensions: [String]) async throws
}

extension DataverseService {
    /// No enhanced-model view: the service's tables are what it shows.
    public var enhancedModelView: (any EnhancedModelView)? { nil }
    /// No sending advice: the applier's defaults apply.
    public var sendingAdvice: (any SendingAdvice)? { nil }
    /// No stored file names: file bodies through `downloadFile` only.
    public var fileStore: (any FileStore)? { nil }
    /// No direct settings writer: `PATCH organizations(id)`.
    public var organizationSettingsEditor: (any OrganizationSettingsEditor)? { nil }
    /// No site hosts (not the embedded environment).
    public var siteHosting: (any SiteHosting)? { nil }
    /// Only tables whose metadata lists `versionnumber` keep it (Dataverse).
    public var versionNumberOnEveryTable: Bool { false }
    /// No environment URL (an in-process environment).
    public var environmentURL: URL? { nil }
}

extension DataverseService where Self: EnhancedModelView {
    /// A service that is an enhanced-model view answers itself.
    public var enhancedModelView: (any EnhancedModelView)? { self }
}

extension DataverseService where Self: SendingAdvice {
    /// A service that advises answers itself.
    public var sendingAdvice: (any SendingAdvice)? { self }
}

extension DataverseService where Self: FileStore {
    /// A service that keeps file names answers itself.
    public var fileStore: (any FileStore)? { self }
}

extension DataverseService where Self: OrganizationSettingsEditor {
    /// A service that writes its settings directly answers itself.
    public var organizationSettingsEditor: (any OrganizationSettingsEditor)? { self }
}

extension DataverseService where Self: SiteHosting {
    /// A service that hosts sites answers itself.
    public var siteHosting: (any SiteHosting)? { self }
}

/// The capabilities a `DataverseService` can have, one case per capability requirement of the
/// protocol. Adding a capability means adding its case here and to `DataverseService.capabilities`, so
/// the wrapper tests (which compare a wrapper's capabilities with its base's) cover it.
public enum ServiceCapability: String, CaseIterable, Sendable, Hashable {
    case enhancedModelView, sendingAdvice, fileStore, organizationSettingsEditor, siteHosting, versionNumberOnEveryTable, environmentURL
}

extension DataverseService {
    /// The capabilities this service has (a non-nil answer, or true).
    public var capabilities: Set<ServiceCapability> {
        var all: Set<ServiceCapability> = []
        if enhancedModelView != nil { all.insert(.enhancedModelView) }
        if sendingAdvice != nil { all.insert(.sendingAdvice) }
        if fileStore != nil { all.insert(.fileStore) }
        if organizationSettingsEditor != nil { all.insert(.organizationSettingsEditor) }
        if siteHosting != nil { all.insert(.siteHosting) }
        if versionNumberOnEveryTable { all.insert(.versionNumberOnEveryTable) }
        if environmentURL != nil { all.insert(.environmentURL) }
        return all
    }
}

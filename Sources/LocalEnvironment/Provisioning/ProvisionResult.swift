import Foundation

/// A website of an environment, as `portal-migrate list` shows it.
///
/// - `websiteId`: the `adx_websiteid` (standard model) or `powerpagesiteid` (enhanced model).
/// - `dataModel`: `standard` or `enhanced`.
/// - `baseLanguage`: the LCID of the website's default language, else the organization's.
/// - `portalAppId`: the portal app bound to the website, `nil` when none.
public struct WebsiteSummary: Sendable, Hashable, Codable {
    public var websiteId: UUID
    public var name: String
    public var dataModel: String
    public var baseLanguage: Int
    public var portalAppId: UUID?

    public init(websiteId: UUID, name: String, dataModel: String, baseLanguage: Int, portalAppId: UUID?) {
        self.websiteId = websiteId
        self.name = name
        self.dataModel = dataModel
        self.baseLanguage = baseLanguage
        self.portalAppId = portalAppId
    }
}

/// What `provision` made: the website record and the portal app bound to it.
public struct ProvisionResult: Sendable, Hashable, Codable {
    public var websiteId: UUID
    public var portalAppId: UUID
    public var template: String
    /// Records created, by table logical name.
    public var recordCounts: [String: Int]
}

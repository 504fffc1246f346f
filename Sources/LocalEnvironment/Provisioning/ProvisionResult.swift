import Foundation

/// What `provision` made: the website record and the portal app bound to it.
public struct ProvisionResult: Sendable, Hashable, Codable {
    public var websiteId: UUID
    public var portalAppId: UUID
    public var template: String
    /// Records created, by table logical name.
    public var recordCounts: [String: Int]
}

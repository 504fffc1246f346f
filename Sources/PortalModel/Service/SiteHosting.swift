import Foundation

/// A Power Pages site host: what the admin API calls a website (research/code-sites-and-admin-api.md
/// §B.4, §B.8); in the embedded environment a `pm_portalapp` row.
///
/// - `id`: the host id (`pm_portalappid`), the admin API's website `id`.
/// - `websiteRecordId`: the website record it hosts (`adx_websiteid` or `powerpagesiteid`); the record
///   may have been deleted since (the host then points at nothing, as after Microsoft's procedure).
/// - `template`: an admin API template name for hosts made through the admin API, a built-in template
///   name such as `starter` for hosts made by `env provision`.
/// - `dataModel`: `standard` or `enhanced`, as stored with the host.
/// - `subdomain`: the `<subdomain>.powerappsportals.com` label, `nil` for hosts made without one.
/// - `createdOn`: when the host was made (UTC).
public struct SiteHost: Sendable, Hashable {
    public var id: UUID
    public var name: String
    public var websiteRecordId: UUID?
    public var template: String
    public var dataModel: String
    public var subdomain: String?
    public var createdOn: Date

    public init(
        id: UUID, name: String, websiteRecordId: UUID?, template: String, dataModel: String, subdomain: String?, createdOn: Date
    ) {
        self.id = id
        self.name = name
        self.websiteRecordId = websiteRecordId
        self.template = template
        self.dataModel = dataModel
        self.subdomain = subdomain
        self.createdOn = createdOn
    }
}

/// An environment that hosts Power Pages sites itself (the embedded environment): the operations the
/// Power Pages admin API performs on it (research/code-sites-and-admin-api.md §B.1–§B.4), served by
/// `EnvironmentServer`'s admin API for any service that has them. Ask `DataverseService.siteHosting`.
public protocol SiteHosting: Sendable {
    /// Every site host, oldest first.
    /// - Throws: `DataverseError` when the hosts cannot be read.
    func siteHosts() async throws -> [SiteHost]

    /// Provisions a new website from the built-in template `template` (`starter`,
    /// `customer-self-service`) in `dataModel`, and a host with id `hostID`, name `name`, `subdomain`
    /// and admin API template name `hostTemplate`, in one step that first checks that no other host uses
    /// `subdomain`.
    /// - Throws: an error naming the subdomain when it is taken, or the template when it is unknown;
    ///   `DataverseError` when writing fails.
    func createSiteHost(
        template: String, hostTemplate: String, name: String, subdomain: String, dataModel: DataModel, hostID: UUID
    ) async throws -> SiteHost

    /// Binds a new host to the existing website record `existingWebsite` (the admin API's create with
    /// `websiteRecordId`): checks that the record exists, has no host yet and that `subdomain` is free.
    /// The website record itself is not changed.
    /// - Throws: an error naming the website when it is missing or already hosted, or the subdomain when taken.
    func bindSiteHost(existingWebsite: UUID, hostTemplate: String, name: String, subdomain: String, hostID: UUID) async throws -> SiteHost

    /// Deletes the host `hostID`; the website record and its configuration stay (the admin API's
    /// delete, research §B.1). - Returns: false when no host has this id.
    @discardableResult
    func deleteSiteHost(_ hostID: UUID) async throws -> Bool
}

extension SiteHost {
    /// Whether `subdomain` can be a site's web address label (`https://SUBDOMAIN.powerappsportals.com`):
    /// 2 to 63 characters, each a lower-case ASCII letter, a digit or a hyphen, not starting or ending
    /// with a hyphen. Microsoft's client's rule (research/code-sites-and-admin-api.md §B.2, [V-code]); the
    /// service may refuse more (a taken name). The one rule of the product: the command line
    /// (`CreateWebsiteRequest.isValidSubdomain`) and the embedded server's admin API both ask it. It lives
    /// here because `EnvironmentServer` depends on `PortalModel` alone, not on `DataverseWebAPI`.
    public static func isValidSubdomain(_ subdomain: String) -> Bool {
        let bytes = Array(subdomain.utf8)
        let hyphen = UInt8(ascii: "-")
        guard (2...63).contains(bytes.count), bytes.first != hyphen, bytes.last != hyphen else { return false }
        return bytes.allSatisfy {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || $0 == hyphen
        }
    }
}

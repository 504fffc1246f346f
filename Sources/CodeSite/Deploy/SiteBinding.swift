import Foundation
import PortalModel

/// Which site of the target a code-site upload writes into (issue 23; research §A.3 F1: pac makes a
/// new inactive site whenever `.powerpages-site/` is missing, and never looks sites up by name).
///
/// The rule, in order:
/// 1. `--webSiteId`: that site; it must exist in the target (else an error naming it);
/// 2. the site recorded in `.powerpages-site/website.yml`, when the target has it;
/// 3. the one `powerpagesite` whose name is the project's site name (ignoring case); two or more is
///    an error listing them;
/// 4. none: a new site with `website.yml`'s id only with `--create`; otherwise an error saying so.
/// A second site is therefore never created silently.
public struct SiteBinding: Sendable, Equatable {
    /// How the site was found.
    public enum Reason: String, Sendable, Equatable {
        case webSiteIdOption = "--webSiteId"
        case websiteFile = ".powerpages-site/website.yml"
        case siteName = "the site name"
        case created = "--create"
    }

    /// The target site's id.
    public var siteID: UUID
    /// The site's name in the target (`nil` for a site being created).
    public var name: String?
    public var reason: Reason
    /// `siteID` when it differs from the folder's website id (the engine maps the folder's site onto it).
    public var targetWebsiteID: UUID?

    /// One line for the user.
    public var description: String {
        switch reason {
        case .created: return "Creating a new site \(siteID.dataverseString) (--create)"
        case .webSiteIdOption: return "Uploading into site \(siteID.dataverseString)\(name.map { " \"\($0)\"" } ?? "") (--webSiteId)"
        case .websiteFile:
            return "Uploading into site \(siteID.dataverseString)\(name.map { " \"\($0)\"" } ?? "") (the id in .powerpages-site/website.yml)"
        case .siteName:
            return "Uploading into site \(siteID.dataverseString) \"\(name ?? "")\" (the one site of that name; .powerpages-site/website.yml names "
                + "another id, which this target does not have)"
        }
    }

    /// Decides the binding.
    /// - Parameters:
    ///   - folderSite: the id in `website.yml`.
    ///   - siteName: the project's site name (`--siteName`, config, `website.yml`).
    ///   - webSiteID: `--webSiteId`.
    ///   - create: `--create`.
    ///   - target: the environment (its `powerpagesite` table is read; none means no sites).
    /// - Throws: `SiteBindingError`.
    public static func decide(
        folderSite: UUID, siteName: String?, webSiteID: UUID?, create: Bool,
        target: any DataverseService
    ) async throws -> SiteBinding {
        let sites: [EntityRecord]
        do {
            sites = try await target.retrieveAll(RecordQuery("powerpagesite", columns: ["name"]))
        } catch let e as DataverseError where e.isNotFound {
            sites = []
        }
        func named(_ id: UUID) -> String? { sites.first { $0.id == id }?.string("name") }
        if let webSiteID {
            guard sites.contains(where: { $0.id == webSiteID }) else { throw SiteBindingError.webSiteIdNotFound(webSiteID) }
            return SiteBinding(
                siteID: webSiteID, name: named(webSiteID), reason: .webSiteIdOption,
                targetWebsiteID: webSiteID == folderSite ? nil : webSiteID)
        }
        if sites.contains(where: { $0.id == folderSite }) {
            return SiteBinding(siteID: folderSite, name: named(folderSite), reason: .websiteFile, targetWebsiteID: nil)
        }
        if let siteName {
            let same = sites.filter { $0.string("name")?.caseInsensitiveCompare(siteName) == .orderedSame }
            if same.count == 1 {
                return SiteBinding(siteID: same[0].id, name: same[0].string("name"), reason: .siteName, targetWebsiteID: same[0].id)
            }
            if same.count > 1 { throw SiteBindingError.severalSitesNamed(siteName, same.map(\.id).sorted { $0.uuidString < $1.uuidString }) }
        }
        guard create else { throw SiteBindingError.noSite(folderSite: folderSite, siteName: siteName) }
        return SiteBinding(siteID: folderSite, name: nil, reason: .created, targetWebsiteID: nil)
    }
}

/// Why no site could be chosen (exit code 2, nothing written).
public enum SiteBindingError: Error, CustomStringConvertible, Sendable, Equatable {
    case webSiteIdNotFound(UUID)
    case severalSitesNamed(String, [UUID])
    case noSite(folderSite: UUID, siteName: String?)

    public var description: String {
        switch self {
        case .webSiteIdNotFound(let id):
            return "--webSiteId \(id.dataverseString): the target has no code site (powerpagesite) with that id; see `portal-migrate list`"
        case .severalSitesNamed(let name, let ids):
            return "the target has \(ids.count) sites named \"\(name)\" (\(ids.map(\.dataverseString).joined(separator: ", "))); "
                + "pass --webSiteId with the one to upload into"
        case .noSite(let folder, let name):
            return "the target has neither the site of .powerpages-site/website.yml (\(folder.dataverseString)) nor a site named "
                + "\"\(name ?? "")\"; nothing was written. Pass --create to create a new site, or --webSiteId to upload into an existing one"
        }
    }
}

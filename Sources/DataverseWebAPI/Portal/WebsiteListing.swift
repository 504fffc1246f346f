import Foundation
import PortalModel

/// One website of an environment as `portal-migrate list` shows it (the same fields as for
/// embedded environments): id, name, data model (`standard` for `adx_website`, `enhanced` for
/// `powerpagesite`), base language LCID and the portal app bound to it, if any.
public struct WebsiteInfo: Sendable, Hashable {
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

/// Lists the websites of any `DataverseService` (research/dataverse-webapi.md §8, §11):
///
/// - standard model: every `adx_website`; its base language is the LCID of the portal language
///   (`adx_portallanguage.adx_lcid`) of its default website language (`adx_defaultlanguage` →
///   `adx_websitelanguage.adx_portallanguageid`), else the organization's `languagecode`;
/// - enhanced model: every `powerpagesite`, with the organization's base language;
/// - portal app: the `pm_portalapp` row whose `pm_websiterecordid` is the website (the embedded
///   environment's stand-in for the Power Platform portal resource); `nil` where the table does not exist.
///
/// Tables the environment lacks (404 `0x8006088a` or an unknown table) are skipped. Sorted by name, then id.
public enum WebsiteListing {
    /// - Throws: `DataverseError` for failures other than a missing table.
    public static func websites(in service: any DataverseService) async throws -> [WebsiteInfo] {
        let org = try await service.organizationInfo()
        func all(_ table: String, _ columns: [String]) async throws -> [EntityRecord] {
            do { return try await service.retrieveAll(RecordQuery(table, columns: columns)) } catch let e as DataverseError {
                if e.code == DataverseError.Code.resourceNotFound || e.httpStatus == 404 { return [] }
                throw e
            }
        }
        var apps: [UUID: UUID] = [:]
        for r in try await all("pm_portalapp", ["pm_websiterecordid"]) {
            switch r["pm_websiterecordid"] {
            case .guid(let site)?: apps[site] = r.id
            case .string(let s)?: if let site = UUID(dataverse: s) { apps[site] = r.id }
            case .lookup(let ref)?: apps[ref.id] = r.id
            default: break
            }
        }
        var result: [WebsiteInfo] = []
        let sites = try await all("adx_website", ["adx_name", "adx_defaultlanguage"])
        if !sites.isEmpty {
            var lcid: [UUID: Int] = [:]
            for p in try await all("adx_portallanguage", ["adx_lcid"]) {
                if case .integer(let l)? = p["adx_lcid"] { lcid[p.id] = Int(l) }
            }
            var languages: [UUID: UUID] = [:]
            for l in try await all("adx_websitelanguage", ["adx_portallanguageid"]) {
                if let p = l.lookupID("adx_portallanguageid") { languages[l.id] = p }
            }
            for s in sites {
                let base = s.lookupID("adx_defaultlanguage").flatMap { languages[$0] }.flatMap { lcid[$0] } ?? org.languageCode
                result.append(WebsiteInfo(websiteId: s.id, name: s.string("adx_name") ?? "", dataModel: "standard",
                                          baseLanguage: base, portalAppId: apps[s.id]))
            }
        }
        for s in try await all("powerpagesite", ["name"]) {
            result.append(WebsiteInfo(websiteId: s.id, name: s.string("name") ?? "", dataModel: "enhanced",
                                      baseLanguage: org.languageCode, portalAppId: apps[s.id]))
        }
        return result.sorted { ($0.name, $0.websiteId.uuidString) < ($1.name, $1.websiteId.uuidString) }
    }
}

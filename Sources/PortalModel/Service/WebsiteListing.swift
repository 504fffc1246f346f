import Foundation

/// A website of an environment, as `portal-migrate list` shows it.
///
/// - `websiteId`: the `adx_websiteid` (standard model) or `powerpagesiteid` (enhanced model).
/// - `name`: `adx_name` or `name`.
/// - `dataModel`: `standard` or `enhanced` (`DataModel.rawValue`).
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

    /// `dataModel` as a `DataModel` (`nil` for an unexpected text).
    public var model: DataModel? { DataModel(rawValue: dataModel) }
}

/// The websites of any `DataverseService` (a `WebAPIClient` over HTTP or an embedded
/// `LocalEnvironment`), read with ordinary queries (research/dataverse-webapi.md §8, §11.2, §11.3):
///
/// - standard model: every `adx_website`; its base language is the LCID of the portal language
///   (`adx_portallanguage.adx_lcid`) of its default website language (`adx_defaultlanguage` →
///   `adx_websitelanguage.adx_portallanguageid`), else the organization's `languagecode`;
/// - enhanced model: every `powerpagesite`; its base language is the `lcid` of the site language
///   named by `content.defaultlanguage` (research/emulator-facts.md §4.2, [I] as a content key), else
///   of the site's only `powerpagesitelanguage`, else the organization's;
/// - portal app: the `pm_portalapp` row whose `pm_websiterecordid` is the website (the embedded
///   environment's stand-in for the Power Platform portal resource); `nil` where the table does not exist.
///
/// Tables the environment lacks (404 / `0x8006088a`) are skipped.
public enum WebsiteListing {
    /// Every website, sorted by name, then id.
    /// - Throws: `DataverseError` for failures other than a missing table.
    public static func websites(in service: any DataverseService) async throws -> [WebsiteSummary] {
        let org = try await service.organizationInfo()
        var apps: [UUID: UUID] = [:]
        for r in try await all(service, "pm_portalapp", ["pm_websiterecordid"]) {
            switch r["pm_websiterecordid"] {
            case .guid(let site)?: apps[site] = r.id
            case .string(let s)?: if let site = UUID(dataverse: s) { apps[site] = r.id }
            case .lookup(let ref)?: apps[ref.id] = r.id
            default: break
            }
        }
        var result: [WebsiteSummary] = []
        let sites = try await all(service, "adx_website", ["adx_name", "adx_defaultlanguage"])
        if !sites.isEmpty {
            var lcid: [UUID: Int] = [:]
            for p in try await all(service, "adx_portallanguage", ["adx_lcid"]) {
                if case .integer(let l)? = p["adx_lcid"] { lcid[p.id] = Int(l) }
            }
            var languages: [UUID: UUID] = [:]
            for l in try await all(service, "adx_websitelanguage", ["adx_portallanguageid"]) {
                if let p = l.lookupID("adx_portallanguageid") { languages[l.id] = p }
            }
            for s in sites {
                let base = s.lookupID("adx_defaultlanguage").flatMap { languages[$0] }.flatMap { lcid[$0] } ?? org.languageCode
                result.append(
                    WebsiteSummary(
                        websiteId: s.id, name: s.string("adx_name") ?? "", dataModel: DataModel.standard.rawValue,
                        baseLanguage: base, portalAppId: apps[s.id]))
            }
        }
        let enhanced = try await all(service, "powerpagesite", ["name", "content"])
        if !enhanced.isEmpty {
            var siteLanguages: [UUID: [(id: UUID, lcid: Int)]] = [:]
            for l in try await all(service, "powerpagesitelanguage", ["lcid", "powerpagesiteid"]) {
                guard let site = l.lookupID("powerpagesiteid"), case .integer(let lcid)? = l["lcid"] else { continue }
                siteLanguages[site, default: []].append((l.id, Int(lcid)))
            }
            for s in enhanced {
                let languages = siteLanguages[s.id] ?? []
                let defaultID = s.string("content").flatMap { try? JSONValue.parse($0) }?["defaultlanguage"]?.stringValue.flatMap(
                    UUID.init(dataverse:))
                let base = languages.first { $0.id == defaultID }?.lcid ?? (languages.count == 1 ? languages[0].lcid : org.languageCode)
                result.append(
                    WebsiteSummary(
                        websiteId: s.id, name: s.string("name") ?? "", dataModel: DataModel.enhanced.rawValue,
                        baseLanguage: base, portalAppId: apps[s.id]))
            }
        }
        return result.sorted { ($0.name, $0.websiteId.uuidString) < ($1.name, $1.websiteId.uuidString) }
    }

    /// The data model of the website `websiteID` of an environment: `.standard` when an `adx_website`
    /// has that id, `.enhanced` when a `powerpagesite` has it, `nil` when neither (or the environment
    /// has neither table). Lets a command say "the target site is enhanced; pass --modelVersion 2"
    /// before any write (issue 9; pac's own error for the mismatch: research/pac-portal-format.md §5).
    ///
    /// Two single-record queries at most (`$filter` on the primary id, `$select` of the id only).
    /// - Throws: `DataverseError` for failures other than a missing table.
    public static func dataModel(ofWebsite websiteID: UUID, in service: any DataverseService) async throws -> DataModel? {
        for (table, idColumn, model) in [
            ("adx_website", "adx_websiteid", DataModel.standard),
            ("powerpagesite", "powerpagesiteid", DataModel.enhanced),
        ] {
            let query = RecordQuery(table, columns: [idColumn], filter: .equal(idColumn, .guid(websiteID)))
            if try await !all(service, table, query: query).isEmpty { return model }
        }
        return nil
    }

    /// The data models of the websites an environment holds (empty when it has none): what
    /// `download`/`plan` can report when no website id is given yet.
    /// - Throws: as `websites(in:)`.
    public static func dataModels(in service: any DataverseService) async throws -> Set<DataModel> {
        Set(try await websites(in: service).compactMap(\.model))
    }

    private static func all(_ service: any DataverseService, _ table: String, _ columns: [String]) async throws -> [EntityRecord] {
        try await all(service, table, query: RecordQuery(table, columns: columns))
    }

    private static func all(_ service: any DataverseService, _ table: String, query: RecordQuery) async throws -> [EntityRecord] {
        do { return try await service.retrieveAll(query) } catch let e as DataverseError {
            if e.isNotFound { return [] }
            throw e
        }
    }
}

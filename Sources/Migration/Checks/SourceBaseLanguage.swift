import Foundation
import PortalModel

/// The base language of a source that has no organization row (a pac folder or a CMT package),
/// derived from its website: `adx_website.adx_defaultlanguage` → `adx_websitelanguage.adx_portallanguageid`
/// → `adx_portallanguage.adx_lcid` (research/platform-behaviours.md §7.1), falling back to the legacy
/// integer `adx_website.adx_website_language` (an LCID) when the chain is incomplete.
public enum SourceBaseLanguage {
    /// The derived language and the website it came from.
    public struct Derived: Sendable, Equatable {
        /// The LCID, e.g. 1033.
        public var lcid: Int
        public var websiteID: UUID
        public var websiteName: String
    }

    /// Derives the base language of `snapshot`'s website.
    /// - Parameters:
    ///   - snapshot: the source records.
    ///   - websiteID: the website planned from; when the snapshot has no such website and holds exactly
    ///     one, that one is used.
    /// - Returns: `nil` when the snapshot holds no website, several websites and none is `websiteID`, or
    ///   no language can be derived.
    public static func derive(from snapshot: PortalSnapshot, websiteID: UUID?) -> Derived? {
        let sites = snapshot.records["adx_website"] ?? []
        guard let site = sites.first(where: { $0.id == websiteID }) ?? (sites.count == 1 ? sites.first : nil) else { return nil }
        let name = site.string("adx_name") ?? site.id.dataverseString
        if let languageID = site.lookupID("adx_defaultlanguage"),
            let websiteLanguage = snapshot.record("adx_websitelanguage", languageID),
            let portalLanguageID = websiteLanguage.lookupID("adx_portallanguageid"),
            let portalLanguage = snapshot.record("adx_portallanguage", portalLanguageID),
            let lcid = integer(portalLanguage["adx_lcid"])
        {
            return Derived(lcid: lcid, websiteID: site.id, websiteName: name)
        }
        if let lcid = integer(site["adx_website_language"]), lcid > 0 {
            return Derived(lcid: lcid, websiteID: site.id, websiteName: name)
        }
        return nil
    }

    private static func integer(_ value: FieldValue?) -> Int? {
        switch value {
        case .integer(let i)?: return Int(i)
        case .bigInt(let i)?: return Int(exactly: i)
        case .choice(let i)?: return i
        case .string(let s)?: return Int(s)
        default: return nil
        }
    }
}

import Foundation
import PortalModel

/// The Dataverse and portal-solution behaviours the environment reproduces, each switchable per
/// environment like a plug-in step (research/platform-behaviours.md §8, "Suggested emulator rule set").
///
/// E-rules stand for portal plug-ins: `ExecuteOptions.bypassCustomPlugins` skips E1–E4. E5 and the
/// C-rules are platform behaviour (attachment settings, cascades) and are never bypassed.
public enum PlatformBehaviour: String, CaseIterable, Codable, Sendable, Comparable {
    /// E1: creating an `adx_webpage` without `adx_websiteid` fails with `No website is specified.` (0x80040265).
    case webPageNeedsWebsite = "E1"
    /// E2: an `adx_webpage` without parent page must have partial URL `/` (create and update, 0x80040265).
    case rootPagePartialURL = "E2"
    /// E3: creating a root `adx_webpage` (no `adx_rootwebpageid`) in a site with website languages sets
    /// `adx_isroot` and creates one content page per website language (new GUIDs).
    case contentPages = "E3"
    /// E4: creating an `adx_websitelanguage` copies the site's web link sets and links for it. Off by default.
    case copyWebLinkSets = "E4"
    /// E5: an annotation (or file column) with a blocked extension (0x80043e09) or over
    /// `maxuploadfilesize` (0x80044a02) is refused (research/emulator-facts.md §1.3).
    case attachmentRules = "E5"
    /// C1: deleting an `adx_website` deletes the records whose website lookup points at it, with their cascades.
    case websiteCascade = "C1"
    /// C2: deleting an `adx_webpage` clears the lookups pointing at it and deletes its access control rules.
    case webPageDeleteLinks = "C2"
    /// C3: deleting a record (a web file) deletes its notes (`annotation.objectid`).
    case notesCascade = "C3"
    /// C4: deleting a web link set, basic form or advanced form (step) deletes its links, metadata and steps.
    case parentalCascade = "C4"

    /// The rules on in a new environment: all but E4 (research/platform-behaviours.md §8).
    public static let defaults: Set<PlatformBehaviour> = Set(allCases).subtracting([.copyWebLinkSets])

    /// True for rules implemented as plug-ins, which `bypassCustomPlugins` skips.
    public var isPlugin: Bool { rawValue.hasPrefix("E") && self != .attachmentRules }

    /// A one-line description for `env settings`.
    public var summary: String {
        switch self {
        case .webPageNeedsWebsite: return "web page create needs adx_websiteid"
        case .rootPagePartialURL: return "page without parent must have partial URL /"
        case .contentPages: return "root page create adds content pages per website language"
        case .copyWebLinkSets: return "website language create copies web link sets"
        case .attachmentRules: return "blocked extensions and maxuploadfilesize on notes and files"
        case .websiteCascade: return "website delete cascades to its configuration"
        case .webPageDeleteLinks: return "web page delete clears lookups to it"
        case .notesCascade: return "record delete cascades to its notes"
        case .parentalCascade: return "link set / form delete cascades to links, metadata, steps"
        }
    }

    public static func < (a: PlatformBehaviour, b: PlatformBehaviour) -> Bool { a.rawValue < b.rawValue }
}

extension DataverseError.Code {
    /// A portal plug-in refused the write (`InvalidPluginExecutionException`), HTTP 400
    /// (research/platform-behaviours.md §1.1, "Error surface").
    public static let pluginFailure = "0x80040265"
}

/// Exact messages used by the environment's errors (research/platform-behaviours.md §1.1,
/// research/emulator-facts.md §1.3, research/dataverse-webapi.md §5).
public enum LocalEnvironmentMessages {
    /// E1.
    public static let noWebsite = "No website is specified."
    /// E2.
    public static let homePagePartialURL =
        "Value of Partial URL field of the Home Page of your website can only be /. Any other values will lead to issues in your Portal."
    /// E5, blocked extension.
    public static let attachmentBlocked = "The attachment is either not a valid type or is too large. It cannot be uploaded or downloaded."
    /// E5, too large.
    public static let attachmentTooLarge = "Attachment file size is too big."
    /// Create with an existing id.
    public static let duplicateRecord = "A record with matching key values already exists."
}

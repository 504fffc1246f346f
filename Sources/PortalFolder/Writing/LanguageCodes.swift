import Foundation
import PortalModel

extension PortalFolder {
    /// The language code of each website language of `snapshot`, by website language id: its portal
    /// language's `adx_languagecode` (`en-US`), the `.<lang>` segment pac puts in the file names of
    /// content pages, content snippets and web link sets (research/pac-portal-format.md §1.3).
    /// Website languages whose portal language (or its code) the snapshot lacks are left out.
    public static func languageCodes(_ snapshot: PortalSnapshot) -> [UUID: String] {
        var out: [UUID: String] = [:]
        for lang in snapshot.records["adx_websitelanguage"] ?? [] {
            guard let pl = PacValueCoding.guidText(lang.columns["adx_portallanguageid"]).flatMap({ UUID(dataverse: $0) }),
                let code = snapshot.record("adx_portallanguage", pl)?.columns["adx_languagecode"]?.text, !code.isEmpty
            else { continue }
            out[lang.id] = code
        }
        return out
    }
}

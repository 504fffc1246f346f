import Foundation
import Crypto
import PortalModel

/// File and folder names of records as pac makes them (research/pac-yaml-emission.md §8,
/// research/pac-portal-format.md §1.4).
public enum PacNames {
    /// The file base of a record name: space, `/` and `"` become `-` one for one (verified); the other
    /// characters Windows forbids (`\ : * ? < >  |`) and control characters (NUL included) become `-`
    /// too (inferred). A name that would still escape or hide the folder (`.`, `..`, empty) is made
    /// safe: each of its dots becomes `-`, and an empty name becomes `-`. Case is kept.
    public static func sanitize(_ name: String) -> String {
        var out = String.UnicodeScalarView()
        for c in name.unicodeScalars {
            switch c {
            case " ", "/", "\"", "\\", ":", "*", "?", "<", ">", "|": out.append("-")
            default:
                if c.value < 0x20 || c.value == 0x7F { out.append("-") } else { out.append(c) }
            }
        }
        var s = String(out)
        if s.isEmpty { s = "-" }
        if s.allSatisfy({ $0 == "." }) { s = String(repeating: "-", count: s.count) }
        return s
    }

    /// The folder of a record: its file base lower-cased (research/pac-yaml-emission.md §8 "Case").
    public static func folder(_ base: String) -> String { base.lowercased() }

    /// A duplicate-name suffix for a new collision: `_` and 8 lower-case hex digits. pac's own digits
    /// cannot be reproduced (research/pac-yaml-emission.md §8), so ours are stable: the first 8 hex
    /// digits of the SHA-256 of the record id's text.
    public static func collisionSuffix(_ id: UUID) -> String {
        let digest = SHA256.hash(data: Data(id.dataverseString.utf8))
        return "_" + digest.prefix(4).map { String(format: "%02x", $0) }.joined()
    }

    /// Adds a suffix to a base; for web files before the last extension (`bootstrap.min_445fa9f0.css`).
    public static func addSuffix(_ suffix: String, to base: String, beforeExtension: Bool) -> String {
        if beforeExtension, let dot = base.lastIndex(of: "."), dot != base.startIndex {
            return String(base[..<dot]) + suffix + String(base[dot...])
        }
        return base + suffix
    }
}

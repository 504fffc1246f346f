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

    /// A file base shortened to fit the file system: when the longest name made from it (`base` plus
    /// `longestAddition` bytes such as `.en-US.webpage.custom_javascript.js`, or its lower-cased folder
    /// name) would exceed `SafeFileWriter.maxNameBytes` (255 UTF-8 bytes), the base is cut at a
    /// character boundary and ends with the record's `collisionSuffix` so two long names that share
    /// their start stay apart; with `keepExtension` (web files) the last extension stays at the end.
    /// Shorter bases come back unchanged. A shortened name still round trips: records are read by the
    /// id inside their YAML, never by file name (research/pac-portal-format.md §1.2).
    public static func fitted(_ base: String, id: UUID, longestAddition: Int, keepExtension: Bool = false) -> String {
        let limit = SafeFileWriter.maxNameBytes - longestAddition
        func size(_ s: String) -> Int { max(s.utf8.count, s.lowercased().utf8.count) }
        guard size(base) > limit else { return base }
        var stem = base, ext = ""
        if keepExtension, let dot = base.lastIndex(of: "."), dot != base.startIndex, base[dot...].utf8.count <= 32 {
            stem = String(base[..<dot]); ext = String(base[dot...])
        }
        let suffix = collisionSuffix(id)
        let budget = max(1, limit - size(ext) - suffix.utf8.count)
        var cut = ""
        for c in stem {
            let next = cut + String(c)
            if size(next) > budget { break }
            cut = next
        }
        return cut + suffix + ext
    }

    /// Adds a suffix to a base; for web files before the last extension (`bootstrap.min_445fa9f0.css`).
    public static func addSuffix(_ suffix: String, to base: String, beforeExtension: Bool) -> String {
        if beforeExtension, let dot = base.lastIndex(of: "."), dot != base.startIndex {
            return String(base[..<dot]) + suffix + String(base[dot...])
        }
        return base + suffix
    }
}

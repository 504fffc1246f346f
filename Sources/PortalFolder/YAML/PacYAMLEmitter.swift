import Foundation

/// Writes YAML byte for byte as `pac paportal download` does: YamlDotNet at its default settings
/// (research/pac-yaml-emission.md §0–§5).
///
/// The emitter writes mappings and sequences in the order it is given; callers sort keys with
/// `YAMLPair.pacSorted` and records by id (manifest entries keep their read order, §4). Per scalar it
/// chooses plain, single-quoted, double-quoted or folded (`>`) style from the value alone (§5.2),
/// never wraps lines (§5.3), indents block sequences at their key's column (§2), writes nulls as
/// `key: ` and empty strings as `''`, and ends the file with exactly one line break (§1).
public struct PacYAMLEmitter: Sendable {
    /// How a folded block writes CR: `v1` (YamlDotNet < 12: each CR and LF is its own break, only a
    /// run starting with LF gets the folding break) or `v2` (CR LF is one break) (§5.4).
    public enum BlockBreaks: String, Sendable { case v1, v2 }

    /// The file's line break: `"\n"` (default) or `"\r\n"` (§1).
    public var lineBreak: String
    /// The folded-block rule.
    public var blockBreaks: BlockBreaks

    public init(lineBreak: String = "\n", blockBreaks: BlockBreaks = .v1) {
        self.lineBreak = lineBreak
        self.blockBreaks = blockBreaks
    }

    /// The whole file for a root node: a mapping (`{}` when empty), or a sequence of records.
    public func emit(_ root: YAMLValue) -> String {
        var out = ""
        switch root {
        case .mapping(let pairs) where pairs.isEmpty:
            out += "{}" + lineBreak
        case .mapping(let pairs):
            writePairs(pairs, indent: 0, firstPrefix: nil, into: &out)
        case .sequence(let items) where items.isEmpty:
            out += "[]" + lineBreak
        case .sequence(let items):
            for item in items { writeItem(item, indent: 0, into: &out) }
        case .scalar(let s):
            writeScalar(head: "", s, blockIndent: 0, into: &out)
        case .null:
            out += lineBreak
        case .anchoredEmptySequence(let name):
            out += "&" + name + " []" + lineBreak
        case .alias(let name):
            out += "*" + name + lineBreak
        }
        return out
    }

    // MARK: Structure

    private func spaces(_ n: Int) -> String { String(repeating: " ", count: n) }

    private func writePairs(_ pairs: [YAMLPair], indent: Int, firstPrefix: String?, into out: inout String) {
        for (i, pair) in pairs.enumerated() {
            let prefix = (i == 0 ? firstPrefix : nil) ?? spaces(indent)
            writePair(pair, prefix: prefix, indent: indent, into: &out)
        }
    }

    private func writePair(_ pair: YAMLPair, prefix: String, indent: Int, into out: inout String) {
        let head = prefix + pair.key + ":"
        switch pair.value {
        case .null:
            out += head + " " + lineBreak
        case .scalar(let s):
            writeScalar(head: head, s, blockIndent: indent + 2, into: &out)
        case .anchoredEmptySequence(let name):
            out += head + " &" + name + " []" + lineBreak
        case .alias(let name):
            out += head + " *" + name + lineBreak
        case .sequence(let items) where items.isEmpty:
            out += head + " []" + lineBreak
        case .sequence(let items):
            out += head + lineBreak
            for item in items { writeItem(item, indent: indent, into: &out) }
        case .mapping(let pairs) where pairs.isEmpty:
            out += head + " {}" + lineBreak
        case .mapping(let pairs):
            out += head + lineBreak
            writePairs(pairs, indent: indent + 2, firstPrefix: nil, into: &out)
        }
    }

    /// A sequence item whose dash sits at column `indent`.
    private func writeItem(_ item: YAMLValue, indent: Int, into out: inout String) {
        let dash = spaces(indent) + "-"
        switch item {
        case .null:
            out += dash + " " + lineBreak
        case .scalar(let s):
            writeScalar(head: dash, s, blockIndent: indent + 2, into: &out)
        case .anchoredEmptySequence(let name):
            out += dash + " &" + name + " []" + lineBreak
        case .alias(let name):
            out += dash + " *" + name + lineBreak
        case .mapping(let pairs) where pairs.isEmpty:
            out += dash + " {}" + lineBreak
        case .mapping(let pairs):
            writePairs(pairs, indent: indent + 2, firstPrefix: dash + " ", into: &out)
        case .sequence(let items) where items.isEmpty:
            out += dash + " []" + lineBreak
        case .sequence(let items):
            out += dash + lineBreak
            for inner in items { writeItem(inner, indent: indent + 2, into: &out) }
        }
    }

    // MARK: Scalars

    /// The four scalar styles pac's files use (§5.2).
    public enum ScalarStyle: Sendable, Equatable { case plain, singleQuoted, doubleQuoted, folded }

    /// Writes `head` followed by the scalar in its style; `head` is empty for a root scalar.
    private func writeScalar(head: String, _ s: String, blockIndent: Int, into out: inout String) {
        let sep = head.isEmpty ? "" : " "
        switch Self.style(of: s) {
        case .plain:
            out += head + sep + s + lineBreak
        case .singleQuoted:
            out += head + sep + "'" + s + "'" + lineBreak
        case .doubleQuoted:
            out += head + sep + "\"" + Self.doubleQuotedBody(s) + "\"" + lineBreak
        case .folded:
            out += head + sep + ">" + Self.foldedHeader(s) + lineBreak
            out += foldedBody(s, indent: blockIndent)
        }
    }

    /// The style YamlDotNet picks for a value (research/pac-yaml-emission.md §5.2): empty → `''`;
    /// multi-line → folded, unless it ends in a space, has a line of only spaces or a non-printable
    /// character (then double-quoted); single-line → plain unless a trigger forbids it, then
    /// single-quoted, or double-quoted when it holds `'` or a non-printable character.
    public static func style(of s: String) -> ScalarStyle {
        if s.isEmpty { return .singleQuoted }
        let u = Array(s.unicodeScalars)
        let hasNonPrintable = u.contains { !isPrintable($0) }
        if u.contains(where: isBreak) {
            // A folded block reads back every break as LF: a value holding CR, U+0085, U+2028 or
            // U+2029 is written double-quoted, so it comes back exactly (issue 17; pac's v1 writer
            // turns CR LF into two LFs, research/pac-yaml-emission.md §5.4: a deliberate difference).
            // A value of breaks only has no content line to keep its break under `>2` (reads back empty).
            if hasNonPrintable || u.last == " " || u.last == "\t" || u.contains(where: { isBreak($0) && $0 != "\n" })
                || u.allSatisfy(isBreak)
            {
                return .doubleQuoted
            }
            var line: [Unicode.Scalar] = []
            for c in u + ["\n"] {
                if isBreak(c) {
                    if !line.isEmpty && line.allSatisfy({ $0 == " " }) { return .doubleQuoted }
                    line.removeAll()
                } else {
                    line.append(c)
                }
            }
            return .folded
        }
        if hasNonPrintable { return .doubleQuoted }
        if !plainAllowed(u) { return u.contains("'") ? .doubleQuoted : .singleQuoted }
        return .plain
    }

    /// Whether a single-line value may be written plain (the triggers of §5.2, step 4).
    static func plainAllowed(_ u: [Unicode.Scalar]) -> Bool {
        guard let first = u.first, let last = u.last else { return false }
        if "[{*\"#,]}&!|>'%@`\\".unicodeScalars.contains(first) { return false }
        if first == " " || last == " " || first == "\t" || last == "\t" { return false }
        if "?:-".unicodeScalars.contains(first) && (u.count == 1 || u[1] == " " || u[1] == "\t") { return false }
        let s = String(String.UnicodeScalarView(u))
        if s.hasPrefix("---") || s.hasPrefix("...") { return false }
        for i in 1..<u.count {
            if u[i] == ":" && (i + 1 == u.count || u[i + 1] == " " || u[i + 1] == "\t") { return false }
            if u[i] == "#" && (u[i - 1] == " " || u[i - 1] == "\t") { return false }
        }
        return true
    }

    static func isBreak(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x0A, 0x0D, 0x85, 0x2028, 0x2029: return true
        default: return false
        }
    }

    /// YamlDotNet's printable test on UTF-16 code units: characters outside the BMP fail it (§5.2 step 5).
    /// U+FEFF (byte order mark) fails it too: libyaml drops a BOM wherever it reads one, so a value
    /// holding it is written with the `\uFEFF` escape (libyaml's `IS_PRINTABLE` excludes it; not
    /// seen in pac's files — an assumption for YamlDotNet, issue 17).
    static func isPrintable(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0xFEFF: return false
        case 0x09, 0x0A, 0x0D, 0x85: return true
        case 0x20...0x7E: return true
        case 0xA0...0xD7FF: return true
        case 0xE000...0xFFFD: return true
        default: return false
        }
    }

    /// The escaped text of a double-quoted scalar (§5.2): `"` `\` and non-printable or break
    /// characters escaped; TAB and U+00A0 raw; hex escapes upper-case.
    static func doubleQuotedBody(_ s: String) -> String {
        var out = ""
        for c in s.unicodeScalars {
            switch c.value {
            case 0x00: out += "\\0"
            case 0x07: out += "\\a"
            case 0x08: out += "\\b"
            case 0x09: out += "\t"
            case 0x0A: out += "\\n"
            case 0x0B: out += "\\v"
            case 0x0C: out += "\\f"
            case 0x0D: out += "\\r"
            case 0x1B: out += "\\e"
            case 0x22: out += "\\\""
            case 0x5C: out += "\\\\"
            case 0x85: out += "\\N"
            case 0xA0: out += "\u{A0}"
            case 0x2028: out += "\\L"
            case 0x2029: out += "\\P"
            default:
                if isPrintable(c) {
                    out.unicodeScalars.append(c)
                } else if c.value <= 0xFF {
                    out += "\\x" + hex(c.value, 2)
                } else if c.value <= 0xFFFF {
                    out += "\\u" + hex(c.value, 4)
                } else {
                    out += "\\U" + hex(c.value, 8)
                }
            }
        }
        return out
    }

    private static func hex(_ v: UInt32, _ digits: Int) -> String {
        let h = String(v, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, digits - h.count)) + h
    }

    /// The header after `>`: `2` when the value starts with a space, a tab or a break; `-` when it does not
    /// end in a break, nothing for exactly one, `+` for two or more (a final CR LF counts as two) (§5.4).
    static func foldedHeader(_ s: String) -> String {
        let u = Array(s.unicodeScalars)
        var header = ""
        // A leading tab gets the indicator too: libyaml (unlike YamlDotNet) cannot detect the
        // indentation of a first line that starts with a tab (issue 17 property test).
        if let f = u.first, f == " " || f == "\t" || isBreak(f) { header += "2" }
        var trailing = 0
        for c in u.reversed() { if isBreak(c) { trailing += 1 } else { break } }
        header += trailing == 0 ? "-" : trailing == 1 ? "" : "+"
        return header
    }

    /// The body of a folded block at `indent` (§5.4): content lines indented, empty lines bare, the
    /// folding break added before a qualifying run of breaks, and a closing break when the value does
    /// not end in one.
    func foldedBody(_ s: String, indent: Int) -> String {
        let u = Array(s.unicodeScalars)
        let pad = spaces(indent)
        var out = ""
        var breaks = true
        var leadingSpaces = true
        var i = 0
        while i < u.count {
            let c = u[i]
            if Self.isBreak(c) {
                let qualifies: Bool
                switch blockBreaks {
                case .v1: qualifies = c == "\n"
                case .v2: qualifies = c == "\n" || c == "\r" || c.value == 0x85
                }
                if !breaks && !leadingSpaces && qualifies {
                    var k = i
                    while k < u.count && Self.isBreak(u[k]) { k += 1 }
                    if k < u.count && u[k] != " " && u[k] != "\t" { out += lineBreak }
                }
                if c.value == 0x2028 || c.value == 0x2029 {
                    out.unicodeScalars.append(c)
                } else {
                    out += lineBreak
                    if blockBreaks == .v2 && c == "\r" && i + 1 < u.count && u[i + 1] == "\n" { i += 1 }
                }
                breaks = true
            } else {
                if breaks {
                    out += pad
                    leadingSpaces = c == " " || c == "\t"
                }
                out.unicodeScalars.append(c)
                breaks = false
            }
            i += 1
        }
        if let last = u.last, Self.isBreak(last) { return out }
        return out + lineBreak
    }
}

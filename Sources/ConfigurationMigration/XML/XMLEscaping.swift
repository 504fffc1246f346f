import Foundation

/// XML escaping as .NET's `XmlSerializer` / `XmlWriter` writes it, and the HTML encoding CMT applies to
/// string values before that (research/cmt-format.md §2.3).
public enum XMLEscaping {
    /// Escapes text for an attribute value in double quotes: `&` `<` `>` `"`, and CR, LF and TAB as
    /// character references so they survive attribute-value normalisation.
    public static func attribute(_ s: String) -> String {
        replacing(s) { ch in
            switch ch {
            case "&": return "&amp;"
            case "<": return "&lt;"
            case ">": return "&gt;"
            case "\"": return "&quot;"
            case "\r": return "&#xD;"
            case "\n": return "&#xA;"
            case "\t": return "&#x9;"
            default: return nil
            }
        }
    }

    /// Escapes element text: `&` `<` `>` (quotes stay literal, as in Microsoft's schema `<filter>` text).
    public static func text(_ s: String) -> String {
        replacing(s) { ch in
            switch ch {
            case "&": return "&amp;"
            case "<": return "&lt;"
            case ">": return "&gt;"
            default: return nil
            }
        }
    }

    /// .NET `HttpUtility.HtmlEncode` as CMT's exporter calls it on string values: `<` `>` `"` `&` `'`
    /// become `&lt;` `&gt;` `&quot;` `&amp;` `&#39;`, and characters U+00A0–U+00FF become `&#NNN;`;
    /// everything else (including Thai, Cyrillic, CJK) is left alone (research/cmt-format.md §2.3,
    /// [V-code, V-file]).
    /// The first scalar XML 1.0 cannot carry, even as a character reference: U+0000–U+0008, U+000B,
    /// U+000C, U+000E–U+001F, U+FFFE, U+FFFF (a Swift string holds no unpaired surrogate: those are
    /// already replaced when the text is decoded). `nil` when every scalar is allowed.
    public static func firstCharacterXMLCannotCarry(_ s: String) -> Unicode.Scalar? {
        s.unicodeScalars.first { c in
            (c.value < 0x20 && c.value != 0x09 && c.value != 0x0A && c.value != 0x0D) || c.value == 0xFFFE || c.value == 0xFFFF
        }
    }

    public static func htmlEncode(_ s: String) -> String {
        replacing(s) { ch in
            switch ch {
            case "<": return "&lt;"
            case ">": return "&gt;"
            case "\"": return "&quot;"
            case "&": return "&amp;"
            case "'": return "&#39;"
            default: return ch.value >= 160 && ch.value <= 255 ? "&#\(ch.value);" : nil
            }
        }
    }

    /// `s` with each Unicode scalar for which `replacement` gives a string replaced by it; the others
    /// are copied unchanged. The one loop behind `attribute`, `text` and `htmlEncode`.
    private static func replacing(_ s: String, _ replacement: (Unicode.Scalar) -> String?) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for ch in s.unicodeScalars {
            if let r = replacement(ch) { out += r } else { out.unicodeScalars.append(ch) }
        }
        return out
    }

    private static let named: [String: String] = [
        "lt": "<", "gt": ">", "amp": "&", "quot": "\"", "apos": "'", "nbsp": "\u{A0}",
    ]

    /// The inverse of `htmlEncode`, as CMT's importer calls .NET `HtmlDecode`: decimal (`&#234;`) and
    /// hexadecimal (`&#xEA;`) character references and the named references `lt`, `gt`, `amp`, `quot`,
    /// `apos`, `nbsp`. Anything else that starts with `&` is left as it is (as .NET does for unknown names).
    public static func htmlDecode(_ s: String) -> String {
        guard s.contains("&") else { return s }
        var out = String.UnicodeScalarView()
        let scalars = Array(s.unicodeScalars)
        var i = 0
        while i < scalars.count {
            let c = scalars[i]
            if c == "&", let semi = scalars[(i + 1)...].prefix(12).firstIndex(of: ";") {
                let body = String(String.UnicodeScalarView(scalars[(i + 1)..<semi]))
                var decoded: Unicode.Scalar?
                if body.hasPrefix("#x") || body.hasPrefix("#X") {
                    decoded = UInt32(body.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init)
                } else if body.hasPrefix("#") {
                    decoded = UInt32(body.dropFirst(), radix: 10).flatMap(Unicode.Scalar.init)
                } else if let n = named[body] {
                    decoded = n.unicodeScalars.first
                }
                if let d = decoded {
                    out.append(d)
                    i = semi + 1
                    continue
                }
            }
            out.append(c)
            i += 1
        }
        return String(out)
    }
}

import Foundation

/// The files a landing page (`index.html`) loads from the site itself: the `src` of `<script>`,
/// `<img>`, `<source>`, `<iframe>` and the `href` of `<link>` elements (stylesheets, icons,
/// preloads, manifests), as paths relative to the build output.
///
/// Absolute URLs (`https:`, `//cdn…`), `data:`/`blob:` URLs and fragments are not the site's and are
/// left out. A leading `/` or `./` is taken relative to the site root, i.e. the build output (Vite and
/// Angular emit `/assets/index-3f9a1c.js` or `assets/…`); query strings and fragments are dropped.
/// Assumption: the site is served at its root (a code site serves its SPA from Home, research §A.1.4).
public enum LandingPage {
    /// The referenced paths, in document order without duplicates (`assets/index-3f9a1c.js`).
    public static func references(in html: String) -> [String] {
        var out: [String] = [], seen: Set<String> = []
        let tags = ["script": ["src"], "link": ["href"], "img": ["src"], "source": ["src"], "iframe": ["src"]]
        var index = html.startIndex
        while let open = html[index...].firstIndex(of: "<") {
            guard let close = html[open...].firstIndex(of: ">") else { break }
            let tag = html[html.index(after: open)..<close]
            index = html.index(after: close)
            let name = tag.prefix { $0.isLetter }.lowercased()
            guard let attributes = tags[name] else { continue }
            for attribute in attributes {
                guard let value = attributeValue(attribute, in: String(tag)), let path = sitePath(value) else { continue }
                if seen.insert(path.lowercased()).inserted { out.append(path) }
            }
        }
        return out
    }

    /// The value of `name="…"`, `name='…'` or `name=…` inside one tag's text.
    static func attributeValue(_ name: String, in tag: String) -> String? {
        let lower = tag.lowercased()
        var search = lower.startIndex
        while let r = lower.range(of: name, range: search..<lower.endIndex) {
            search = r.upperBound
            // The attribute name must start a word.
            if r.lowerBound > lower.startIndex, !lower[lower.index(before: r.lowerBound)].isWhitespace { continue }
            var i = r.upperBound
            while i < lower.endIndex, lower[i].isWhitespace { i = lower.index(after: i) }
            guard i < lower.endIndex, lower[i] == "=" else { continue }
            i = lower.index(after: i)
            while i < lower.endIndex, lower[i].isWhitespace { i = lower.index(after: i) }
            guard i < lower.endIndex else { return nil }
            // Same offsets in the original text (lower-casing keeps ASCII offsets; tags are ASCII in practice).
            let offset = lower.distance(from: lower.startIndex, to: i)
            let original = tag.index(tag.startIndex, offsetBy: offset, limitedBy: tag.endIndex) ?? tag.endIndex
            let rest = tag[original...]
            if let q = rest.first, q == "\"" || q == "'" {
                let body = rest.dropFirst()
                return String(body.prefix { $0 != q })
            }
            var value = String(rest.prefix { !$0.isWhitespace })
            if value.count == rest.count, value.hasSuffix("/") { value.removeLast() } // `<img src=a.png/>`
            return value
        }
        return nil
    }

    /// The site-relative path of a reference, `nil` when it is not a file of the site.
    static func sitePath(_ raw: String) -> String? {
        var v = raw.trimmingCharacters(in: .whitespaces)
        if let cut = v.firstIndex(where: { $0 == "?" || $0 == "#" }) { v = String(v[..<cut]) }
        if v.isEmpty || v.hasPrefix("//") { return nil }
        if let colon = v.firstIndex(of: ":"), !v[..<colon].contains("/") { return nil } // scheme: https:, data:, blob:
        while v.hasPrefix("./") { v.removeFirst(2) }
        while v.hasPrefix("/") { v.removeFirst() }
        let parts = v.split(separator: "/").map(String.init)
        guard !parts.isEmpty, !parts.contains(".."), !parts.contains(".") else { return nil }
        return (parts.joined(separator: "/").removingPercentEncoding) ?? parts.joined(separator: "/")
    }
}

import Foundation

/// Lifts attribute values longer than `threshold` bytes out of an XML byte stream before it reaches
/// the parser, and gives them back already unescaped.
///
/// Why: libxml2, which FoundationXML's `XMLParser` uses on Linux, refuses any attribute value longer
/// than 10,000,000 bytes unless `XML_PARSE_HUGE` is set, and `XMLParser` offers no way to set it; a CMT
/// `data.xml` holds a note's base64 `documentbody` as one `value="…"` attribute (research/cmt-format.md
/// §3), so a file over about 7.5 MB failed with "not well-formed XML (NSXMLParserErrorDomain error 1)".
///
/// The scan walks the markup: it skips comments, CDATA sections, processing instructions and character
/// data; inside a start tag it follows quoted values (either quote) and replaces each long one by a short
/// placeholder (`\u{E000}pm-lifted-N\u{E000}`, private-use characters a CMT file does not hold). Lines
/// are kept: a lifted value's newlines stay in place so the parser's line numbers do not move. The lifted
/// text is unescaped as XML does for attribute values (the five predefined entities and character
/// references; tab, newline and carriage return become spaces). A value holding `<` or any other entity
/// reference is left in place so the parser reports it as before.
enum LargeAttributeValues {
    /// Values longer than this (bytes) are lifted: 1 MiB, well under libxml2's limit.
    static let threshold = 1 << 20

    static let placeholderPrefix = "\u{E000}pm-lifted-"

    /// - Returns: the bytes to parse (the input itself when nothing was lifted) and the lifted values,
    ///   the n-th placeholder standing for `values[n]`.
    static func lift(_ data: Data, threshold: Int = threshold) -> (data: Data, values: [String]) {
        guard data.count > threshold else { return (data, []) }
        let bytes = [UInt8](data)
        let n = bytes.count
        var out: [UInt8] = []
        var values: [String] = []
        var copied = 0   // bytes[0..<copied] are already in `out`
        var i = 0

        func starts(_ marker: String, at p: Int) -> Bool {
            let m = Array(marker.utf8)
            guard p + m.count <= n else { return false }
            for k in 0..<m.count where bytes[p + k] != m[k] { return false }
            return true
        }
        func skip(past marker: String, from p: Int) -> Int {
            let m = Array(marker.utf8)
            var q = p
            while q + m.count <= n {
                if bytes[q] == m[0] && starts(marker, at: q) { return q + m.count }
                q += 1
            }
            return n
        }

        while i < n {
            guard bytes[i] == UInt8(ascii: "<") else { i += 1; continue }
            if starts("<!--", at: i) { i = skip(past: "-->", from: i + 4); continue }
            if starts("<![CDATA[", at: i) { i = skip(past: "]]>", from: i + 9); continue }
            if starts("<?", at: i) { i = skip(past: "?>", from: i + 2); continue }
            if starts("<!", at: i) || starts("</", at: i) { i += 2; continue }
            // A start tag: follow quoted values up to the closing '>'.
            i += 1
            while i < n && bytes[i] != UInt8(ascii: ">") {
                let quote = bytes[i]
                guard quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") else { i += 1; continue }
                let start = i + 1
                var end = start
                while end < n && bytes[end] != quote { end += 1 }
                if end >= n { return (out.isEmpty ? data : Data(out + bytes[copied...]), values) }
                if end - start > threshold, let value = unescape(bytes[start..<end]) {
                    out.append(contentsOf: bytes[copied..<start])
                    out.append(contentsOf: Array("\(placeholderPrefix)\(values.count)\u{E000}".utf8))
                    let newlines = bytes[start..<end].reduce(0) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
                    out.append(contentsOf: repeatElement(UInt8(ascii: "\n"), count: newlines))
                    values.append(value)
                    copied = end
                }
                i = end + 1
            }
            i += 1
        }
        guard !values.isEmpty else { return (data, []) }
        out.append(contentsOf: bytes[copied...])
        return (Data(out), values)
    }

    /// The index a placeholder value stands for, `nil` for any other value. The parser turns the
    /// newlines kept after a placeholder into spaces, so trailing spaces are ignored.
    static func placeholderIndex(_ value: String) -> Int? {
        guard value.hasPrefix(placeholderPrefix) else { return nil }
        let rest = value.dropFirst(placeholderPrefix.count)
        guard let end = rest.firstIndex(of: "\u{E000}"),
              rest[rest.index(after: end)...].allSatisfy({ $0 == " " }) else { return nil }
        return Int(rest[..<end])
    }

    /// XML attribute-value unescaping; `nil` when the value holds `<`, an unknown entity, a bad
    /// character reference or is not UTF-8 (the value then stays for the parser to judge).
    static func unescape(_ raw: ArraySlice<UInt8>) -> String? {
        if !raw.contains(UInt8(ascii: "&")) && !raw.contains(UInt8(ascii: "<")) {
            guard let s = String(validating: raw, as: UTF8.self) else { return nil }
            return raw.contains(where: { $0 == 9 || $0 == 10 || $0 == 13 }) ? normalized(Substring(s)) : s
        }
        guard !raw.contains(UInt8(ascii: "<")), let s = String(validating: raw, as: UTF8.self) else { return nil }
        var result = ""
        result.reserveCapacity(s.utf8.count)
        var rest = Substring(s)
        while let amp = rest.firstIndex(of: "&") {
            result += normalized(rest[..<amp])
            guard let semi = rest[amp...].firstIndex(of: ";") else { return nil }
            let name = rest[rest.index(after: amp)..<semi]
            switch name {
            case "amp": result += "&"
            case "lt": result += "<"
            case "gt": result += ">"
            case "quot": result += "\""
            case "apos": result += "'"
            default:
                let scalar: Unicode.Scalar?
                if name.hasPrefix("#x") { scalar = UInt32(name.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init) }
                else if name.hasPrefix("#") { scalar = UInt32(name.dropFirst(), radix: 10).flatMap(Unicode.Scalar.init) }
                else { return nil }
                guard let c = scalar else { return nil }
                result.unicodeScalars.append(c)
            }
            rest = rest[rest.index(after: semi)...]
        }
        result += normalized(rest)
        return result
    }

    /// Attribute-value normalisation of literal white space: tab, newline, carriage return and CR LF
    /// each become one space (XML 1.0 §3.3.3).
    static func normalized(_ text: Substring) -> String {
        String(text.map { $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" ? " " : $0 })
    }
}

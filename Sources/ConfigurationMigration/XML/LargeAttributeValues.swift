import Foundation
import PortalModel

/// Lifts attribute values and runs of character data longer than `threshold` bytes out of an XML byte
/// stream before it reaches the parser, and gives them back already unescaped.
///
/// Why: libxml2, which FoundationXML's `XMLParser` uses on Linux, refuses any attribute value longer
/// than 10,000,000 bytes (and a text node of that size) unless `XML_PARSE_HUGE` is set, and `XMLParser` offers no way to set it; a CMT
/// `data.xml` holds a note's base64 `documentbody` as one `value="…"` attribute (research/cmt-format.md
/// §3), so a file over about 7.5 MB failed with "not well-formed XML (NSXMLParserErrorDomain error 1)".
///
/// The scan walks the markup: it skips comments, CDATA sections and processing instructions; a long run
/// of character data is lifted; inside a start tag it follows quoted values (either quote) and replaces each long one by a short
/// placeholder (`\u{E000}pm-lifted-N\u{E000}`, private-use characters a CMT file does not hold). Lines
/// are kept: a lifted value's newlines stay in place so the parser's line numbers do not move. The lifted
/// text is unescaped as XML does (the five predefined entities and character references; in attribute
/// values tab, newline and carriage return become spaces; in text CR LF becomes LF). A value holding `<` or any other entity
/// reference is left in place so the parser reports it as before.
enum LargeAttributeValues {
    /// Values longer than this (bytes) are lifted: 1 MiB, well under libxml2's limit.
    static let threshold = 1 << 20

    static let placeholderPrefix = "\u{E000}pm-lifted-"

    /// A lifted value, unescaped, and the number of newlines kept in the bytes after its placeholder.
    /// A spooled value (`Spooling`) is in the file `spooled` (unescaped UTF-8) and `value` is empty.
    struct Lifted: Sendable {
        var value: String
        var newlines: Int
        var spooled: URL? = nil
    }

    /// How a reader of a large document keeps long attribute values out of memory (issue 20: a CMT
    /// `data.xml` at the benchmark's L size holds 900 MB of base64 note bodies).
    ///
    /// - `attributesOver`: attribute values longer than this many bytes are lifted even when under
    ///   `threshold`, and written unescaped into a file of the process's body spool (`BodySpool`)
    ///   instead of being held; the tree then refers to the file (`XMLNode.spooledAttribute`).
    /// - `mapped`: the document's bytes are this file mapping: the scan gives back the pages it has
    ///   passed (`MappedFile.release(upTo:)`), so the document is never resident as a whole.
    struct Spooling {
        var attributesOver: Int = 64 << 10
        var mapped: MappedFile?
    }

    /// The placeholder standing for the n-th lifted value.
    static func placeholder(_ index: Int) -> String { "\(placeholderPrefix)\(index)\u{E000}" }

    /// Character data with its placeholders (and the newlines kept after each) replaced by the lifted text.
    static func restoreText(_ text: String, _ values: [Lifted]) -> String {
        guard text.contains(placeholderPrefix) else { return text }
        var result = text
        for (index, lifted) in values.enumerated() {
            let marker = placeholder(index) + String(repeating: "\n", count: lifted.newlines)
            if let r = result.range(of: marker) { result.replaceSubrange(r, with: lifted.value) }
        }
        return result
    }

    /// - Returns: the bytes to parse (the input itself when nothing was lifted) and the lifted values,
    ///   the n-th placeholder standing for `values[n]`.
    /// - Parameter spooling: long attribute values into the body spool instead of memory (`Spooling`).
    /// - Throws: `SafeWriteError` when a spooled value cannot be written (only with `spooling`).
    static func lift(_ data: Data, threshold: Int = threshold, spooling: Spooling? = nil) throws -> (data: Data, values: [Lifted]) {
        guard data.count > min(threshold, spooling?.attributesOver ?? threshold) else { return (data, []) }
        // Read in place (no copy of the whole document).
        return try data.withUnsafeBytes { raw in try lift(raw.bindMemory(to: UInt8.self), data, threshold: threshold, spooling: spooling) }
    }

    /// `lift(_:threshold:)` over the bytes of `data`.
    private static func lift(
        _ bytes: UnsafeBufferPointer<UInt8>, _ data: Data, threshold: Int, spooling: Spooling?
    ) throws -> (data: Data, values: [Lifted]) {
        let n = bytes.count
        // The bytes to parse, built as `Data` (handed on without a copy of the document).
        var out = Data()
        var values: [Lifted] = []
        var copied = 0 // bytes[0..<copied] are already in `out`
        var i = 0
        // Attribute values longer than this are lifted.
        let attributeThreshold = min(threshold, spooling?.attributesOver ?? threshold)
        var spoolFailure: Error?

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

        func liftRun(_ start: Int, _ end: Int, isAttribute: Bool) {
            guard end - start > (isAttribute ? attributeThreshold : threshold), spoolFailure == nil else { return }
            if !isAttribute, let lineEnds = whitespaceLineEnds(UnsafeBufferPointer(rebasing: bytes[start..<end])) {
                // A long run of white space between elements means nothing in a CMT file (no element's
                // text is white space only): only its line ends are kept, so line numbers stay right and
                // the parser does not wade through it (300 MB of spaces took 210 s and 6.6 GB).
                out.append(contentsOf: bytes[copied..<start])
                out.append(contentsOf: repeatElement(UInt8(ascii: "\n"), count: lineEnds))
                copied = end
                return
            }
            guard let value = unescape(UnsafeBufferPointer(rebasing: bytes[start..<end]), isAttribute: isAttribute) else { return }
            out.append(contentsOf: bytes[copied..<start])
            out.append(contentsOf: Array(placeholder(values.count).utf8))
            let newlines = bytes[start..<end].reduce(0) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
            out.append(contentsOf: repeatElement(UInt8(ascii: "\n"), count: newlines))
            if isAttribute, let spooling, end - start > spooling.attributesOver {
                do {
                    guard case .file(let url) = try BodySpool.shared.keep(Data(value.utf8)) else { return }
                    values.append(Lifted(value: "", newlines: newlines, spooled: url))
                } catch {
                    spoolFailure = error
                    return
                }
            } else {
                values.append(Lifted(value: value, newlines: newlines))
            }
            copied = end
            spooling?.mapped?.release(upTo: copied)
        }

        while i < n {
            guard bytes[i] == UInt8(ascii: "<") else {
                // Character data up to the next markup.
                let start = i
                while i < n && bytes[i] != UInt8(ascii: "<") { i += 1 }
                // Text after the last markup is lifted only when it is white space (dropped); anything
                // else stays for the parser to report as content after the root element.
                if i < n || whitespaceLineEnds(UnsafeBufferPointer(rebasing: bytes[start..<i])) != nil { liftRun(start, i, isAttribute: false) }
                continue
            }
            if starts("<!--", at: i) {
                let start = i
                i = skip(past: "-->", from: i + 4)
                // A comment is not in the tree, but libxml2 refuses one over 10,000,000 bytes as "not
                // well-formed" (red team F5): a long one that is well formed (no '--' inside, ended,
                // UTF-8) is replaced by its line ends.
                if i - start > threshold, i <= n, starts("-->", at: i - 3) {
                    let body = UnsafeBufferPointer(rebasing: bytes[(start + 4)..<(i - 3)])
                    var dashes = false
                    for k in body.indices.dropLast() where body[k] == UInt8(ascii: "-") && body[k + 1] == UInt8(ascii: "-") { dashes = true; break }
                    if !dashes, body.last != UInt8(ascii: "-"), String(validating: body, as: UTF8.self) != nil {
                        out.append(contentsOf: bytes[copied..<start])
                        let lineEnds = body.reduce(0) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
                        out.append(contentsOf: repeatElement(UInt8(ascii: "\n"), count: lineEnds))
                        copied = i
                    }
                }
                continue
            }
            if starts("<![CDATA[", at: i) { i = skip(past: "]]>", from: i + 9); continue }
            if starts("<?", at: i) { i = skip(past: "?>", from: i + 2); continue }
            // An end tag or a declaration: skip to its '>' (its rest is not character data: an end tag
            // followed by a long run used to be lifted with the run, breaking the tag).
            if starts("<!", at: i) || starts("</", at: i) { i = skip(past: ">", from: i + 2); continue }
            // A start tag: follow quoted values up to the closing '>'.
            i += 1
            while i < n && bytes[i] != UInt8(ascii: ">") {
                let quote = bytes[i]
                guard quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") else { i += 1; continue }
                let start = i + 1
                var end = start
                while end < n && bytes[end] != quote { end += 1 }
                if end >= n {
                    guard copied > 0 else { return (data, values) }
                    out.append(contentsOf: bytes[copied...])
                    return (out, values)
                }
                liftRun(start, end, isAttribute: true)
                if let spoolFailure { throw spoolFailure }
                i = end + 1
            }
            i += 1
        }
        guard copied > 0 else { return (data, []) }
        out.append(contentsOf: bytes[copied...])
        spooling?.mapped?.releaseAll()
        return (out, values)
    }

    /// The first comment, CDATA section, processing instruction or run of character data longer than
    /// libxml2's 10,000,000-byte limit: what it is and its byte offset; `nil` when there is none.
    static func overLimitRun(_ data: Data, limit: Int = 10_000_000) -> (what: String, offset: Int)? {
        guard data.count > limit else { return nil }
        return data.withUnsafeBytes { raw -> (String, Int)? in
            let b = raw.bindMemory(to: UInt8.self)
            let n = b.count
            func starts(_ m: [UInt8], _ p: Int) -> Bool { p + m.count <= n && !zip(m.indices, m).contains { b[p + $0.0] != $0.1 } }
            func find(_ m: [UInt8], _ p: Int) -> Int {
                var q = p; while q + m.count <= n { if b[q] == m[0] && starts(m, q) { return q }; q += 1 }; return n
            }
            var i = 0
            while i < n {
                if b[i] != UInt8(ascii: "<") {
                    let start = i
                    while i < n && b[i] != UInt8(ascii: "<") { i += 1 }
                    if i - start > limit { return ("a text", start) }
                    continue
                }
                for (open, close, what) in [
                    ("<!--", "-->", "a comment"), ("<![CDATA[", "]]>", "a CDATA section"), ("<?", "?>", "a processing instruction"),
                ]
                where starts(Array(open.utf8), i) {
                    let end = find(Array(close.utf8), i + open.utf8.count)
                    if end - i > limit { return (what, i) }
                    i = end
                    break
                }
                // Markup: skip to its '>' (quoted values are attributes, lifted or reported by the parser).
                var quote: UInt8 = 0
                while i < n {
                    if quote != 0 {
                        if b[i] == quote { quote = 0 }
                    } else if b[i] == UInt8(ascii: "\"") || b[i] == UInt8(ascii: "'") {
                        quote = b[i]
                    } else if b[i] == UInt8(ascii: ">") {
                        break
                    }
                    i += 1
                }
                i += 1
            }
            return nil
        }
    }

    /// The number of line ends (LF, CR LF or a lone CR) in a run made only of XML white space (space,
    /// tab, CR, LF); `nil` when the run holds anything else.
    static func whitespaceLineEnds(_ run: UnsafeBufferPointer<UInt8>) -> Int? {
        var lineEnds = 0
        var previous: UInt8 = 0
        for b in run {
            switch b {
            case UInt8(ascii: " "), UInt8(ascii: "\t"): break
            case UInt8(ascii: "\n"): if previous != UInt8(ascii: "\r") { lineEnds += 1 }
            case UInt8(ascii: "\r"): lineEnds += 1
            default: return nil
            }
            previous = b
        }
        return lineEnds
    }

    /// The index a placeholder value stands for, `nil` for any other value. The parser turns the
    /// newlines kept after a placeholder into spaces, so trailing spaces are ignored.
    static func placeholderIndex(_ value: String) -> Int? {
        guard value.hasPrefix(placeholderPrefix) else { return nil }
        let rest = value.dropFirst(placeholderPrefix.count)
        guard let end = rest.firstIndex(of: "\u{E000}"),
            rest[rest.index(after: end)...].allSatisfy({ $0 == " " })
        else { return nil }
        return Int(rest[..<end])
    }

    /// XML attribute-value unescaping; `nil` when the value holds `<`, an unknown entity, a bad
    /// character reference or is not UTF-8 (the value then stays for the parser to judge).
    static func unescape(_ raw: UnsafeBufferPointer<UInt8>, isAttribute: Bool = true) -> String? {
        let normalized: (Substring) -> String = isAttribute ? { Self.normalized($0) } : { Self.lineEndsNormalized($0) }
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
                if name.hasPrefix("#x") {
                    scalar = UInt32(name.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init)
                } else if name.hasPrefix("#") {
                    scalar = UInt32(name.dropFirst(), radix: 10).flatMap(Unicode.Scalar.init)
                } else {
                    return nil
                }
                guard let c = scalar else { return nil }
                result.unicodeScalars.append(c)
            }
            rest = rest[rest.index(after: semi)...]
        }
        result += normalized(rest)
        return result
    }

    /// Line-end normalisation of character data: CR LF and CR become LF (XML 1.0 §2.11).
    static func lineEndsNormalized(_ text: Substring) -> String {
        String(text.map { (c: Character) -> Character in c == "\r" || c == "\r\n" ? "\n" : c })
    }

    /// Attribute-value normalisation of literal white space: tab, newline, carriage return and CR LF
    /// each become one space (XML 1.0 §3.3.3).
    static func normalized(_ text: Substring) -> String {
        String(text.map { $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" ? " " : $0 })
    }
}

import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// A parsed XML element: name, attributes, child elements, the text directly inside it, and the line it
/// starts on. The small read-only tree the CMT readers walk.
public struct XMLNode: Sendable {
    public var name: String
    public var attributes: [String: String]
    public var children: [XMLNode]
    /// The character data directly inside the element (entity references already resolved).
    public var text: String
    /// The 1-based line of the start tag.
    public var line: Int
    /// Attribute values kept on disk instead of in `attributes` (a document read with spooling, issue
    /// 20): by attribute name, the spool file holding the unescaped value as UTF-8.
    public var spooled: [String: URL] = [:]

    public init(name: String, attributes: [String: String] = [:], children: [XMLNode] = [], text: String = "", line: Int = 0) {
        self.name = name
        self.attributes = attributes
        self.children = children
        self.text = text
        self.line = line
    }

    /// The first child element with this name.
    public func child(_ name: String) -> XMLNode? { children.first { $0.name == name } }

    /// Every child element with this name, in document order.
    public func children(_ name: String) -> [XMLNode] { children.filter { $0.name == name } }

    /// An attribute's value, `nil` when absent. A spooled value is read from its file (`nil` when the
    /// file cannot be read: a reader that must tell that apart uses `spooledAttribute`).
    public subscript(attribute: String) -> String? {
        if let url = spooled[attribute] { return try? String(contentsOf: url, encoding: .utf8) }
        return attributes[attribute]
    }

    /// The spool file holding an attribute's value (unescaped UTF-8), when the value was spooled.
    public func spooledAttribute(_ attribute: String) -> URL? { spooled[attribute] }
}

/// Reads XML safely and tolerantly into an `XMLNode` tree.
///
/// Tolerant (research/cmt-format.md §2.1, §8): UTF-8 with or without BOM, UTF-16 LE/BE with or without
/// BOM, with or without an XML declaration (whatever encoding it names; the bytes decide). Safe: a
/// document type declaration (`<!DOCTYPE`) or entity declaration (`<!ENTITY`) is refused before parsing,
/// so neither external entities nor entity expansion can happen; external entity resolution is also
/// switched off in the parser.
public enum SafeXMLReader {
    /// Decodes bytes to text by BOM or byte pattern.
    /// - Throws: `CMTError.malformedXML` when the bytes are not valid UTF-8 / UTF-16.
    public static func decode(_ data: Data, file: String) throws -> String {
        let b = [UInt8](data.prefix(4))
        var text: String?
        if b.count >= 3, b[0] == 0xEF, b[1] == 0xBB, b[2] == 0xBF {
            text = String(data: data.dropFirst(3), encoding: .utf8)
        } else if b.count >= 2, b[0] == 0xFF, b[1] == 0xFE {
            text = String(data: data.dropFirst(2), encoding: .utf16LittleEndian)
        } else if b.count >= 2, b[0] == 0xFE, b[1] == 0xFF {
            text = String(data: data.dropFirst(2), encoding: .utf16BigEndian)
        } else if b.count >= 2, b[0] != 0, b[1] == 0 {
            text = String(data: data, encoding: .utf16LittleEndian)
        } else if b.count >= 2, b[0] == 0, b[1] != 0 {
            text = String(data: data, encoding: .utf16BigEndian)
        } else {
            text = String(data: data, encoding: .utf8)
        }
        guard let t = text else {
            throw CMTError(.malformedXML, "the file is not valid UTF-8 or UTF-16 text", file: file)
        }
        return t
    }

    /// Parses XML bytes into the root element.
    /// - Parameters:
    ///   - data: the file's bytes.
    ///   - file: the name used in errors.
    /// - Throws: `CMTError.unsafeInput` for a DTD or entity declaration, or elements nested deeper than
    ///   `maximumDepth`; `CMTError.malformedXML` (with the line) when the XML is not well formed or has no
    ///   root element.
    public static func parse(_ data: Data, file: String) throws -> XMLNode {
        try parse(utf8: utf8Bytes(data, file: file), file: file)
    }

    /// Parses a mapped file as `parse(_:file:)` does, giving back its pages as each scan passes them
    /// and keeping long attribute values in the body spool (`LargeAttributeValues.Spooling`), so a
    /// large `data.xml` is never resident as a whole (issue 20).
    /// - Parameter sink: takes elements as they end (`XMLElementSink`), so they are never all in the tree.
    /// - Throws: what `parse(_:file:)` throws; `SafeWriteError` when a value cannot be spooled.
    static func parse(mapped: MappedFile, file: String, spoolAttributesOver: Int = 64 << 10, sink: (any XMLElementSink)? = nil) throws -> XMLNode {
        let bytes = try utf8Bytes(mapped.data, file: file, mapped: mapped)
        let isMapping = bytes.count == mapped.data.count
        return try parse(
            utf8: bytes, file: file,
            spooling: LargeAttributeValues.Spooling(attributesOver: spoolAttributesOver, mapped: isMapping ? mapped : nil), sink: sink)
    }

    /// Parses XML bytes as `parse(_:file:)` does, handing elements to `sink` as they end.
    /// - Returns: the root element, without the elements `sink` took.
    /// - Throws: what `parse(_:file:)` throws.
    static func parse(_ data: Data, file: String, sink: any XMLElementSink) throws -> XMLNode {
        try parse(utf8: utf8Bytes(data, file: file), file: file, sink: sink)
    }

    /// The deepest element nesting accepted (256 levels, libxml2's own default limit). A CMT data
    /// file is 6 levels deep and a schema with FetchXML filters a few more; the limit keeps every walk
    /// over the tree (and the tree's release) far from the stack's end whatever the input holds.
    public static let maximumDepth = 256

    /// Parses XML text into the root element (see `parse(_:file:)`).
    public static func parse(text input: String, file: String) throws -> XMLNode {
        var bytes = Data(input.utf8)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        return try parse(utf8: bytes, file: file)
    }

    /// The bytes as UTF-8 without a BOM: UTF-8 input is checked and passed through (no copy into a
    /// `String`), UTF-16 is transcoded. - Throws: `CMTError.malformedXML` for bytes that are neither.
    /// - Parameter mapped: `data` is this mapping: its pages are given back as the check passes them.
    static func utf8Bytes(_ data: Data, file: String, mapped: MappedFile? = nil) throws -> Data {
        let b = [UInt8](data.prefix(4))
        let utf16 =
            (b.count >= 2
                && ((b[0] == 0xFF && b[1] == 0xFE) || (b[0] == 0xFE && b[1] == 0xFF)
                    || (b[0] != 0 && b[1] == 0) || (b[0] == 0 && b[1] != 0)))
        if utf16 { return Data(try decode(data, file: file).utf8) }
        // Without a BOM the bytes are passed on as they are (no copy).
        let body = b.starts(with: [0xEF, 0xBB, 0xBF]) ? Data(data.dropFirst(3)) : data
        let valid = body.withUnsafeBytes { raw -> Bool in
            let all = raw.bindMemory(to: UInt8.self)
            guard let mapped else { return String(validating: all, as: UTF8.self) != nil }
            // In steps, each ending before a character's first byte (never inside one), pages given back.
            var start = 0
            while start < all.count {
                var end = min(start + MappedFile.releaseStep, all.count)
                while end < all.count && all[end] & 0xC0 == 0x80 && end > start { end -= 1 }
                if end == start { end = min(start + MappedFile.releaseStep, all.count) }
                guard String(validating: UnsafeBufferPointer(rebasing: all[start..<end]), as: UTF8.self) != nil else { return false }
                start = end
                mapped.release(upTo: start)
            }
            return true
        }
        guard valid else {
            throw CMTError(.malformedXML, "the file is not valid UTF-8 or UTF-16 text; save it as UTF-8", file: file)
        }
        return body
    }

    /// The 1-based line of a byte offset.
    static func line(of offset: Int, in bytes: Data) -> Int {
        bytes.prefix(offset).reduce(1) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
    }

    /// Parses UTF-8 bytes (no BOM) into the root element (see `parse(_:file:)`).
    /// - Parameter sink: takes elements as they end; those it takes are not in the tree returned.
    static func parse(
        utf8 input: Data, file: String, spooling: LargeAttributeValues.Spooling? = nil, sink: (any XMLElementSink)? = nil
    ) throws -> XMLNode {
        var bytes = input
        // Drop the XML declaration: the bytes are UTF-8 whatever encoding it names.
        let leading = bytes.prefix { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }.count
        if bytes.dropFirst(leading).starts(with: Array("<?xml".utf8)),
            let end = bytes.range(of: Data("?>".utf8), in: (bytes.startIndex + leading)..<bytes.endIndex)
        {
            // Keep the declaration's line ends so line numbers stay right.
            let newlines = bytes[bytes.startIndex..<end.upperBound].filter { $0 == UInt8(ascii: "\n") }.count
            bytes.replaceSubrange(bytes.startIndex..<end.upperBound, with: Data(repeating: UInt8(ascii: "\n"), count: newlines))
        }
        if let (offset, marker) = declaration(in: bytes, mapped: spooling?.mapped) {
            throw CMTError(
                .unsafeInput,
                "\(marker) is not allowed: document type and entity declarations are refused "
                    + "(a CMT file has none); remove the declaration, and write characters such as a non-breaking space "
                    + "as character references (&#160;)", file: file, line: line(of: offset, in: bytes))
        }
        // libxml2 (under FoundationXML's XMLParser) refuses an attribute value over 10,000,000 bytes
        // (XML_MAX_TEXT_LENGTH without XML_PARSE_HUGE, which XMLParser cannot set), and CMT writes a
        // note's base64 `documentbody` as one `value="…"`: long values are lifted out before parsing
        // and restored in the tree (long character data too: a text node has the same limit).
        // The bytes go through a stream, not `XMLParser(data:)`: given all at once libxml2 also refuses a
        // document over 10,000,000 bytes at its last line (a 72 MB data.xml of 277 KB values failed
        // "not well-formed" at `</entities>`); a stream is handed to it in chunks, which it accepts.
        let lifted = try LargeAttributeValues.lift(bytes, spooling: spooling)
        let parser = XMLParser(stream: InputStream(data: lifted.data))
        parser.shouldResolveExternalEntities = false
        parser.shouldProcessNamespaces = false
        parser.shouldReportNamespacePrefixes = false
        let builder = TreeBuilder(parser: parser)
        builder.sink = sink
        builder.liftedValues = lifted.values
        builder.maximumDepth = maximumDepth
        parser.delegate = builder
        let ok = parser.parse()
        if let refused = builder.failure {
            throw CMTError(.unsafeInput, refused, file: file, line: builder.failureLine)
        }
        if !ok || builder.errorCode != nil {
            let code = builder.errorCode ?? (parser.parserError as NSError?)?.code ?? 0
            // libxml2 reports a document cut short with the same code (5) as content after the root.
            if code == 5 || code == 77 || code == 85, let open = builder.stack.last {
                throw CMTError(
                    .malformedXML,
                    "not well-formed XML: the file ends before <\(open.name)> (line \(open.line)) is closed: "
                        + "it is cut short; export it again", file: file, line: open.line)
            }
            // libxml2 refuses a text, comment, CDATA section or processing instruction over 10,000,000 bytes
            // (XML_PARSE_HUGE cannot be set through XMLParser) as if the file were not well formed: say so
            // (red team F5).
            if let (what, offset) = LargeAttributeValues.overLimitRun(lifted.data) {
                throw CMTError(
                    .malformedXML,
                    "\(what) over 10,000,000 bytes starts here; the XML parser cannot read a text or "
                        + "comment that long (its limit, not an error in the file): shorten or remove it",
                    file: file, line: line(of: offset, in: lifted.data))
            }
            throw CMTError(
                .malformedXML, "not well-formed XML: " + XMLErrorMessages.describe(code: code), file: file,
                line: builder.errorLine ?? parser.lineNumber)
        }
        guard let root = builder.root else {
            if let open = builder.stack.last {
                throw CMTError(
                    .malformedXML,
                    "not well-formed XML: the file ends before <\(open.name)> (line \(open.line)) is closed: "
                        + "it is cut short; export it again", file: file, line: open.line)
            }
            throw CMTError(.malformedXML, "the file holds no XML element (it is empty or not XML)", file: file)
        }
        return root
    }
}

extension SafeXMLReader {
    /// The offset and spelling of the first `<!DOCTYPE` or `<!ENTITY` (any case) in the bytes.
    /// - Parameter mapped: `bytes` is this mapping: its pages are given back as the scan passes them.
    static func declaration(in bytes: Data, mapped: MappedFile? = nil) -> (Int, String)? {
        let markers = ["<!DOCTYPE", "<!ENTITY"].map { ($0, Array($0.utf8)) }
        return bytes.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> (Int, String)? in
            let b = raw.bindMemory(to: UInt8.self)
            var i = 0
            while i + 1 < b.count {
                if b[i] == UInt8(ascii: "<") && b[i + 1] == UInt8(ascii: "!") {
                    for (name, m) in markers where i + m.count <= b.count {
                        var k = 2
                        while k < m.count && (b[i + k] | 0x20) == (m[k] | 0x20) { k += 1 }
                        if k == m.count { return (i, name) }
                    }
                }
                i += 1
                if let mapped, i & 0xFFFFF == 0 { mapped.release(upTo: i - 16) }
            }
            return nil
        }
    }
}

/// Takes elements from a parse as they end, so a large document is read one element at a time instead
/// of as a whole tree (a CMT `data.xml` at the benchmark's L size held 27,614 records' elements, each
/// field an `XMLNode` with its attribute dictionary, beside the snapshot made from them; issue 20).
///
/// The parser calls `elementStarted` with an element's name, attributes and line (no children yet),
/// and `elementEnded` with the element and its whole subtree once its end tag is read; depth 0 is the
/// root. An element `elementEnded` takes (returns `true`) is not added to its parent. Both run on the
/// parsing thread, in document order.
protocol XMLElementSink: AnyObject {
    /// An element's start tag was read. `ancestors`: the open elements above it, root first.
    func elementStarted(_ node: XMLNode, ancestors: [XMLNode])
    /// An element ended. - Returns: true to take it (it is then left out of its parent's children).
    func elementEnded(_ node: XMLNode, ancestors: [XMLNode]) -> Bool
}

/// XMLParser delegate building the tree.
private final class TreeBuilder: NSObject, XMLParserDelegate {
    weak var parser: XMLParser?
    /// Takes elements as they end (a streaming read); `nil` builds the whole tree.
    var sink: (any XMLElementSink)?
    var stack: [XMLNode] = []
    var root: XMLNode?
    var failure: String?
    var failureLine: Int?
    /// Start tags deeper than this abort the parse (`SafeXMLReader.maximumDepth`).
    var maximumDepth = SafeXMLReader.maximumDepth

    init(parser: XMLParser) { self.parser = parser }

    /// Attribute values lifted out of the bytes before parsing (`LargeAttributeValues`).
    var liftedValues: [LargeAttributeValues.Lifted] = []

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
        qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]
    ) {
        var attributes = attributeDict
        var spooled: [String: URL] = [:]
        if !liftedValues.isEmpty {
            for (name, value) in attributes {
                if let index = LargeAttributeValues.placeholderIndex(value), liftedValues.indices.contains(index) {
                    if let url = liftedValues[index].spooled {
                        spooled[name] = url
                        attributes[name] = nil
                    } else {
                        attributes[name] = liftedValues[index].value
                    }
                }
            }
        }
        guard stack.count < maximumDepth else {
            refuse(
                "elements nested more than \(maximumDepth) levels deep (<\(elementName)> here) are not allowed; "
                    + "a CMT file is a few levels deep, so this file is damaged or not a CMT file", parser)
            return
        }
        var node = XMLNode(name: elementName, attributes: attributes, line: parser.lineNumber)
        node.spooled = spooled
        sink?.elementStarted(node, ancestors: stack)
        stack.append(node)
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        guard var node = stack.popLast() else { return }
        if !liftedValues.isEmpty { node.text = LargeAttributeValues.restoreText(node.text, liftedValues) }
        if let sink, sink.elementEnded(node, ancestors: stack) { return }
        if stack.isEmpty { root = node } else { stack[stack.count - 1].children.append(node) }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        guard !stack.isEmpty else { return }
        stack[stack.count - 1].text += string
    }

    func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
        guard !stack.isEmpty else { return }
        stack[stack.count - 1].text += String(decoding: CDATABlock, as: UTF8.self)
    }

    func parser(_ parser: XMLParser, foundInternalEntityDeclarationWithName name: String, value: String?) {
        refuse("entity declaration '\(name)' is not allowed", parser)
    }

    func parser(_ parser: XMLParser, foundExternalEntityDeclarationWithName name: String, publicID: String?, systemID: String?) {
        refuse("external entity declaration '\(name)' is not allowed", parser)
    }

    func parser(_ parser: XMLParser, resolveExternalEntityName name: String, systemID: String?) -> Data? {
        // Document type declarations are refused before parsing, so any entity the parser asks for
        // is one the file uses without declaring it (`&nbsp;`).
        refuse(
            "'&\(name);' is not defined in XML (only &amp; &lt; &gt; &quot; &apos; are); write the character itself "
                + "or a character reference such as &#160;", parser)
        return nil
    }

    /// The line and libxml2 code of the first parse error, taken when it happens (after the parse the
    /// line is the end of the chunk being read, often the last line).
    var errorLine: Int?
    var errorCode: Int?

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) {
        guard errorCode == nil, failure == nil else { return }
        errorCode = (parseError as NSError).code
        errorLine = parser.lineNumber
    }

    private func refuse(_ message: String, _ parser: XMLParser) {
        if failure == nil {
            failure = message
            failureLine = parser.lineNumber
        }
        parser.abortParsing()
    }
}

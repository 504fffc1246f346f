import Foundation

/// One inner response of a `$batch` answer: its Content-ID (when the part carried one), HTTP status,
/// headers and body. Change set responses are flattened into their inner responses in order.
public struct BatchResponseItem: Sendable {
    public var contentID: String?
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: Data
    /// True when the item came from inside a change set response.
    public var inChangeSet: Bool

    /// The first value of a header, case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }
}

/// A `$batch` response that is not the expected multipart shape (`BatchResponseParser.parse`): no
/// boundary, a part without a status line, a bad status line.
public struct BatchResponseParseError: Error, CustomStringConvertible, Sendable {
    /// What is wrong, naming the boundary or line.
    public let message: String
    public var description: String { "unreadable $batch response: \(message)" }
}

/// Reads a `$batch` response (research/dataverse-webapi.md §4.2): `multipart/mixed` with
/// `batchresponse_…` parts, nested `changesetresponse_…` parts, each an `application/http` message
/// `HTTP/1.1 <status> <reason>`, headers, blank line, body. Accepts quoted or unquoted boundaries
/// and CRLF or LF line endings.
public enum BatchResponseParser {
    /// The `boundary` parameter of a `multipart/mixed` content type, without quotes.
    public static func boundary(ofContentType contentType: String) -> String? {
        for param in contentType.split(separator: ";").dropFirst() {
            let kv = param.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if kv.count == 2, kv[0].lowercased() == "boundary" {
                return kv[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
        }
        return nil
    }

    /// Parses the body of a `$batch` answer whose `Content-Type` is `contentType`.
    ///
    /// Works on the bytes (CR LF read as LF): splitting the text with Foundation's
    /// `components(separatedBy:)` and `replacingOccurrences` was most of the 9 % of an upload's CPU
    /// spent reading `$batch` answers (issue 20). Part bodies are returned as they came, less the line
    /// break before the next delimiter.
    /// - Throws: `BatchResponseParseError` when the boundary is missing or a part is not an HTTP message.
    public static func parse(contentType: String, body: Data) throws -> [BatchResponseItem] {
        guard let b = boundary(ofContentType: contentType) else { throw BatchResponseParseError(message: "no boundary in '\(contentType)'") }
        let bytes = withoutCarriageReturns(body)
        return try parseMultipart(bytes[...], boundary: b, inChangeSet: false)
    }

    /// The bytes with every CR LF replaced by LF (a copy of the bytes when there is no CR).
    static func withoutCarriageReturns(_ data: Data) -> [UInt8] {
        guard data.contains(13) else { return [UInt8](data) }
        var out: [UInt8] = []
        out.reserveCapacity(data.count)
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            var i = 0
            while i < raw.count {
                let c = raw[i]
                if c == 13, i + 1 < raw.count, raw[i + 1] == 10 {
                    i += 1
                    continue
                }
                out.append(c)
                i += 1
            }
        }
        return out
    }

    static func parseMultipart(_ text: ArraySlice<UInt8>, boundary: String, inChangeSet: Bool) throws -> [BatchResponseItem] {
        var items: [BatchResponseItem] = []
        var chunks = split(text, at: Array(("--" + boundary).utf8))
        guard chunks.count >= 2 else { throw BatchResponseParseError(message: "boundary \(boundary) not found") }
        chunks.removeFirst() // preamble
        let dash = UInt8(ascii: "-"), lf = UInt8(ascii: "\n")
        for chunk in chunks {
            if chunk.count >= 2, chunk[chunk.startIndex] == dash, chunk[chunk.startIndex + 1] == dash { break } // closing delimiter
            var part = chunk
            if part.first == lf { part = part.dropFirst() }
            let (headers, content) = splitHeaders(part)
            let type = headers.first { $0.name.lowercased() == "content-type" }?.value ?? ""
            let contentID = headers.first { $0.name.lowercased() == "content-id" }?.value
            if type.lowercased().hasPrefix("multipart/mixed") {
                guard let inner = Self.boundary(ofContentType: type) else { throw BatchResponseParseError(message: "no boundary in '\(type)'") }
                items.append(contentsOf: try parseMultipart(content, boundary: inner, inChangeSet: true))
            } else {
                var item = try parseHTTP(content)
                item.inChangeSet = inChangeSet
                if let id = contentID { item.contentID = id }
                items.append(item)
            }
        }
        return items
    }

    /// The pieces of `text` between non-overlapping occurrences of `delimiter`, searched left to right
    /// (as `components(separatedBy:)` splits).
    static func split(_ text: ArraySlice<UInt8>, at delimiter: [UInt8]) -> [ArraySlice<UInt8>] {
        guard let first = delimiter.first else { return [text] }
        var pieces: [ArraySlice<UInt8>] = []
        var start = text.startIndex
        var i = text.startIndex
        let last = text.endIndex - delimiter.count
        while i <= last {
            if text[i] == first, text[i..<(i + delimiter.count)].elementsEqual(delimiter) {
                pieces.append(text[start..<i])
                i += delimiter.count
                start = i
            } else {
                i += 1
            }
        }
        pieces.append(text[start...])
        return pieces
    }

    /// The header lines up to the first blank one (name and value without surrounding white space)
    /// and what follows the blank line.
    static func splitHeaders(_ s: ArraySlice<UInt8>) -> ([(name: String, value: String)], ArraySlice<UInt8>) {
        var headers: [(name: String, value: String)] = []
        var rest = s
        while let nl = rest.firstIndex(of: UInt8(ascii: "\n")) {
            let lineBytes = rest[..<nl]
            rest = rest[(nl + 1)...]
            if lineBytes.allSatisfy({ $0 == 32 || $0 == 9 }) { break }
            let text = String(decoding: lineBytes, as: UTF8.self)
            let line = Substring(text)
            if lineBytes.contains(where: { $0 >= 0x80 }), trimmedSpaces(line).isEmpty { break }
            if let colon = line.firstIndex(of: ":") {
                headers.append((String(trimmedSpaces(line[..<colon])), String(trimmedSpaces(line[line.index(after: colon)...]))))
            }
        }
        return (headers, rest)
    }

    /// `s` without leading and trailing horizontal white space (tab and the Unicode space separators:
    /// what `CharacterSet.whitespaces` holds), without Foundation's bridging: `trimmingCharacters(in:)`
    /// on every header line was 3.4 % of an upload's CPU (issue 20).
    static func trimmedSpaces(_ s: Substring) -> Substring {
        func isSpace(_ c: Character) -> Bool {
            if c == " " || c == "\t" { return true }
            guard c.unicodeScalars.count == 1, let u = c.unicodeScalars.first else { return false }
            return u.properties.generalCategory == .spaceSeparator
        }
        guard let first = s.firstIndex(where: { !isSpace($0) }), let last = s.lastIndex(where: { !isSpace($0) }) else { return s[s.endIndex...] }
        return s[first...last]
    }

    static func parseHTTP(_ s: ArraySlice<UInt8>) throws -> BatchResponseItem {
        let lf = UInt8(ascii: "\n")
        let trimmed = s.drop { $0 == lf }
        guard let nl = trimmed.firstIndex(of: lf) else { throw BatchResponseParseError(message: "a part has no status line") }
        let statusText = String(decoding: trimmed[..<nl], as: UTF8.self)
        let statusLine = statusText.split(separator: " ")
        guard statusLine.count >= 2, statusLine[0].hasPrefix("HTTP/"), let status = Int(statusLine[1]) else {
            throw BatchResponseParseError(message: "bad status line '\(statusText)'")
        }
        let (headers, body) = splitHeaders(trimmed[(nl + 1)...])
        var end = body.endIndex
        while end > body.startIndex, body[end - 1] == lf { end -= 1 }
        let contentID = headers.first { $0.name.lowercased() == "content-id" }?.value
        return BatchResponseItem(contentID: contentID, status: status, headers: headers, body: Data(body[..<end]), inChangeSet: false)
    }
}

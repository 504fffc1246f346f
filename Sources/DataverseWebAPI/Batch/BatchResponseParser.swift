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

/// Reads a `$batch` response (research/dataverse-webapi.md §4.2): `multipart/mixed` with
/// `batchresponse_…` parts, nested `changesetresponse_…` parts, each an `application/http` message
/// `HTTP/1.1 <status> <reason>`, headers, blank line, body. Accepts quoted or unquoted boundaries
/// and CRLF or LF line endings.
public enum BatchResponseParser {
    /// A batch response that is not the expected multipart shape.
    public struct ParseError: Error, CustomStringConvertible, Sendable {
        public let message: String
        public var description: String { "unreadable $batch response: \(message)" }
    }

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
    /// - Throws: `ParseError` when the boundary is missing or a part is not an HTTP message.
    public static func parse(contentType: String, body: Data) throws -> [BatchResponseItem] {
        guard let b = boundary(ofContentType: contentType) else { throw ParseError(message: "no boundary in '\(contentType)'") }
        let text = String(decoding: body, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
        return try parseMultipart(text, boundary: b, inChangeSet: false)
    }

    static func parseMultipart(_ text: String, boundary: String, inChangeSet: Bool) throws -> [BatchResponseItem] {
        var items: [BatchResponseItem] = []
        let delimiter = "--" + boundary
        var chunks = text.components(separatedBy: delimiter)
        guard chunks.count >= 2 else { throw ParseError(message: "boundary \(boundary) not found") }
        chunks.removeFirst() // preamble
        for chunk in chunks {
            if chunk.hasPrefix("--") { break } // closing delimiter
            var part = Substring(chunk)
            if part.hasPrefix("\n") { part = part.dropFirst() }
            let (headers, content) = splitHeaders(part)
            let type = headers.first { $0.name.lowercased() == "content-type" }?.value ?? ""
            let contentID = headers.first { $0.name.lowercased() == "content-id" }?.value
            if type.lowercased().hasPrefix("multipart/mixed") {
                guard let inner = Self.boundary(ofContentType: type) else { throw ParseError(message: "no boundary in '\(type)'") }
                items.append(contentsOf: try parseMultipart(String(content), boundary: inner, inChangeSet: true))
            } else {
                var item = try parseHTTP(content)
                item.inChangeSet = inChangeSet
                if let id = contentID { item.contentID = id }
                items.append(item)
            }
        }
        return items
    }

    static func splitHeaders(_ s: Substring) -> ([(name: String, value: String)], Substring) {
        var headers: [(name: String, value: String)] = []
        var rest = s
        while let nl = rest.firstIndex(of: "\n") {
            let line = rest[..<nl]
            rest = rest[rest.index(after: nl)...]
            if trimmedSpaces(line).isEmpty { break }
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

    static func parseHTTP(_ s: Substring) throws -> BatchResponseItem {
        let trimmed = s.drop { $0 == "\n" }
        guard let nl = trimmed.firstIndex(of: "\n") else { throw ParseError(message: "a part has no status line") }
        let statusLine = trimmed[..<nl].split(separator: " ")
        guard statusLine.count >= 2, statusLine[0].hasPrefix("HTTP/"), let status = Int(statusLine[1]) else {
            throw ParseError(message: "bad status line '\(trimmed[..<nl])'")
        }
        let (headers, body) = splitHeaders(trimmed[trimmed.index(after: nl)...])
        var bodyText = String(body)
        while bodyText.hasSuffix("\n") { bodyText.removeLast() }
        let contentID = headers.first { $0.name.lowercased() == "content-id" }?.value
        return BatchResponseItem(contentID: contentID, status: status, headers: headers, body: Data(bodyText.utf8), inChangeSet: false)
    }
}

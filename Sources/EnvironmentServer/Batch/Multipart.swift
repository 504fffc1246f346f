import Foundation

/// One part of a MIME multipart body: its headers (names lower-cased) and body text.
struct MultipartPart {
    var headers: [String: String]
    var body: String
}

/// Reads `multipart/mixed` bodies as `$batch` uses them (research/dataverse-webapi.md §4.1): quoted or
/// unquoted boundaries, CRLF or LF line ends, text before the first delimiter ignored.
enum Multipart {
    /// The `boundary` parameter of a `Content-Type` value, quotes removed; `nil` when absent or not multipart.
    static func boundary(of contentType: String?) -> String? {
        guard let ct = contentType, ct.lowercased().hasPrefix("multipart/") else { return nil }
        for param in ct.split(separator: ";").dropFirst() {
            let kv = param.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if kv.count == 2, kv[0].lowercased() == "boundary" {
                let b = kv[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                return b.isEmpty ? nil : b
            }
        }
        return nil
    }

    /// Splits a multipart body into parts.
    /// - Throws: `ODataError` 400 when the closing delimiter `--boundary--` is missing or no part is found.
    static func parse(_ text: String, boundary: String) throws -> [MultipartPart] {
        let lines = Multipart.lines(text)
        let delimiter = "--" + boundary
        var parts: [[Substring]] = []
        var current: [Substring]? = nil
        var closed = false
        for line in lines {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed == delimiter + "--" {
                if let c = current { parts.append(c) }
                current = nil
                closed = true
                break
            }
            if trimmed == delimiter {
                if let c = current { parts.append(c) }
                current = []
                continue
            }
            current?.append(line)
        }
        guard closed else {
            throw ODataError.badRequest("The batch request body is not valid multipart: the closing delimiter '\(delimiter)--' was not found.")
        }
        guard !parts.isEmpty else { throw ODataError.badRequest("The batch request body has no parts.") }
        return parts.map(split)
    }

    /// The lines of a text with CRLF or LF line ends (`"\r\n"` is one `Character` in Swift, so the
    /// text is normalised to LF first).
    static func lines(_ text: String) -> [Substring] {
        text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
    }

    /// Splits header lines from the body at the first blank line.
    static func split(_ lines: [Substring]) -> MultipartPart {
        var headers: [String: String] = [:]
        var i = 0
        while i < lines.count, lines[i].trimmingCharacters(in: .whitespaces).isEmpty { i += 1 } // tolerate leading blanks
        while i < lines.count, !lines[i].isEmpty {
            if let colon = lines[i].firstIndex(of: ":") {
                headers[lines[i][..<colon].trimmingCharacters(in: .whitespaces).lowercased()] =
                    lines[i][lines[i].index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
            i += 1
        }
        let body = i + 1 < lines.count ? lines[(i + 1)...].joined(separator: "\r\n") : ""
        return MultipartPart(headers: headers, body: body)
    }
}

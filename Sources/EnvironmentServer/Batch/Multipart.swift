import Foundation

/// One part of a MIME multipart body: its headers (names lower-cased) and body bytes (its lines
/// joined with CRLF).
struct MultipartPart {
    var headers: [String: String]
    var bodyBytes: [UInt8]
    /// The body as text.
    var body: String { String(decoding: bodyBytes, as: UTF8.self) }
}

/// Reads `multipart/mixed` bodies as `$batch` uses them (research/dataverse-webapi.md §4.1): quoted or
/// unquoted boundaries, CRLF or LF line ends, text before the first delimiter ignored.
///
/// Works on bytes, not `String`s (performance, issue 11): a `$batch` of notes carries megabytes of
/// base64 bodies, and normalising, splitting and trimming them as `String`s was most of the server's
/// time on uploads. Only ASCII matters to the syntax (delimiters, header names, blank lines).
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

    /// Splits a multipart text into parts (`parse(_:boundary:)` on its UTF-8 bytes).
    static func parse(_ text: String, boundary: String) throws -> [MultipartPart] {
        try parse(Array(text.utf8), boundary: boundary)
    }

    /// Splits a multipart body into parts.
    /// - Throws: `ODataError` 400 when the closing delimiter `--boundary--` is missing or no part is found.
    static func parse(_ bytes: [UInt8], boundary: String) throws -> [MultipartPart] {
        let delimiter = Array(("--" + boundary).utf8)
        let closing = delimiter + Array("--".utf8)
        var parts: [[ArraySlice<UInt8>]] = []
        var current: [ArraySlice<UInt8>]? = nil
        var closed = false
        for line in lines(bytes) {
            let trimmed = trimmingBlanks(line)
            if trimmed.elementsEqual(closing) {
                if let c = current { parts.append(c) }
                current = nil
                closed = true
                break
            }
            if trimmed.elementsEqual(delimiter) {
                if let c = current { parts.append(c) }
                current = []
                continue
            }
            current?.append(line)
        }
        guard closed else {
            throw ODataError.badRequest("The batch request body is not valid multipart: the closing delimiter '--\(boundary)--' was not found.")
        }
        guard !parts.isEmpty else { throw ODataError.badRequest("The batch request body has no parts.") }
        return parts.map(split)
    }

    /// The lines of a body with CRLF or LF line ends (a CR before the LF is not part of the line).
    static func lines(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        var out: [ArraySlice<UInt8>] = []
        var start = 0
        let lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")
        var i = 0
        while i < bytes.count {
            if bytes[i] == lf {
                let end = i > start && bytes[i - 1] == cr ? i - 1 : i
                out.append(bytes[start..<end])
                start = i + 1
            }
            i += 1
        }
        out.append(bytes[start..<bytes.count])
        return out
    }

    /// `line` without leading and trailing spaces and tabs.
    static func trimmingBlanks(_ line: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        trimming(line) { $0 == 0x20 || $0 == 0x09 }
    }

    /// `bytes` without leading and trailing bytes for which `drop` is true.
    static func trimming(_ bytes: ArraySlice<UInt8>, _ drop: (UInt8) -> Bool) -> ArraySlice<UInt8> {
        var lo = bytes.startIndex, hi = bytes.endIndex
        while lo < hi, drop(bytes[lo]) { lo += 1 }
        while hi > lo, drop(bytes[hi - 1]) { hi -= 1 }
        return bytes[lo..<hi]
    }

    /// The text of (ASCII or UTF-8) bytes.
    static func text(_ bytes: ArraySlice<UInt8>) -> String { String(decoding: bytes, as: UTF8.self) }

    /// Splits header lines from the body at the first blank line.
    static func split(_ lines: [ArraySlice<UInt8>]) -> MultipartPart {
        var headers: [String: String] = [:]
        var i = 0
        while i < lines.count, trimmingBlanks(lines[i]).isEmpty { i += 1 } // tolerate leading blanks
        while i < lines.count, !lines[i].isEmpty {
            let line = lines[i]
            if let colon = line.firstIndex(of: UInt8(ascii: ":")) {
                headers[text(trimmingBlanks(line[line.startIndex..<colon])).lowercased()] =
                    text(trimmingBlanks(line[(colon + 1)..<line.endIndex]))
            }
            i += 1
        }
        var body: [UInt8] = []
        if i + 1 < lines.count {
            body.reserveCapacity(lines[(i + 1)...].reduce(0) { $0 + $1.count + 2 })
            for (k, line) in lines[(i + 1)...].enumerated() {
                if k > 0 { body.append(UInt8(ascii: "\r")); body.append(UInt8(ascii: "\n")) }
                body.append(contentsOf: line)
            }
        }
        return MultipartPart(headers: headers, bodyBytes: body)
    }
}

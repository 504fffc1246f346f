import Foundation

/// One segment of a resource path: a name and the text inside its parentheses, if any
/// (`adx_webpages(5f2c…)` → name `adx_webpages`, key `5f2c…`; `WhoAmI()` → key ``).
public struct PathSegment: Sendable, Equatable {
    public var name: String
    public var key: String?
}

/// Splits a resource path (after `/api/data/v9.2/`) into segments on `/` outside quotes and
/// parentheses (research/dataverse-webapi.md §12.1 item 1).
/// - Throws: `ODataError` 400 for unbalanced parentheses or quotes.
public func parseResourcePath(_ path: String) throws -> [PathSegment] {
    var segments: [PathSegment] = []
    var name = ""
    var key: String? = nil
    var depth = 0
    var quoted = false
    var afterKey = false
    func flush() {
        if !name.isEmpty || key != nil { segments.append(PathSegment(name: name, key: key)) }
        name = ""; key = nil; afterKey = false
    }
    for c in path {
        if quoted {
            key?.append(c)
            if c == "'" { quoted = false }
            continue
        }
        if depth > 0 {
            if c == "'" { quoted = true; key?.append(c); continue }
            if c == "(" { depth += 1 }
            if c == ")" {
                depth -= 1
                if depth == 0 { afterKey = true; continue }
            }
            key?.append(c)
            continue
        }
        switch c {
        case "/": flush()
        case "(":
            guard !afterKey else { throw ODataError.badRequest("Bad Request - Error in query syntax: unexpected '(' in '\(path)'.") }
            depth = 1; key = ""
        case ")": throw ODataError.badRequest("Bad Request - Error in query syntax: unbalanced ')' in '\(path)'.")
        default:
            guard !afterKey else { throw ODataError.badRequest("Bad Request - Error in query syntax: unexpected text after ')' in '\(path)'.") }
            name.append(c)
        }
    }
    guard depth == 0, !quoted else {
        throw ODataError.badRequest("Bad Request - Error in query syntax: unbalanced parentheses or quotes in '\(path)'.")
    }
    flush()
    return segments
}

/// A record key from a path: a primary key GUID (`(5f2c…)` or `(adx_webpageid=5f2c…)`) or alternate
/// key columns (`(adx_name='Home',adx_partialurl='/')`; research/dataverse-webapi.md §3.5).
public enum RecordKey: Sendable, Equatable {
    case id(UUID)
    case alternate([String: String])

    /// Parses the text inside a segment's parentheses. `primaryIDColumn` lets `pk=guid` mean the id.
    /// - Throws: `ODataError` 400 when the text is neither a GUID nor `name=value` pairs.
    public static func parse(_ text: String, primaryIDColumn: String) throws -> RecordKey {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let u = UUID(dataverse: trimmed) { return .id(u) }
        var pairs: [String: String] = [:]
        var i = trimmed.startIndex
        while i < trimmed.endIndex {
            guard let eq = trimmed[i...].firstIndex(of: "=") else { throw badKey(text) }
            let name = trimmed[i..<eq].trimmingCharacters(in: .whitespaces)
            var j = trimmed.index(after: eq)
            var value = ""
            if j < trimmed.endIndex, trimmed[j] == "'" {
                j = trimmed.index(after: j)
                var closed = false
                while j < trimmed.endIndex {
                    if trimmed[j] == "'" {
                        let n = trimmed.index(after: j)
                        if n < trimmed.endIndex, trimmed[n] == "'" { value.append("'"); j = trimmed.index(after: n); continue }
                        j = n; closed = true; break
                    }
                    value.append(trimmed[j]); j = trimmed.index(after: j)
                }
                guard closed else { throw badKey(text) }
            } else {
                let end = trimmed[j...].firstIndex(of: ",") ?? trimmed.endIndex
                value = trimmed[j..<end].trimmingCharacters(in: .whitespaces)
                j = end
            }
            guard !name.isEmpty else { throw badKey(text) }
            pairs[name] = value
            if j < trimmed.endIndex {
                guard trimmed[j] == "," else { throw badKey(text) }
                j = trimmed.index(after: j)
            }
            i = j
        }
        guard !pairs.isEmpty else { throw badKey(text) }
        if pairs.count == 1, let v = pairs[primaryIDColumn] {
            guard let u = UUID(dataverse: v) else { throw badKey(text) }
            return .id(u)
        }
        return .alternate(pairs)
    }

    private static func badKey(_ text: String) -> ODataError {
        ODataError.badRequest("Bad Request - Error in query syntax: the key '\(text)' is not a valid GUID or key predicate.")
    }
}

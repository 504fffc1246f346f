import Foundation
import PortalModel

/// The query options of a GET on an entity set or record (research/dataverse-webapi.md §2.1, §2.2):
/// `$select` (property names, `_x_value` for lookups), `$filter`, `$orderby` (`col [asc|desc]`, comma
/// separated), `$top`, `$count=true`, and the paging `$skiptoken`. `$skip` is refused (400), as Dataverse does.
public struct QueryOptions: Sendable {
    /// Selected columns by logical name (`nil`: every column), in the order asked.
    public var select: [ColumnDefinition]?
    public var filter: RecordFilter?
    public var orderBy: [RecordQuery.SortKey]
    public var top: Int?
    public var count: Bool
    /// The `$skiptoken` value of a nextLink, as the server wrote it.
    public var skipToken: String?

    /// Parses the options of `request` for `table`.
    /// - Throws: `ODataError` 400: an unknown property (`0x0`), a malformed `$filter`, `$top` that is not
    ///   a positive integer, `$skip`, or an unknown system query option.
    public init(_ request: WebRequest, table: TableDefinition) throws {
        var aliases: [String: String] = [:]
        for (k, v) in request.query where k.hasPrefix("@") { aliases[String(k.dropFirst())] = v }
        select = nil
        filter = nil
        orderBy = []
        top = nil
        count = false
        skipToken = nil
        for (name, value) in request.query {
            switch name {
            case "$select":
                select = try value.split(separator: ",").map {
                    try FilterParser.resolveProperty($0.trimmingCharacters(in: .whitespaces), in: table)
                }
            case "$filter":
                filter = try FilterParser.parse(value, table: table, aliases: aliases)
            case "$orderby":
                orderBy = try value.split(separator: ",").map { part in
                    let words = part.split(separator: " ").map(String.init)
                    guard let first = words.first, words.count <= 2 else { throw ODataError.badRequest("Invalid $orderby '\(value)'.") }
                    let column = try FilterParser.resolveProperty(first, in: table)
                    let dir = words.count == 2 ? words[1].lowercased() : "asc"
                    guard dir == "asc" || dir == "desc" else { throw ODataError.badRequest("Invalid $orderby direction '\(words[1])'.") }
                    return RecordQuery.SortKey(column.logicalName, descending: dir == "desc")
                }
            case "$top":
                guard let n = Int(value), n >= 0 else { throw ODataError.badRequest("Invalid value '\(value)' for $top query option found.") }
                top = n
            case "$count":
                guard value == "true" || value == "false" else {
                    throw ODataError.badRequest("Invalid value '\(value)' for $count query option found.")
                }
                count = value == "true"
            case "$skiptoken":
                skipToken = value
            case "$skip":
                throw ODataError.badRequest("The query parameter $skip is not supported.")
            case "$expand":
                throw ODataError(status: 501, code: "0x0", message: "$expand is not supported by the embedded environment.")
            case "$apply", "$search", "$format":
                throw ODataError.badRequest("The query parameter \(name) is not supported.")
            default:
                if name.hasPrefix("$") { throw ODataError.badRequest("The query parameter '\(name)' is not supported.") }
            }
        }
    }
}

/// The `Prefer` header's preferences (research/dataverse-webapi.md §1.2): page size, annotations,
/// `return=representation`, `odata.continue-on-error`.
public struct Preferences: Sendable {
    /// `odata.maxpagesize=N` (1…5000), `nil` when absent or invalid.
    public var maxPageSize: Int?
    /// The annotation patterns of `odata.include-annotations` (`*`, `Microsoft.Dynamics.CRM.*`, names).
    public var annotationPatterns: [String]
    public var returnRepresentation: Bool
    public var continueOnError: Bool

    public init(_ header: String?) {
        maxPageSize = nil
        annotationPatterns = []
        returnRepresentation = false
        continueOnError = false
        guard let header else { return }
        for raw in Preferences.split(header) {
            let item = raw.trimmingCharacters(in: .whitespaces)
            let parts = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            let key = parts[0].lowercased()
            let value = parts.count > 1 ? parts[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"")) : ""
            switch key {
            case "odata.maxpagesize":
                if let n = Int(value), n > 0 { maxPageSize = min(n, 5000) }
            case "odata.include-annotations":
                annotationPatterns = value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            case "return":
                returnRepresentation = value.lowercased() == "representation"
            case "odata.continue-on-error":
                continueOnError = value.isEmpty || value.lowercased() == "true"
            default: break
            }
        }
    }

    /// Splits on commas that are not inside double quotes.
    static func split(_ s: String) -> [String] {
        var out: [String] = []
        var current = ""
        var quoted = false
        for c in s {
            if c == "\"" { quoted.toggle() }
            if c == ",", !quoted { out.append(current); current = ""; continue }
            current.append(c)
        }
        if !current.trimmingCharacters(in: .whitespaces).isEmpty { out.append(current) }
        return out
    }

    /// True when the annotation named (`Microsoft.Dynamics.CRM.lookuplogicalname`) was asked for.
    public func includes(_ annotation: String) -> Bool {
        var included = false
        for p in annotationPatterns {
            let negated = p.hasPrefix("-")
            let pattern = negated ? String(p.dropFirst()) : p
            let matches: Bool
            if pattern == "*" {
                matches = true
            } else if pattern.hasSuffix(".*") {
                matches = annotation.hasPrefix(String(pattern.dropLast(1)))
            } else {
                matches = pattern == annotation
            }
            if matches { included = !negated }
        }
        return included
    }

    /// The `Preference-Applied` header value for what was honoured, `nil` when nothing was.
    public var applied: String? {
        var parts: [String] = []
        if let n = maxPageSize { parts.append("odata.maxpagesize=\(n)") }
        if !annotationPatterns.isEmpty { parts.append("odata.include-annotations=\"\(annotationPatterns.joined(separator: ","))\"") }
        return parts.isEmpty ? nil : parts.joined(separator: ",")
    }
}

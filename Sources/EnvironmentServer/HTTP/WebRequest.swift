import Foundation
import PortalModel

/// One Web API request as the handler sees it, independent of the HTTP server library, so the same
/// code serves top-level requests and the inner requests of a `$batch` (research/dataverse-webapi.md §4).
///
/// - `method`: upper-case HTTP method (`GET`, `POST`, `PATCH`, `PUT`, `DELETE`).
/// - `path`: the resource path after `/api/data/v9.2/`, percent-decoded, without a leading `/`
///   (`adx_webpages(5f2c…)`, `WhoAmI()`, `$batch`).
/// - `query`: query options in order, names and values percent-decoded (`+` is a space).
/// - `headers`: header names lower-cased; a repeated header keeps its values joined with `, `.
/// - `body`: the raw body bytes (empty when none).
public struct WebRequest: Sendable {
    public var method: String
    public var path: String
    public var query: [(String, String)]
    public var headers: [String: String]
    public var body: Data

    public init(
        method: String, path: String, query: [(String, String)] = [], headers: [String: String] = [:],
        body: Data = Data()
    ) {
        self.method = method.uppercased()
        self.path = path
        self.query = query
        var h: [String: String] = [:]
        for (k, v) in headers { h[k.lowercased()] = v }
        self.headers = h
        self.body = body
    }

    /// The value of a query option, the first when repeated.
    public func queryValue(_ name: String) -> String? { query.first { $0.0 == name }?.1 }

    /// The value of a header (case-insensitive name).
    public func header(_ name: String) -> String? { headers[name.lowercased()] }

    /// Splits a raw query string (`a=b&c=d`, still percent-encoded) into decoded name/value pairs.
    /// `+` decodes to a space as in HTML forms; Dataverse asks callers to send `%2B` for a plus
    /// (research/dataverse-webapi.md §2.1).
    public static func parseQuery(_ raw: String?) -> [(String, String)] {
        guard let raw, !raw.isEmpty else { return [] }
        return raw.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = decode(String(parts[0]))
            let value = parts.count > 1 ? decode(String(parts[1])) : ""
            return (name, value)
        }
    }

    /// Percent-decodes one query component (`+` is a space); text that is not valid percent-encoding is kept as is.
    public static func decode(_ s: String) -> String {
        let spaced = s.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }

    /// Percent-encodes a query component so that it survives `parseQuery` (`PercentEncoding.queryComponent`,
    /// shared with the client).
    public static func encodeQueryComponent(_ s: String) -> String {
        PercentEncoding.queryComponent.encode(s)
    }
}

/// One Web API response: status, headers in order, body bytes.
public struct WebResponse: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: Data

    public init(status: Int, headers: [(String, String)] = [], body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The value of a header (case-insensitive name), the first when repeated.
    public func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }

    /// A JSON response with `Content-Type: application/json; odata.metadata=minimal` and `OData-Version: 4.0`
    /// (research/dataverse-webapi.md §1.2).
    public static func json(_ value: JSONValue, status: Int = 200, headers: [(String, String)] = []) -> WebResponse {
        WebResponse(
            status: status,
            headers: [("Content-Type", "application/json; odata.metadata=minimal"), ("OData-Version", "4.0")] + headers,
            body: value.data)
    }

    /// `204 No Content` with `OData-Version: 4.0`.
    public static func noContent(headers: [(String, String)] = []) -> WebResponse {
        WebResponse(status: 204, headers: [("OData-Version", "4.0")] + headers)
    }

    /// The Dataverse error shape `{"error":{"code":"…","message":"…"}}` (research/dataverse-webapi.md §5).
    public static func error(_ e: ODataError) -> WebResponse {
        var headers: [(String, String)] = []
        if let r = e.retryAfter { headers.append(("Retry-After", String(r))) }
        let body = JSONValue.object([("error", .object([("code", .string(e.code)), ("message", .string(e.message))]))])
        return json(body, status: e.status, headers: headers)
    }
}

import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import PortalModel

/// A response as tests look at it.
struct HTTPResult {
    var status: Int
    var headers: [(String, String)]
    var body: Data

    func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
    var text: String { String(decoding: body, as: UTF8.self) }
    /// The body as JSON. - Throws: when it is not JSON.
    func json() throws -> JSONValue { try JSONValue.parse(body) }
    /// `error.code` of a Dataverse error body, `nil` when absent.
    var errorCode: String? { (try? json())?["error"]?["code"]?.stringValue }
    /// `value` of a collection body.
    func values() throws -> [JSONValue] { try json()["value"]?.arrayValue ?? [] }
}

/// Sends requests with AsyncHTTPClient to 127.0.0.1 (not through the project's WebAPIClient, so the
/// server is tested on its own).
enum HTTP {
    static let client = HTTPClient(eventLoopGroupProvider: .singleton)

    static func send(
        _ method: String, _ url: String, headers: [String: String] = [:], body: Data? = nil,
        timeout: Int64 = 120
    ) async throws -> HTTPResult {
        var request = HTTPClientRequest(url: url)
        request.method = HTTPMethod(rawValue: method)
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "OData-Version", value: "4.0")
        request.headers.add(name: "OData-MaxVersion", value: "4.0")
        for (k, v) in headers { request.headers.replaceOrAdd(name: k, value: v) }
        if let body {
            if headers["Content-Type"] == nil { request.headers.add(name: "Content-Type", value: "application/json; charset=utf-8") }
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let response = try await client.execute(request, timeout: .seconds(timeout))
        let buffer = try await response.body.collect(upTo: 512 * 1024 * 1024)
        return HTTPResult(
            status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) },
            body: Data(buffer.readableBytesView))
    }

    static func get(_ url: String, headers: [String: String] = [:]) async throws -> HTTPResult {
        try await send("GET", url, headers: headers)
    }

    static func json(_ method: String, _ url: String, _ body: JSONValue, headers: [String: String] = [:]) async throws -> HTTPResult {
        try await send(method, url, headers: headers, body: body.data)
    }

    /// Percent-encodes a query option value.
    static func q(_ s: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s
    }
}

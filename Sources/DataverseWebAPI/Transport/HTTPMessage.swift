import Foundation

/// One HTTP request as the Web API client sends it: method, absolute URL, headers in order, body.
///
/// Header names are compared case-insensitively by `header(_:)`. Bodies are held in memory (the
/// largest are file chunks of about 4 MB, research/dataverse-webapi.md §9.2).
public struct HTTPRequestMessage: Sendable {
    public var method: String
    public var url: URL
    public var headers: [(name: String, value: String)]
    public var body: Data?

    public init(method: String, url: URL, headers: [(name: String, value: String)] = [], body: Data? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }

    /// The first value of a header, matched case-insensitively; `nil` when absent.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    /// Sets a header, replacing every earlier value of the same name.
    public mutating func setHeader(_ name: String, _ value: String) {
        headers.removeAll { $0.name.caseInsensitiveCompare(name) == .orderedSame }
        headers.append((name, value))
    }

    /// The path and query of the URL, for error messages and logs (never headers: they hold the token).
    public var pathAndQuery: String {
        guard let c = URLComponents(url: url, resolvingAgainstBaseURL: false) else { return url.path }
        return c.percentEncodedPath + (c.percentEncodedQuery.map { "?" + $0 } ?? "")
    }
}

/// One HTTP response: status code, headers in order, and the whole body.
public struct HTTPResponseMessage: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: Data

    public init(status: Int, headers: [(name: String, value: String)] = [], body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first value of a header, matched case-insensitively; `nil` when absent.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    /// The body as UTF-8 text (invalid bytes replaced).
    public var text: String { String(decoding: body, as: UTF8.self) }

    /// True for 2xx statuses.
    public var isSuccess: Bool { (200..<300).contains(status) }
}

/// Sends HTTP requests. `AsyncHTTPTransport` is the real one (AsyncHTTPClient); tests may script
/// their own to check the exact requests the client encodes without a network.
///
/// - Throws: any error when no response was received (connection refused or dropped, timeout);
///   the client treats such errors as transient and retries them.
public protocol HTTPTransport: Sendable {
    func send(_ request: HTTPRequestMessage, timeout: Duration) async throws -> HTTPResponseMessage
}

import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// `HTTPTransport` over AsyncHTTPClient 1.37 (`AsyncHTTPTransport.sharedClient` by default, whose
/// connection pool is reused across requests). Response bodies are collected in full, up to
/// `maxResponseBytes`.
public struct AsyncHTTPTransport: HTTPTransport {
    public let client: HTTPClient
    /// The largest response body accepted, in bytes (default 512 MiB, above Dataverse's 128 MB file limit).
    public let maxResponseBytes: Int

    public init(client: HTTPClient = AsyncHTTPTransport.sharedClient, maxResponseBytes: Int = 512 * 1024 * 1024) {
        self.client = client
        self.maxResponseBytes = maxResponseBytes
    }

    /// The process-wide client: `HTTPClient.shared`'s settings, except up to 52 connections per host
    /// (the concurrency gate bounds requests in flight), and that a failed connection
    /// fails the request at once (AsyncHTTPClient otherwise re-dials with backoff until the request
    /// deadline, which made a stopped server look like a hang) and a connection must be made within
    /// 10 s. Retries are `RetryPolicy`'s job. Never shut down.
    public static let sharedClient: HTTPClient = {
        var configuration = HTTPClient.Configuration.singletonConfiguration
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout.connect = .seconds(10)
        // AsyncHTTPClient opens at most 8 HTTP/1 connections per host by default, which capped the requests
        // in flight at 8 whatever x-ms-dop-hint allowed (issue 20's benchmark: peak 8 at hint 16); the
        // ConcurrencyGate is the limit, up to Dataverse's 52.
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = ConcurrencyGate.ceiling
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    /// - Throws: `EnvironmentURLInput.Invalid` for a URL the HTTP stack cannot take (bad scheme, no
    ///   host, port outside 1…65535; checked before NIO sees it); `HTTPClientError` (connect or read
    ///   timeout, connection closed) or NIO channel errors when no response arrives.
    public func send(_ request: HTTPRequestMessage, timeout: Duration) async throws -> HTTPResponseMessage {
        try EnvironmentURLInput.checkSendable(request.url)
        var r = HTTPClientRequest(url: request.url.absoluteString)
        r.method = HTTPMethod(rawValue: request.method)
        for h in request.headers { r.headers.add(name: h.name, value: h.value) }
        if let body = request.body {
            r.body = .bytes(ByteBuffer(bytes: body))
        }
        let seconds = Int64(timeout.components.seconds)
        let response = try await client.execute(r, timeout: .seconds(max(1, seconds)))
        var buffer = try await response.body.collect(upTo: maxResponseBytes)
        let bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
        return HTTPResponseMessage(
            status: Int(response.status.code),
            headers: response.headers.map { ($0.name, $0.value) },
            body: Data(bytes))
    }
}

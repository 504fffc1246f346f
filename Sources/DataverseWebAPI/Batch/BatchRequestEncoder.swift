import Foundation

/// One request inside a `$batch`: method, URL (absolute, or `$n` for a Content-ID reference), headers
/// and an optional JSON body.
public struct BatchItem: Sendable {
    public var method: String
    public var url: String
    public var headers: [(name: String, value: String)]
    public var body: String?
    /// The Content-ID written for this request (unique across the batch); `nil` for none.
    public var contentID: String?

    public init(method: String, url: String, headers: [(name: String, value: String)] = [], body: String? = nil, contentID: String? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.contentID = contentID
    }
}

/// A `$batch` part: a change set (atomic, changing requests only) or one request on its own.
public enum BatchPart: Sendable {
    case changeSet([BatchItem])
    case request(BatchItem)
}

/// Writes a `$batch` request body as research/dataverse-webapi.md §4.1 shows it: `multipart/mixed`
/// with a `batch_<id>` boundary, change sets as nested `multipart/mixed` with `changeset_<id>`
/// boundaries, each request an `application/http` part with `Content-Transfer-Encoding:binary` and
/// its `Content-ID`, CRLF line endings, and JSON bodies typed `application/json;type=entry`.
public struct BatchRequestEncoder: Sendable {
    public let batchBoundary: String
    /// The line ending written: CRLF (MIME's, the Python SDK's) by default.
    public let lineEnding: String
    private let changeSetBoundary: @Sendable (Int) -> String

    /// - Parameters:
    ///   - batchID: the text after `batch_` (a fresh UUID by default).
    ///   - changeSetID: the text after `changeset_` for the n-th change set (fresh UUIDs by default).
    ///   - lineEnding: `"\r\n"` (default) or `"\n"`; Microsoft.OData's batch reader accepts both.
    public init(
        batchID: String = UUID().uuidString.lowercased(), lineEnding: String = "\r\n",
        changeSetID: @escaping @Sendable (Int) -> String = { _ in UUID().uuidString.lowercased() }
    ) {
        self.batchBoundary = "batch_\(batchID)"
        self.lineEnding = lineEnding
        self.changeSetBoundary = { "changeset_\(changeSetID($0))" }
    }

    /// The outer request's `Content-Type`.
    public var contentType: String { "multipart/mixed;boundary=\(batchBoundary)" }

    /// The body for the parts in order.
    public func encode(_ parts: [BatchPart]) -> Data {
        var out = ""
        var changeSetIndex = 0
        for part in parts {
            out += "--\(batchBoundary)\r\n"
            switch part {
            case .request(let item):
                out += item_(item)
            case .changeSet(let items):
                let b = changeSetBoundary(changeSetIndex)
                changeSetIndex += 1
                out += "Content-Type: multipart/mixed;boundary=\(b)\r\n\r\n"
                for item in items {
                    out += "--\(b)\r\n"
                    out += item_(item)
                }
                out += "--\(b)--\r\n"
            }
        }
        out += "--\(batchBoundary)--\r\n"
        if lineEnding != "\r\n" { out = out.replacingOccurrences(of: "\r\n", with: lineEnding) }
        return Data(out.utf8)
    }

    private func item_(_ item: BatchItem) -> String {
        var s = "Content-Type: application/http\r\nContent-Transfer-Encoding:binary\r\n"
        if let id = item.contentID { s += "Content-ID: \(id)\r\n" }
        s += "\r\n\(item.method) \(item.url) HTTP/1.1\r\n"
        var headers = item.headers
        if item.body != nil, !headers.contains(where: { $0.name.lowercased() == "content-type" }) {
            headers.insert(("Content-Type", "application/json;type=entry"), at: 0)
        }
        for h in headers { s += "\(h.name): \(h.value)\r\n" }
        s += "\r\n"
        if let body = item.body { s += body + "\r\n" }
        return s
    }
}

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
    ///
    /// Written straight into bytes, each line ending as `lineEnding` (a body's own CR LF too, as when
    /// the text was written with CR LF and converted afterwards).
    public func encode(_ parts: [BatchPart]) -> Data {
        var out: [UInt8] = []
        out.reserveCapacity(
            parts.reduce(256) { n, p in
                switch p {
                case .request(let item): return n + 512 + (item.body?.utf8.count ?? 0)
                case .changeSet(let items): return items.reduce(n + 256) { $0 + 512 + ($1.body?.utf8.count ?? 0) }
                }
            })
        let crlf = lineEnding == "\r\n"
        let eol = Array(lineEnding.utf8)
        func line(_ text: String) {
            out.append(contentsOf: text.utf8)
            out.append(contentsOf: eol)
        }
        func item(_ item: BatchItem) {
            line("Content-Type: application/http")
            line("Content-Transfer-Encoding:binary")
            if let id = item.contentID { line("Content-ID: \(id)") }
            line("")
            line("\(item.method) \(item.url) HTTP/1.1")
            if item.body != nil, !item.headers.contains(where: { $0.name.lowercased() == "content-type" }) {
                line("Content-Type: application/json;type=entry")
            }
            for h in item.headers { line("\(h.name): \(h.value)") }
            line("")
            if let body = item.body { line(crlf ? body : body.replacingOccurrences(of: "\r\n", with: lineEnding)) }
        }
        var changeSetIndex = 0
        for part in parts {
            line("--\(batchBoundary)")
            switch part {
            case .request(let i):
                item(i)
            case .changeSet(let items):
                let b = changeSetBoundary(changeSetIndex)
                changeSetIndex += 1
                line("Content-Type: multipart/mixed;boundary=\(b)")
                line("")
                for i in items {
                    line("--\(b)")
                    item(i)
                }
                line("--\(b)--")
            }
        }
        line("--\(batchBoundary)--")
        return Data(out)
    }
}

import Foundation
import PortalModel

/// One request of a `$batch`: the inner HTTP request and its `Content-ID`, if any.
struct BatchOperation {
    var request: WebRequest
    var contentID: String?
}

/// A top-level item of a `$batch`: a request on its own or a change set.
enum BatchItem {
    case single(BatchOperation)
    case changeSet([BatchOperation])

    var count: Int {
        switch self {
        case .single: return 1
        case .changeSet(let ops): return ops.count
        }
    }
}

/// A response part of a `$batch` answer.
enum BatchResponseItem {
    case single(WebResponse, contentID: String?)
    case changeSet([(WebResponse, String?)])
}

extension WebAPIHandler {
    /// Most requests in one `$batch` (research/dataverse-webapi.md §4.1).
    static let maxBatchRequests = 1000

    /// `POST $batch` (research/dataverse-webapi.md §4): requests outside change sets run one by one;
    /// each change set is planned completely (Content-ID `$n` references resolved in URLs and
    /// bodies) and then executed as one atomic `ChangeSet`, so a failure leaves nothing of it applied
    /// and is answered by one error part carrying the failing request's Content-ID. Without
    /// `Prefer: odata.continue-on-error` processing stops at the first failure. The answer is an outer
    /// 200 `multipart/mixed`; a malformed batch is answered 400 with the JSON error shape.
    func batch(_ request: WebRequest) async -> WebResponse {
        let items: [BatchItem]
        do {
            items = try parseBatch(request)
        } catch let e as ODataError {
            return .error(e)
        } catch {
            return .error(.badRequest("The batch request is not valid: \(error)"))
        }
        let total = items.reduce(0) { $0 + $1.count }
        guard total <= WebAPIHandler.maxBatchRequests else {
            return .error(.badRequest("The number of requests in the batch (\(total)) exceeds the limit of \(WebAPIHandler.maxBatchRequests)."))
        }
        let continueOnError = Preferences(request.header("Prefer")).continueOnError
        var out: [BatchResponseItem] = []
        for item in items {
            switch item {
            case .single(let op):
                var inner = op.request
                if inner.header("MSCRM.BypassCustomPluginExecution") == nil, let b = request.header("MSCRM.BypassCustomPluginExecution") {
                    inner.headers["mscrm.bypasscustompluginexecution"] = b
                }
                let response: WebResponse
                if inner.path.hasPrefix("$batch") {
                    response = .error(.badRequest("Nested batch requests are not supported."))
                } else {
                    response = await handle(inner)
                }
                out.append(.single(response, contentID: op.contentID))
                if response.status >= 400 && !continueOnError { return batchResponse(out) }
            case .changeSet(let ops):
                let result = await runChangeSet(ops, outer: request)
                out.append(result)
                if case .single = result, !continueOnError { return batchResponse(out) }
            }
        }
        return batchResponse(out)
    }

    /// Plans and executes one change set; `.single` with an error response when it failed.
    func runChangeSet(_ ops: [BatchOperation], outer: WebRequest) async -> BatchResponseItem {
        var context = ChangeSetContext()
        var plans: [(WritePlan, String?)] = []
        for op in ops {
            do {
                guard op.request.method != "GET" else {
                    throw ODataError.badRequest("GET requests are not allowed inside a change set.")
                }
                var r = op.request
                r.path = try substituteContentID(r.path, context: context)
                let plan = try await planWrite(r, context: &context)
                if let cid = op.contentID { context.contentIDs[cid] = plan.entityPath }
                plans.append((plan, op.contentID))
            } catch {
                return .single(errorResponse(error), contentID: op.contentID)
            }
        }
        let operations = plans.flatMap { $0.0.operations }
        var options = executeOptions(outer)
        if ops.contains(where: { $0.request.header("MSCRM.BypassCustomPluginExecution")?.lowercased() == "true" }) {
            options.bypassCustomPlugins = true
        }
        do {
            let results = try await service.execute([ChangeSet(operations, atomic: true)], options: options)
            if let e = WebAPIHandler.firstError(results) {
                var index = results.firstIndex { $0.error?.code == e.code && $0.error?.message == e.message } ?? 0
                var failing: String? = nil
                for (plan, cid) in plans {
                    if index < plan.operations.count { failing = cid; break }
                    index -= plan.operations.count
                }
                return .single(.error(ODataError(e)), contentID: failing)
            }
            var responses: [(WebResponse, String?)] = []
            for (plan, cid) in plans { responses.append((try await respond(plan), cid)) }
            return .changeSet(responses)
        } catch {
            return .single(errorResponse(error), contentID: plans.last?.1)
        }
    }

    func errorResponse(_ error: Error) -> WebResponse {
        switch error {
        case let e as ODataError: return .error(e)
        case let e as DataverseError: return .error(ODataError(e))
        default: return .error(ODataError(status: 500, code: "0x80040216", message: "An unexpected error occurred: \(error)"))
        }
    }

    /// Replaces a leading `$n` Content-ID reference in a request path by the entity it names.
    /// - Throws: 400 `Content-ID Reference: '$n' does not exist in the batch context.`
    func substituteContentID(_ path: String, context: ChangeSetContext) throws -> String {
        guard path.hasPrefix("$"), !path.hasPrefix("$batch"), !path.hasPrefix("$metadata") else { return path }
        let ref = path.dropFirst().prefix { $0.isNumber || $0.isLetter || $0 == "-" || $0 == "_" }
        guard let url = context.contentIDs[String(ref)] else {
            throw ODataError.badRequest("Content-ID Reference: '$\(ref)' does not exist in the batch context.")
        }
        return url + path.dropFirst(1 + ref.count)
    }

    // MARK: Parsing

    func parseBatch(_ request: WebRequest) throws -> [BatchItem] {
        guard let boundary = Multipart.boundary(of: request.header("Content-Type")) else {
            throw ODataError.badRequest("The batch request must have a Content-Type of multipart/mixed with a boundary.")
        }
        var items: [BatchItem] = []
        for part in try Multipart.parse([UInt8](request.body), boundary: boundary) {
            let ct = part.headers["content-type"]?.lowercased() ?? ""
            if let inner = Multipart.boundary(of: part.headers["content-type"]) {
                var ops: [BatchOperation] = []
                for p in try Multipart.parse(part.bodyBytes, boundary: inner) {
                    ops.append(try parseOperation(p))
                }
                items.append(.changeSet(ops))
            } else if ct.hasPrefix("application/http") {
                items.append(.single(try parseOperation(part)))
            } else {
                throw ODataError.badRequest("A batch part has the Content-Type '\(ct)'; application/http or multipart/mixed was expected.")
            }
        }
        return items
    }

    /// Reads an `application/http` part: request line, headers, blank line, body.
    func parseOperation(_ part: MultipartPart) throws -> BatchOperation {
        guard (part.headers["content-type"]?.lowercased() ?? "").hasPrefix("application/http") else {
            throw ODataError.badRequest("A change set part must have Content-Type application/http.")
        }
        let lines = Multipart.lines(part.bodyBytes)
        var i = 0
        while i < lines.count, Multipart.trimmingBlanks(lines[i]).isEmpty { i += 1 }
        guard i < lines.count else { throw ODataError.badRequest("A batch part has no request line.") }
        let requestLine = Multipart.text(lines[i])
        let words = requestLine.split(separator: " ")
        guard words.count >= 2 else { throw ODataError.badRequest("The batch request line '\(requestLine)' is not valid.") }
        let method = String(words[0]).uppercased()
        guard ["GET", "POST", "PATCH", "PUT", "DELETE"].contains(method) else {
            throw ODataError.badRequest("The batch request line '\(requestLine)' has an unknown method.")
        }
        let inner = Multipart.split(Array(lines[(i + 1)...]))
        var url = String(words[1])
        if let r = url.range(of: WebAPIHandler.apiRoot) { url = String(url[r.upperBound...]) }
        while url.hasPrefix("/") { url.removeFirst() }
        let pathPart: String
        var queryPart: String? = nil
        if let q = url.firstIndex(of: "?") {
            pathPart = String(url[..<q]); queryPart = String(url[url.index(after: q)...])
        } else {
            pathPart = url
        }
        let body = Multipart.trimming(inner.bodyBytes[...]) { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D || $0 == 0x0B || $0 == 0x0C }
        let request = WebRequest(method: method, path: pathPart.removingPercentEncoding ?? pathPart,
                                 query: WebRequest.parseQuery(queryPart), headers: inner.headers, body: Data(body))
        return BatchOperation(request: request, contentID: part.headers["content-id"] ?? inner.headers["content-id"])
    }

    // MARK: Writing

    /// The outer 200 `multipart/mixed` answer (research/dataverse-webapi.md §4.2).
    func batchResponse(_ items: [BatchResponseItem]) -> WebResponse {
        let boundary = "batchresponse_" + UUID().uuidString.lowercased()
        var out = Data()
        func line(_ s: String) { out.append(Data((s + "\r\n").utf8)) }
        func part(_ r: WebResponse, _ cid: String?) {
            line("Content-Type: application/http")
            line("Content-Transfer-Encoding: binary")
            if let cid { line("Content-ID: \(cid)") }
            line("")
            line("HTTP/1.1 \(r.status) \(HTTPReasonPhrase.of(r.status))")
            for (k, v) in r.headers { line("\(k): \(v)") }
            line("")
            if !r.body.isEmpty { out.append(r.body); line("") }
        }
        for item in items {
            line("--" + boundary)
            switch item {
            case .single(let r, let cid):
                part(r, cid)
            case .changeSet(let responses):
                let cs = "changesetresponse_" + UUID().uuidString.lowercased()
                line("Content-Type: multipart/mixed; boundary=\(cs)")
                line("")
                for (r, cid) in responses {
                    line("--" + cs)
                    part(r, cid)
                }
                line("--\(cs)--")
            }
        }
        line("--\(boundary)--")
        return WebResponse(status: 200, headers: [("Content-Type", "multipart/mixed; boundary=\(boundary)"), ("OData-Version", "4.0")],
                           body: out)
    }
}

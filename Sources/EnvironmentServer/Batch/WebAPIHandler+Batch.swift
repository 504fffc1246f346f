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
        var group = WriteGroup()
        for item in items {
            switch item {
            case .single(let op):
                var inner = op.request
                if inner.header("MSCRM.BypassCustomPluginExecution") == nil, let b = request.header("MSCRM.BypassCustomPluginExecution") {
                    inner.headers["mscrm.bypasscustompluginexecution"] = b
                }
                if continueOnError, let plan = await groupablePlan(inner, group: group) {
                    group.add(plan, contentID: op.contentID, bypass: executeOptions(inner).bypassCustomPlugins)
                    continue
                }
                out += await flush(&group)
                let response: WebResponse
                if inner.path.hasPrefix("$batch") {
                    response = .error(.badRequest("Nested batch requests are not supported."))
                } else {
                    response = await handle(inner)
                }
                out.append(.single(response, contentID: op.contentID))
                if response.status >= 400 && !continueOnError { return batchResponse(out) }
            case .changeSet(let ops):
                out += await flush(&group)
                let result = await runChangeSet(ops, outer: request)
                out.append(result)
                if case .single = result, !continueOnError { return batchResponse(out) }
            }
        }
        out += await flush(&group)
        return batchResponse(out)
    }

    /// Consecutive independent writes of a `$batch` sent with `Prefer: odata.continue-on-error`, planned
    /// and waiting to be executed together as one non-atomic `ChangeSet` (one store transaction instead
    /// of one per request; each operation still succeeds or fails on its own). Performance only: the
    /// answers are those of executing the requests one after another, because a request joins only
    /// when its plan cannot depend on an earlier request of the group (`groupablePlan`).
    struct WriteGroup {
        var plans: [(plan: WritePlan, contentID: String?)] = []
        /// Whether the group's requests bypass custom plug-ins (all the same within a group).
        var bypass = false
        /// The records the group writes (create, update, delete) and the N:N pairs it links.
        var touched: Set<String> = []

        var isEmpty: Bool { plans.isEmpty }

        mutating func add(_ plan: WritePlan, contentID: String?, bypass: Bool) {
            if plans.isEmpty { self.bypass = bypass }
            plans.append((plan, contentID))
            touched.formUnion(Self.writes(plan))
        }

        /// Keys of what a plan's single operation writes: `table|id` of the record, or the N:N pair.
        static func writes(_ plan: WritePlan) -> Set<String> {
            guard let op = plan.operations.first else { return [] }
            switch op {
            case .associate(let rel, let link), .disassociate(let rel, let link):
                return ["\(rel)|\(link.first.id)|\(link.second.id)"]
            default:
                return ["\(plan.table.logicalName)|\(plan.id)"]
            }
        }

        /// Keys of the records a plan's operation reads or needs: its own record, its lookups' targets
        /// and, for N:N, both ends.
        static func reads(_ plan: WritePlan) -> Set<String> {
            var keys: Set<String> = ["\(plan.table.logicalName)|\(plan.id)"]
            for op in plan.operations {
                switch op {
                case .create(let r, _), .update(let r, _), .upsert(let r):
                    for v in r.columns.values { if let ref = v.reference { keys.insert("\(ref.logicalName)|\(ref.id)") } }
                case .associate(_, let link), .disassociate(_, let link):
                    keys.insert("\(link.first.logicalName)|\(link.first.id)")
                    keys.insert("\(link.second.logicalName)|\(link.second.id)")
                default:
                    break
                }
            }
            return keys
        }
    }

    /// The plan of a batch request that can join `group`, or `nil` when it must run on its own after
    /// the group: it is not a plain entity write (POST to a set, PATCH/DELETE of a record, N:N `$ref`),
    /// it plans to more than one operation, its planning fails (it may depend on the group's writes:
    /// a lookup to a record created earlier in the batch), it touches a record or link the group
    /// writes, or its plug-in bypass differs from the group's.
    func groupablePlan(_ request: WebRequest, group: WriteGroup) async -> WritePlan? {
        guard ["POST", "PATCH", "DELETE"].contains(request.method),
            let segments = try? parseResourcePath(request.path), let first = segments.first, first.name != "$batch",
            segments.count == 1 || (segments.count == 3 && segments[2].name == "$ref"),
            (try? await tables.table(entitySet: first.name)) != nil
        else { return nil }
        if !group.isEmpty && executeOptions(request).bypassCustomPlugins != group.bypass { return nil }
        var context = ChangeSetContext()
        guard let plan = try? await planWrite(request, context: &context), plan.operations.count == 1 else { return nil }
        let keys = WriteGroup.reads(plan).union(WriteGroup.writes(plan))
        guard group.touched.isDisjoint(with: keys) else { return nil }
        return plan
    }

    /// Executes a group's writes as one non-atomic `ChangeSet` and answers each request as `write`
    /// would have (204 with `OData-EntityId`, the representation, or its error); empties the group.
    func flush(_ group: inout WriteGroup) async -> [BatchResponseItem] {
        guard !group.isEmpty else { return [] }
        let plans = group.plans
        let options = ExecuteOptions(bypassCustomPlugins: group.bypass, continueOnError: true)
        group = WriteGroup()
        let results: [OperationResult]
        do {
            results = try await service.execute([ChangeSet(plans.compactMap { $0.plan.operations.first }, atomic: false)], options: options)
        } catch {
            return plans.map { .single(errorResponse(error), contentID: $0.contentID) }
        }
        var out: [BatchResponseItem] = []
        for (i, p) in plans.enumerated() {
            if i < results.count, let e = results[i].error {
                out.append(.single(.error(ODataError(e)), contentID: p.contentID))
            } else if i >= results.count {
                out.append(
                    .single(
                        .error(ODataError(status: 500, code: "0x80040216", message: "An unexpected error occurred: no result for the request.")),
                        contentID: p.contentID))
            } else {
                do { out.append(.single(try await respond(p.plan), contentID: p.contentID)) } catch {
                    out.append(.single(errorResponse(error), contentID: p.contentID))
                }
            }
        }
        return out
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
        let request = WebRequest(
            method: method, path: pathPart.removingPercentEncoding ?? pathPart,
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
        return WebResponse(
            status: 200, headers: [("Content-Type", "multipart/mixed; boundary=\(boundary)"), ("OData-Version", "4.0")],
            body: out)
    }
}

import Foundation
import PortalModel

extension WebAPIClient {
    /// Executes change sets in order and returns one result per operation, flattened in order.
    ///
    /// - An atomic change set is one `$batch` change set (research/dataverse-webapi.md §4): all or
    ///   nothing; the failing operation carries the error, the others `Code.rolledBack`. A duplicate
    ///   associate or missing disassociate inside it counts as success: the change set is re-sent
    ///   without that operation. File uploads of an atomic set run after its batch succeeded.
    /// - A non-atomic change set is sent as `$batch` requests of `Configuration.batchSize`
    ///   independent operations (with `Prefer: odata.continue-on-error` when `options.continueOnError`),
    ///   or one request per operation when the batch size is 1. Operations whose part answered 429 or
    ///   5xx are re-sent on their own (creates as upserts).
    /// - Without `continueOnError`, the change sets after a failed one are not executed
    ///   (`Code.notExecuted`).
    /// - `bypassCustomPlugins` sends `MSCRM.BypassCustomPluginExecution: true` on every request.
    ///
    /// Per-operation failures are reported in the results; the method throws only on cancellation.
    public func execute(_ changeSets: [ChangeSet], options: ExecuteOptions) async throws -> [OperationResult] {
        await forgetWrittenNotes(changeSets)
        var results: [OperationResult] = []
        var stopped = false
        for set in changeSets {
            if stopped {
                results.append(contentsOf: set.operations.map { Self.notExecuted($0) })
                continue
            }
            let r =
                set.atomic
                ? await executeAtomic(set.operations, options: options)
                : await executeIndependent(set.operations, options: options)
            try Task.checkCancellation()
            results.append(contentsOf: r)
            if !options.continueOnError, r.contains(where: { !$0.isSuccess }) { stopped = true }
        }
        return results
    }

    static func notExecuted(_ op: DataverseOperation) -> OperationResult {
        .failure(
            DataverseError(
                code: DataverseError.Code.notExecuted, message: "not executed because an earlier change set failed",
                logicalName: op.logicalName, recordID: op.recordID))
    }

    static func rolledBack(_ op: DataverseOperation, cause: DataverseError?) -> OperationResult {
        .failure(
            DataverseError(
                httpStatus: cause?.httpStatus, code: DataverseError.Code.rolledBack,
                message: "rolled back because another operation of its change set failed" + (cause.map { ": \($0.message)" } ?? ""),
                logicalName: op.logicalName, recordID: op.recordID))
    }

    static func failure(_ error: Error, _ op: DataverseOperation) -> OperationResult {
        if var e = error as? DataverseError {
            if e.logicalName == nil { e.logicalName = op.logicalName }
            if e.recordID == nil { e.recordID = op.recordID }
            return .failure(e)
        }
        return .failure(
            DataverseError(
                code: DataverseError.Code.transport, message: String(describing: error),
                logicalName: op.logicalName, recordID: op.recordID))
    }

    // MARK: - One operation

    /// Executes one operation with its own request. `asRetry` sends the retry form first (used when
    /// an earlier send inside a batch may already have applied it).
    func executeSingle(_ op: DataverseOperation, options: ExecuteOptions, asRetry: Bool = false) async -> OperationResult {
        let extra = options.bypassCustomPlugins ? [Self.bypassHeader] : []
        do {
            if case .uploadFile(let key, let name, let body) = op {
                try await upload(key, fileName: name, body: body, extraHeaders: extra)
                return .success(key.id)
            }
            let planned = try await request(for: op)
            guard let first = planned.message(base: apiBase, retry: asRetry, extraHeaders: extra) else {
                throw DataverseError(code: "pm:url", message: "cannot form the request URL", logicalName: op.logicalName, recordID: op.recordID)
            }
            let base = apiBase
            let sent = try await perform(
                first, retryForm: { planned.message(base: base, retry: true, extraHeaders: extra) },
                logicalName: op.logicalName, recordID: op.recordID)
            return interpret(
                op, status: sent.response.status, body: sent.response.body, method: sent.request.method,
                path: sent.request.pathAndQuery, retried: asRetry || sent.attempts > 1)
        } catch {
            return Self.failure(error, op)
        }
    }

    // MARK: - Non-atomic

    func executeIndependent(_ ops: [DataverseOperation], options: ExecuteOptions) async -> [OperationResult] {
        var results = [OperationResult?](repeating: nil, count: ops.count)
        var chunks: [[Int]] = []
        var current: [Int] = []
        for (i, op) in ops.enumerated() {
            if case .uploadFile = op {
                if !current.isEmpty { chunks.append(current); current = [] }
                chunks.append([i])
                continue
            }
            current.append(i)
            if current.count >= configuration.batchSize { chunks.append(current); current = [] }
        }
        if !current.isEmpty { chunks.append(current) }

        func runChunk(_ chunk: [Int]) async -> [(Int, OperationResult)] {
            if chunk.count == 1 { return [(chunk[0], await executeSingle(ops[chunk[0]], options: options))] }
            if configuration.batchSize == 1 {
                var out: [(Int, OperationResult)] = []
                for i in chunk { out.append((i, await executeSingle(ops[i], options: options))) }
                return out
            }
            return await executeBatchChunk(chunk.map { ($0, ops[$0]) }, options: options)
        }

        if configuration.parallelWithinChangeSet {
            let flat: [[Int]] = configuration.batchSize == 1 ? chunks.flatMap { $0.map { [$0] } } : chunks
            await withTaskGroup(of: [(Int, OperationResult)].self) { group in
                for c in flat { group.addTask { await runChunk(c) } }
                for await part in group { for (i, r) in part { results[i] = r } }
            }
        } else {
            var failed = false
            for c in chunks {
                if failed && !options.continueOnError {
                    for i in c { results[i] = Self.notExecuted(ops[i]) }
                    continue
                }
                for (i, r) in await runChunk(c) {
                    results[i] = r
                    if !r.isSuccess { failed = true }
                }
            }
        }
        return results.enumerated().map { $0.element ?? Self.notExecuted(ops[$0.offset]) }
    }

    /// One `$batch` of independent requests; parts are matched to operations by Content-ID.
    func executeBatchChunk(_ items: [(Int, DataverseOperation)], options: ExecuteOptions) async -> [(Int, OperationResult)] {
        let extra = options.bypassCustomPlugins ? [Self.bypassHeader] : []
        var planned: [(Int, DataverseOperation, OperationRequest)] = []
        var out: [(Int, OperationResult)] = []
        for (i, op) in items {
            do { planned.append((i, op, try await request(for: op))) } catch { out.append((i, Self.failure(error, op))) }
        }
        if planned.isEmpty { return out }
        let encoder = BatchRequestEncoder(lineEnding: configuration.batchLineEnding)
        func body(retry: Bool) -> Data {
            encoder.encode(planned.map { .request($0.2.batchItem(base: apiBase, contentID: String($0.0 + 1), retry: retry, extraHeaders: extra)) })
        }
        var headers: [(name: String, value: String)] = [("Content-Type", encoder.contentType)] + extra
        if options.continueOnError { headers.append(("Prefer", "odata.continue-on-error")) }
        let batchURL: URL
        do { batchURL = try url("$batch") } catch { return out + planned.map { ($0.0, Self.failure(error, $0.1)) } }
        let first = HTTPRequestMessage(method: "POST", url: batchURL, headers: headers, body: body(retry: false))
        var parts: [BatchResponseItem] = []
        var retried = false
        do {
            // The retry form (creates as upserts) is encoded only if a retry happens.
            let sent = try await perform(
                first, retryForm: { HTTPRequestMessage(method: "POST", url: batchURL, headers: headers, body: body(retry: true)) })
            retried = sent.attempts > 1
            if sent.response.isSuccess, let ct = sent.response.header("Content-Type") {
                parts = try BatchResponseParser.parse(contentType: ct, body: sent.response.body)
            } else {
                logger.debug("$batch answered HTTP \(sent.response.status); sending its operations one by one")
            }
        } catch {
            logger.debug("$batch failed (\(String(describing: error))); sending its operations one by one")
        }
        var byID: [String: BatchResponseItem] = [:]
        for p in parts { if let id = p.contentID { byID[id] = p } }
        // Without Content-IDs in the answer, parts follow the request order.
        if byID.isEmpty, !parts.isEmpty {
            for (k, p) in parts.enumerated() where k < planned.count { byID[String(planned[k].0 + 1)] = p }
        }
        var stop = false
        for (i, op, req) in planned {
            guard !stop else { out.append((i, Self.notExecuted(op))); continue }
            if let p = byID[String(i + 1)] {
                if RetryPolicy.retriedStatuses.contains(p.status) {
                    out.append((i, await executeSingle(op, options: options, asRetry: true)))
                    continue
                }
                let r = interpret(
                    op, status: p.status, body: p.body, method: retried ? (req.retryForm?.method ?? req.method) : req.method,
                    path: "/" + (retried ? (req.retryForm?.path ?? req.path) : req.path), retried: retried)
                out.append((i, r))
                if !r.isSuccess && !options.continueOnError { stop = true }
            } else if parts.isEmpty || options.continueOnError {
                out.append((i, await executeSingle(op, options: options, asRetry: true)))
            } else {
                out.append((i, Self.notExecuted(op)))
            }
        }
        return out
    }

    // MARK: - Atomic

    func executeAtomic(_ ops: [DataverseOperation], options: ExecuteOptions) async -> [OperationResult] {
        var results = [OperationResult?](repeating: nil, count: ops.count)
        let extra = options.bypassCustomPlugins ? [Self.bypassHeader] : []
        var planned: [(Int, OperationRequest)] = []
        var uploads: [Int] = []
        for (i, op) in ops.enumerated() {
            if case .uploadFile = op { uploads.append(i); continue }
            do { planned.append((i, try await request(for: op))) } catch {
                let cause = (error as? DataverseError)
                results[i] = Self.failure(error, op)
                return results.enumerated().map { $0.element ?? Self.rolledBack(ops[$0.offset], cause: cause) }
            }
        }
        if planned.count > 1000 {
            let e = DataverseError(
                httpStatus: nil, code: "pm:batch-limit",
                message: "an atomic change set holds \(planned.count) operations; Dataverse allows 1000 per batch")
            return ops.map { Self.failure(e, $0) }
        }
        var pending = planned
        var attemptsLeft = planned.count + 1
        while !pending.isEmpty, attemptsLeft > 0 {
            attemptsLeft -= 1
            let encoder = BatchRequestEncoder(lineEnding: configuration.batchLineEnding)
            let items = { (retry: Bool) in
                pending.map { $0.1.batchItem(base: self.apiBase, contentID: String($0.0 + 1), retry: retry, extraHeaders: extra) }
            }
            let headers: [(name: String, value: String)] = [("Content-Type", encoder.contentType)] + extra
            do {
                let u = try url("$batch")
                let first = HTTPRequestMessage(method: "POST", url: u, headers: headers, body: encoder.encode([.changeSet(items(false))]))
                let sent = try await perform(
                    first,
                    retryForm: { HTTPRequestMessage(method: "POST", url: u, headers: headers, body: encoder.encode([.changeSet(items(true))])) })
                guard sent.response.isSuccess, let ct = sent.response.header("Content-Type"), ct.lowercased().contains("multipart") else {
                    let e = WebAPIErrors.error(from: sent.response, method: "POST", path: sent.request.pathAndQuery)
                    for (i, _) in pending { results[i] = Self.failure(e, ops[i]) }
                    break
                }
                let parts = try BatchResponseParser.parse(contentType: ct, body: sent.response.body)
                guard let bad = parts.first(where: { $0.status >= 400 }) else {
                    for (i, _) in pending { results[i] = .success(ops[i].recordID) }
                    for (i, _) in pending {
                        if case .associate = ops[i] { results[i] = .success(nil) }; if case .disassociate = ops[i] { results[i] = .success(nil) }
                    }
                    pending = []
                    break
                }
                let index = bad.contentID.flatMap { Int($0) }.map { $0 - 1 }
                let failing = pending.first { $0.0 == index } ?? pending[0]
                let r = interpret(
                    ops[failing.0], status: bad.status, body: bad.body, method: failing.1.method,
                    path: "/" + failing.1.path, retried: sent.attempts > 1)
                if r.isSuccess {
                    // A benign failure (duplicate link, missing link): the set rolled back; re-send without it.
                    results[failing.0] = r
                    pending.removeAll { $0.0 == failing.0 }
                    continue
                }
                results[failing.0] = r
                for (i, _) in pending where i != failing.0 { results[i] = Self.rolledBack(ops[i], cause: r.error) }
                break
            } catch {
                for (i, _) in pending { results[i] = Self.failure(error, ops[i]) }
                break
            }
        }
        let batchOK = planned.allSatisfy { results[$0.0]?.isSuccess ?? false }
        for i in uploads {
            results[i] =
                batchOK
                ? await executeSingle(ops[i], options: options)
                : Self.rolledBack(ops[i], cause: planned.compactMap { results[$0.0]?.error }.first)
        }
        return results.enumerated().map { $0.element ?? Self.notExecuted(ops[$0.offset]) }
    }
}

import Foundation
import PortalModel

/// How writes are sent: `changeSetSize` operations per `$batch` request, `parallelism` change sets in
/// flight, and whether custom plug-ins are bypassed (`MSCRM.BypassCustomPluginExecution`, the default,
/// as Microsoft's portal schemas ask with `disableplugins="true"`).
///
/// `nil` (the default) lets the applier choose (issue 20): requests in flight follow what the target
/// advises (`SendingAdvice`: the server's `x-ms-dop-hint`, halved after a 429, never above 52), and each
/// pass is cut into change sets of about `operations ÷ requests in flight` (at most
/// `Applier.largestChosenChangeSet`), so every slot the server allows is busy and the pass ends
/// together. A target without advice (the embedded environment in-process) gets 10 and 4.
public struct ApplyOptions: Sendable {
    public var changeSetSize: Int?
    public var parallelism: Int?
    public var bypassPlugins: Bool

    public init(changeSetSize: Int? = nil, parallelism: Int? = nil, bypassPlugins: Bool = true) {
        self.changeSetSize = changeSetSize.map { max(1, $0) }
        self.parallelism = parallelism.map { max(1, $0) }
        self.bypassPlugins = bypassPlugins
    }
}

/// What an apply did: counts per table and relationship, and every failure.
public struct ApplyOutcome: Sendable {
    public var tables: [String: TableCounts] = [:]
    public var links: [String: LinkCounts] = [:]
    public var failures: [FailureEntry] = []
    /// Operations the target confirmed.
    public var confirmed = 0
}

/// Performs a plan against the target in passes (DESIGN.md "Ordering"; issue 6 "Apply"):
/// 1. record writes in dependency levels (`WriteLevels`: a record goes after every record of the plan
///    it references, records of any tables that do not depend on each other together), the records
///    of a level in change sets sent in parallel; a note's body goes with its record;
/// 2. the deferred (cycle-closing) lookups;
/// 3. N:N removals, then additions;
/// 4. state and status;
/// 5. deletions, children first.
/// Every confirmed operation is journalled. Failures the target answers are collected per record, never
/// thrown; a create answered with DuplicateRecord (the record appeared meanwhile) is retried as an update,
/// a delete of a record already gone (cascade) counts as done. A failure without an answer (code
/// `DataverseError.Code.transport`: the target stopped answering after the transport's retries) stops the
/// run instead: no further change set is sent and `apply` throws `ApplyStopped`.
public struct Applier: Sendable {
    public let target: any DataverseService
    public let source: PortalSnapshot
    public let options: ApplyOptions
    public let journal: Journal?

    public init(target: any DataverseService, source: PortalSnapshot, options: ApplyOptions, journal: Journal?) {
        self.target = target
        self.source = source
        self.options = options
        self.journal = journal
    }

    struct OpInfo: Sendable {
        var table: String
        var id: UUID
        var name: String?
        var kind: String
        var relationship: String?
        /// The `documentbody` to send with the record, read just before its change set is sent.
        var body: FileBody? = nil
    }

    /// The operations one `apply` has had answered so far, emitted as `ProgressEvent.written` after each
    /// change set (never per record). Updated from the task that collects the change sets' results.
    final class WriteTally: @unchecked Sendable {
        private let lock = NSLock()
        let total: Int
        let totalBytes: Int
        private var done = 0, failed = 0, bytes = 0

        init(total: Int, totalBytes: Int) {
            self.total = total
            self.totalBytes = totalBytes
        }

        /// One change set answered: `count` operations, `failures` of them failed, `sent` body bytes.
        func add(_ count: Int, failures: Int, sent: Int) {
            let event: ProgressEvent = lock.withLock {
                done += count
                failed += failures
                bytes += sent
                return .written(
                    done: done, total: max(total, done), failed: failed, bytes: bytes,
                    totalBytes: max(totalBytes, bytes))
            }
            ProgressSink.emit(event)
        }
    }

    /// The first transport failure of one `apply`, shared by its change sets in flight; once set, no
    /// further change set is sent.
    final class StopSignal: @unchecked Sendable {
        private let lock = NSLock()
        private var first: DataverseError?
        var cause: DataverseError? { lock.withLock { first } }
        func stop(_ e: DataverseError) { lock.withLock { if first == nil { first = e } } }
    }

    /// Applies `plan`, leaving out the records whose source id is in `excluded` (failed checks with `--force`):
    /// the passes in order (`recordWrites` per dependency level, `deferredLookupPatches`, `linkChanges`,
    /// `stateChanges`, `deletionRuns`), each sent by `send`, then `tableCounts`.
    /// - Throws: `ApplyStopped` when the target stopped answering (the operations confirmed before are
    ///   journalled); cancellation. Failures the target answers are in the outcome.
    public func apply(_ plan: MigrationPlan, excluded: Set<UUID> = []) async throws -> ApplyOutcome {
        let scope = ApplyScope(plan, excluded: excluded)
        let records = scope.records
        let bodyBytes = records.filter(sendsWrite).reduce(0) { n, r in n + ((try? r.bodyKey.flatMap { source.bodies[$0] }?.size()) ?? 0) }
        let total = operationCount(plan, records: records, excludedTargets: scope.excludedTargets)
        let context = PassContext(stop: StopSignal(), tally: WriteTally(total: total, totalBytes: bodyBytes), total: total)
        ProgressSink.emit(.written(done: 0, total: total, failed: 0, bytes: 0, totalBytes: bodyBytes))
        var ledger = ApplyLedger()
        // 1. Record writes, level by level (`WriteLevels`): every record whose referenced records are
        // written goes in the same round, whatever its table.
        for level in WriteLevels.of(records) { _ = try await send(recordWrites(level.map { records[$0] }), context, &ledger) }
        // 2. Deferred lookups. 3. N:N removals, then additions. 4. State and status.
        _ = try await send(Self.deferredLookupPatches(records, failed: ledger.failed), context, &ledger)
        let links = Self.linkChanges(plan.links, excludedTargets: scope.excludedTargets)
        let removed = try await send(links.removals, context, &ledger)
        let added = try await send(links.additions, context, &ledger)
        ledger.countLinks(removed, added: false)
        ledger.countLinks(added, added: true)
        _ = try await send(Self.stateChanges(records, failed: ledger.failed), context, &ledger)
        // 5. Deletions, table by table (children first).
        var deleted = Set<UUID>()
        for deletions in Self.deletionRuns(plan.deletions) {
            for (info, result) in try await send(deletions, context, &ledger) where result.isSuccess { deleted.insert(info.id) }
        }
        ledger.outcome.tables = Self.tableCounts(
            records: records, deletions: plan.deletions, failed: ledger.failed, written: ledger.written, deleted: deleted)
        return ledger.outcome
    }

    /// What the passes of one `apply` share: the stop signal, the progress tally and the operation count.
    struct PassContext: Sendable {
        var stop: StopSignal
        var tally: WriteTally
        var total: Int
    }

    /// Sends one pass (`run`) and records its answers in `ledger`.
    /// - Returns: the pass's answers, in its order.
    /// - Throws: `ApplyStopped` once an operation got no answer (with what was written and answered so far).
    func send(_ ops: Pass, _ context: PassContext, _ ledger: inout ApplyLedger) async throws -> [(OpInfo, OperationResult)] {
        let results = await run(ops, stop: context.stop, tally: context.tally)
        guard let cause = context.stop.cause else {
            ledger.record(results)
            return results
        }
        let written = ledger.outcome.confirmed + results.filter { $0.1.isSuccess }.count
        let answered =
            ledger.outcome.failures
            + results.compactMap { info, result -> FailureEntry? in
                guard let e = result.error, e.code != DataverseError.Code.transport else { return nil }
                return Self.failureEntry(info, e)
            }
        throw ApplyStopped(cause: cause, written: written, notWritten: max(0, context.total - written - answered.count), failures: answered)
    }

    /// The report line of an operation's failure, under its relationship or table.
    static func failureEntry(_ info: OpInfo, _ e: DataverseError) -> FailureEntry {
        FailureEntry(table: info.relationship ?? info.table, id: info.id, name: info.name, column: e.column, code: e.code, message: e.message)
    }

    /// True when pass 1 sends a create or update for `r` (an update with no column and no file body sends nothing).
    func sendsWrite(_ r: RecordPlan) -> Bool {
        guard WriteLevels.writes(r) else { return false }
        return !(r.action == .update && r.record.columns.isEmpty && (r.bodyKey.flatMap { source.bodies[$0] }) == nil)
    }

    /// The operations the passes of `apply` send for `records` of `plan` when nothing fails (when a record
    /// fails, its deferred lookups and state change are not sent: this is then an upper bound).
    func operationCount(_ plan: MigrationPlan, records: [RecordPlan], excludedTargets: Set<UUID>) -> Int {
        records.filter(sendsWrite).count
            + records.filter { !$0.deferred.isEmpty }.count
            + plan.links.reduce(0) { n, l in
                n + l.remove.count + l.add.filter { !excludedTargets.contains($0.first.id) && !excludedTargets.contains($0.second.id) }.count
            }
            + records.filter { !$0.state.isEmpty }.count
            + plan.deletions.count
    }

    /// Most file body bytes in all the change sets in flight together: a change set closes earlier than
    /// `changeSetSize` when its bodies reach `changeSetBodyBytes(width:)`, so the bodies held in memory
    /// at once stay near this whatever the portal's size and the width (issue 20: a body is held several
    /// times while its request is formed, base64 text, JSON, `$batch` body; at hint 16 with 4 MiB per
    /// change set the upload's peak grew by hundreds of MB).
    static let inFlightBodyBytes = 8 * 1024 * 1024

    /// Most file body bytes in one change set with `width` change sets in flight: `inFlightBodyBytes`
    /// shared between them, at least 256 KiB (a larger body is a change set of its own).
    static func changeSetBodyBytes(width: Int) -> Int {
        max(256 * 1024, inFlightBodyBytes / max(1, width))
    }

    /// Sends operations in change sets of `changeSetSize` (fewer when their file bodies reach
    /// `changeSetBodyBytes`), `parallelism` at a time; returns one result per operation sent, in the input
    /// order. Once `stop` is set (an operation got no answer), no further change set is sent: the
    /// operations of change sets not sent have no result. Each change set answered is counted in `tally`.
    func run(_ ops: [(DataverseOperation, OpInfo)], stop: StopSignal, tally: WriteTally? = nil) async -> [(OpInfo, OperationResult)] {
        guard !ops.isEmpty else { return [] }
        let advisor = target.sendingAdvice
        let firstWidth = await width(advisor)
        let changeSetSize = options.changeSetSize ?? Self.chosenChangeSetSize(operations: ops.count, width: firstWidth, advised: advisor != nil)
        if options.changeSetSize == nil || options.parallelism == nil {
            advisor?.noteSendingChoice(
                "sending \(ops.count) operation\(ops.count == 1 ? "" : "s") (\(ops[0].1.kind) …) in change sets of "
                    + "\(changeSetSize), \(firstWidth) in flight")
        }
        var chunks: [[(DataverseOperation, OpInfo)]] = []
        var chunkBytes: [Int] = []
        var current: [(DataverseOperation, OpInfo)] = []
        var bytes = 0
        let bodyLimit = Self.changeSetBodyBytes(width: firstWidth)
        for item in ops {
            let size = (try? item.1.body?.size()) ?? 0
            if !current.isEmpty && (current.count >= changeSetSize || bytes + size > bodyLimit) {
                chunks.append(current)
                chunkBytes.append(bytes)
                current = []
                bytes = 0
            }
            current.append(item)
            bytes += size
        }
        if !current.isEmpty { chunks.append(current); chunkBytes.append(bytes) }
        var results = [[(OpInfo, OperationResult)]](repeating: [], count: chunks.count)
        await withTaskGroup(of: (Int, [(OpInfo, OperationResult)]).self) { group in
            var next = 0
            var running = 0
            func add() {
                guard next < chunks.count, stop.cause == nil else { return }
                let index = next, chunk = chunks[index]
                next += 1
                running += 1
                group.addTask { (index, await self.runChunk(chunk, stop: stop)) }
            }
            for _ in 0..<firstWidth { add() }
            while let (index, r) = await group.next() {
                running -= 1
                results[index] = r
                tally?.add(r.count, failures: r.filter { !$0.1.isSuccess }.count, sent: chunkBytes[index])
                // The advice may have moved (a hint arrived, a 429 halved it): keep that many in flight.
                let w = await width(advisor)
                while running < w && next < chunks.count && stop.cause == nil { add() }
            }
        }
        return results.flatMap { $0 }
    }

    /// The largest change set the applier chooses itself: Microsoft advises starting near 10 and growing
    /// (research/dataverse-costs.md §2.4; vendors report 100 per batch when multi-threaded), and the
    /// server time of a batch grows with its parts (they run one after another, §2.2).
    public static let largestChosenChangeSet = 100

    /// Change sets in flight: `options.parallelism` when set, else the target's advice, else 4.
    func width(_ advisor: (any SendingAdvice)?) async -> Int {
        if let p = options.parallelism { return p }
        return max(1, await advisor?.recommendedParallelism() ?? 4)
    }

    /// The change set size for a pass of `operations` with `width` in flight: one round of equal
    /// change sets (`⌈operations ÷ width⌉`, at most `largestChosenChangeSet`, balanced so the last is
    /// not a remainder); 10 for a target without advice.
    static func chosenChangeSetSize(operations: Int, width: Int, advised: Bool) -> Int {
        guard advised else { return 10 }
        let first = min(largestChosenChangeSet, max(1, (operations + width - 1) / max(1, width)))
        let count = (operations + first - 1) / first
        return max(1, (operations + count - 1) / count)
    }

    /// The operation with its note's file body read (`OperationBody` `documentbody`, as bytes: a service
    /// encodes them as its store or wire needs), so a body that cannot be read fails this one operation
    /// here, before the change set is sent, and only the bodies in flight are held in memory.
    /// - Throws: what reading the body throws.
    static func withBody(_ op: DataverseOperation, _ info: OpInfo) throws -> DataverseOperation {
        guard let body = info.body else { return op }
        let bytes = OperationBody.documentBody(.data(try body.load()))
        switch op {
        case .create(let r, _): return .create(r, body: bytes)
        case .update(let r, _): return .update(r, body: bytes)
        default: return op
        }
    }

    /// Sends one change set; sets `stop` when an operation got no answer (`DataverseError.Code.transport`).
    private func runChunk(_ input: [(DataverseOperation, OpInfo)], stop: StopSignal) async -> [(OpInfo, OperationResult)] {
        let execOptions = ExecuteOptions(bypassCustomPlugins: options.bypassPlugins, continueOnError: true)
        var out: [(OpInfo, OperationResult)] = []
        var chunk: [(DataverseOperation, OpInfo)] = []
        for (op, info) in input {
            do { chunk.append((try Self.withBody(op, info), info)) } catch {
                out.append(
                    (
                        info,
                        .failure(
                            DataverseError(
                                code: "pm:file", message: "cannot read the file body: \(error.localizedDescription)",
                                logicalName: info.table, recordID: info.id, column: "documentbody"))
                    ))
            }
        }
        guard !chunk.isEmpty else { return out }
        var results: [OperationResult]
        do {
            results = try await target.execute([ChangeSet(chunk.map(\.0), atomic: false)], options: execOptions)
        } catch {
            let e = (error as? DataverseError) ?? DataverseError(code: DataverseError.Code.transport, message: "\(error)")
            results = chunk.map { _ in .failure(e) }
        }
        while results.count < chunk.count {
            results.append(
                .failure(DataverseError(code: DataverseError.Code.notExecuted, message: "the target returned no result for the operation")))
        }
        for (i, (op, info)) in chunk.enumerated() {
            var result = results[i]
            if case .failure(let e) = result {
                if case .create(let r, let body) = op, e.code == DataverseError.Code.duplicateRecord {
                    // The record exists (created by an earlier, interrupted request): update it instead.
                    result = (try? await target.execute([.update(r, body: body)], atomic: false, options: execOptions).first) ?? result
                } else if case .delete = op, e.isRecordNotFound {
                    result = .success(info.id)
                }
            }
            if case .failure(let e) = result, e.code == DataverseError.Code.transport { stop.stop(e) }
            if result.isSuccess, let journal {
                await journal.confirmed(info.kind, table: info.relationship ?? info.table, id: info.id)
            }
            out.append((info, result))
        }
        return out
    }
}

import DataverseWebAPI
import Foundation
import LocalEnvironment
import Migration
import PortalModel
import TestSupport

/// The baselines of issue 11, run in a child process of the benchmark (`--child MODE`):
/// - `sequential` (a): one Web API request per record write, one after another (how Portal Records
///   Mover works);
/// - `parallel` (b): one request per record write, up to the server's 52 in flight (how pac is reported
///   to work);
/// - `local` (c, the floor): the same writes applied to a `LocalEnvironment` in-process, no HTTP;
/// - `read-local`: every record of the portal read from the source `LocalEnvironment` in-process (the
///   floor for download).
///
/// The writes are the product's own `DataverseService` operations in dependency order — creates by
/// table and depth, then the cycle-closing lookups, then N:N associations — only without `$batch`
/// change sets. The writes come from `MigrationEngine.prepare` against the (empty) target's own SQLite
/// file opened in-process, computed before the clock starts. Each mode prints `{"seconds":…,"operations":…,"failures":…}`.
enum Baselines {
    struct Outcome: Codable { var seconds: Double; var operations: Int; var failures: Int; var firstFailure: String? }

    /// Runs `mode` and returns what it measured.
    /// - Parameters:
    ///   - url: the server for `sequential`/`parallel`; `source`: the source environment file for `read-local`.
    /// - Throws: on a bad mode, or when the work directory or environments cannot be created.
    static func run(mode: String, size: BenchSize, url: String?, source: URL?, target: URL?, work: URL) async throws -> Outcome {
        let snapshot = SyntheticPortal.generate(seed: size.seed, records: size.records, webFileBytes: size.webFileBytes)
        if mode == "read-local" {
            guard let source else { throw BenchError(description: "read-local needs --source") }
            let env = try LocalEnvironment(opening: source)
            let started = DispatchTime.now().uptimeNanoseconds
            var read = 0
            for table in snapshot.records.keys.sorted() {
                read += try await env.retrieveAll(RecordQuery(table)).count
            }
            return Outcome(seconds: elapsed(started), operations: read, failures: 0, firstFailure: nil)
        }
        let options = ExecuteOptions(bypassCustomPlugins: true, continueOnError: true)
        var results: [OperationResult] = []
        let started: UInt64
        let waves: [[DataverseOperation]]
        switch mode {
        case "local":
            let env = try LocalEnvironment.create(at: work.appendingPathComponent("floor.sqlite"), options: LocalEnvironmentOptions(name: "floor"))
            waves = try await operations(snapshot, target: env, work: work)
            started = DispatchTime.now().uptimeNanoseconds
            for wave in waves { results += try await env.execute([ChangeSet(wave, atomic: false)], options: options) }
        case "sequential", "parallel":
            guard let url, let environmentURL = URL(string: url), let target else {
                throw BenchError(description: "\(mode) needs --url and --target")
            }
            // Planned against the target's own file (its seeded rows), in-process and untimed.
            let planning = try LocalEnvironment(opening: target)
            waves = try await operations(snapshot, target: planning, work: work)
            try? planning.close()
            let dop = mode == "parallel" ? BenchServer.maxConcurrency : 1
            let client = try WebAPIClient(
                configuration: WebAPIClient.Configuration(
                    environmentURL: environmentURL, initialParallelism: dop, maxParallelism: dop, batchSize: 1))
            started = DispatchTime.now().uptimeNanoseconds
            for wave in waves {
                if dop == 1 {
                    for op in wave { results += try await client.execute([ChangeSet([op], atomic: false)], options: options) }
                } else {
                    // The first write of a wave alone, so the client's table metadata is cached before
                    // 52 writes need it at once (otherwise each fetches it: extra GETs, not the strategy).
                    results += try await client.execute([ChangeSet([wave[0]], atomic: false)], options: options)
                    results += try await parallel(Array(wave.dropFirst()), width: dop) { op in
                        (try? await client.execute([ChangeSet([op], atomic: false)], options: options)) ?? []
                    }
                }
            }
        default:
            throw BenchError(description: "unknown baseline mode '\(mode)'")
        }
        let seconds = elapsed(started)
        let count = waves.reduce(0) { $0 + $1.count }
        let failed = results.compactMap(\.error)
        return Outcome(
            seconds: seconds, operations: count, failures: failed.count + max(0, count - results.count),
            firstFailure: failed.first.map { "\($0.code) \($0.logicalName ?? "") \($0.message)" })
    }

    static func elapsed(_ started: UInt64) -> Double { Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9 }

    /// Runs `body` for every operation with at most `width` at a time; results in any order.
    static func parallel(
        _ ops: [DataverseOperation], width: Int,
        _ body: @escaping @Sendable (DataverseOperation) async -> [OperationResult]
    ) async throws -> [OperationResult] {
        try await withThrowingTaskGroup(of: [OperationResult].self) { group in
            var out: [OperationResult] = []
            var next = 0
            while next < ops.count && next < width {
                let op = ops[next]
                group.addTask { await body(op) }
                next += 1
            }
            while let r = try await group.next() {
                out += r
                if next < ops.count {
                    let op = ops[next]
                    group.addTask { await body(op) }
                    next += 1
                }
            }
            return out
        }
    }

    /// The writes of the snapshot into an empty environment, in waves that may run in any order within.
    /// - Throws: when planning fails.
    static func operations(_ snapshot: PortalSnapshot, target: any DataverseService, work: URL) async throws -> [[DataverseOperation]] {
        let prepared = try await MigrationEngine().prepare(
            source: .snapshot(snapshot, organization: nil), target: target,
            options: MigrationOptions(dataDirectory: work.appendingPathComponent("data")))
        let plan = prepared.plan
        var waves: [[DataverseOperation]] = []
        var start = 0
        let records = plan.records
        while start < records.count {
            var end = start
            while end < records.count && records[end].table == records[start].table && records[end].depth == records[start].depth { end += 1 }
            var wave: [DataverseOperation] = []
            for r in records[start..<end] where r.action == .create || r.action == .update {
                var payload = r.record
                if let key = r.bodyKey, let body = snapshot.bodies[key] {
                    payload["documentbody"] = .string(try body.load().base64EncodedString())
                }
                wave.append(r.action == .create ? .create(payload) : .update(payload))
            }
            if !wave.isEmpty { waves.append(wave) }
            start = end
        }
        var patches: [DataverseOperation] = []
        for r in records where !r.deferred.isEmpty {
            var p = EntityRecord(r.table, id: r.targetID)
            for d in r.deferred { p[d.column] = d.value }
            patches.append(.update(p))
        }
        if !patches.isEmpty { waves.append(patches) }
        let links = plan.links.flatMap { l in l.add.map { DataverseOperation.associate(relationship: l.relationship, $0) } }
        if !links.isEmpty { waves.append(links) }
        return waves
    }
}

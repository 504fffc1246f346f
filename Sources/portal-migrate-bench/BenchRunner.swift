import ChildProcesses
import EnvironmentServer
import Foundation
import LocalEnvironment
import Migration
import PortalModel
import TestSupport

/// Runs every scenario and baseline of issue 11 for one size and collects `ScenarioResult`s.
///
/// Setup, untimed: the seeded synthetic portal is written into a source `LocalEnvironment` in-process;
/// `portal-migrate download` (from `local:src`) makes the pac site folder and `data export` the CMT
/// package used by the import scenario. Each timed run then gets fresh servers (`BenchServer`) and
/// fresh empty targets, and runs the built `portal-migrate` (or this binary in `--child` mode for the
/// baselines) as a child process, so its peak memory is its own.
final class BenchRunner: @unchecked Sendable {
    let size: BenchSize
    let runs: Int
    let work: URL
    let portalMigrate: URL
    let selfBinary: URL
    let log: (String) -> Void
    /// Only these scenarios and baselines (by name); `nil` runs all.
    let only: Set<String>?
    /// How the servers of the next `runAll` serve (cost model, dop hint).
    var settings = BenchServer.Settings()
    /// Write operations the synthetic portal needs in an empty target (creates and updates with their
    /// bodies, deferred lookups, N:N links, state changes), and the rounds of them that depend on each
    /// other (`WriteLevels` plus one each for deferred lookups, links and states): from the plan in `prepare`.
    private(set) var leastWrites = 0
    private(set) var writeRounds = 0

    private(set) var snapshot = PortalSnapshot()
    private var source: LocalEnvironment?
    private var sourceFile: URL { work.appendingPathComponent("home/environments/src.sqlite") }
    private var siteFolder: URL?
    private var schemaFile: URL { work.appendingPathComponent("schema.xml") }
    private var dataZip: URL { work.appendingPathComponent("setup-data.zip") }
    private var websiteID: String { snapshot.websiteID?.dataverseString ?? "" }

    init(
        size: BenchSize, runs: Int, work: URL, portalMigrate: URL, selfBinary: URL, only: Set<String>? = nil,
        log: @escaping (String) -> Void
    ) {
        self.only = only
        self.size = size
        self.runs = max(1, runs)
        self.work = work
        self.portalMigrate = portalMigrate
        self.selfBinary = selfBinary
        self.log = log
    }

    /// One timed run: wall seconds, traffic, peak memory and CPU of the child, the load average before
    /// and after, and the cost accounts of the servers it used.
    struct Sample {
        var wall: Double
        var traffic: TrafficCounter.Totals
        var rss: Int
        var cpu: Double = 0
        var load: [Double] = []
        var accounts: [CostAccount.Snapshot] = []
        var steps = 0
    }

    /// The 1-minute load average (`/proc/loadavg`), 0 when unreadable.
    static func loadAverage() -> Double {
        guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8),
            let first = text.split(separator: " ").first, let v = Double(first)
        else { return 0 }
        return v
    }

    // MARK: Setup

    /// Generates the portal and makes the source environment, the site folder and the CMT package.
    /// - Throws: when the engine or a setup command fails.
    func prepare() async throws {
        snapshot = SyntheticPortal.generate(seed: size.seed, records: size.records, webFileBytes: size.webFileBytes)
        log("size \(size.rawValue): \(snapshot.recordCount) records, \(snapshot.bodies.count) web file bodies")
        try FileManager.default.createDirectory(at: sourceFile.deletingLastPathComponent(), withIntermediateDirectories: true)
        let env = try LocalEnvironment.create(at: sourceFile, options: LocalEnvironmentOptions(name: "src"))
        var options = MigrationOptions(dataDirectory: work.appendingPathComponent("home"))
        options.blockedAttachmentsWriter = ServiceBlockedAttachmentsWriter(service: env)
        let report = try await MigrationEngine().migrate(source: .snapshot(snapshot, organization: nil), target: env, options: options)
        guard report.failures.isEmpty else {
            throw BenchError(description: "loading the synthetic portal failed: \(report.failures.prefix(3))")
        }
        source = env
        try await countLeastWrites()
        let folder = work.appendingPathComponent("site", isDirectory: true)
        _ = try product(
            ["download", "--path", folder.path, "--webSiteId", websiteID, "--environment", "local:src"],
            home: work.appendingPathComponent("home"))
        siteFolder = try Self.findSiteFolder(in: folder)
        _ = try product(["data", "schema", "--portalType", "custom", "--output", schemaFile.path], home: work.appendingPathComponent("home"))
        // The CMT package only when `cmt-import` runs (for L it is a long untimed step).
        if only == nil || only?.contains("cmt-import") == true {
            _ = try product(
                ["data", "export", "--schemaFile", schemaFile.path, "--dataFile", dataZip.path, "--environment", "local:src"],
                home: work.appendingPathComponent("home"))
        }
    }

    /// Plans the portal into a new empty environment (in-process, untimed) and counts the writes it
    /// needs and their dependent rounds.
    func countLeastWrites() async throws {
        let (empty, file) = try newTargetWithFile()
        defer { try? empty.close(); try? FileManager.default.removeItem(at: file) }
        let prepared = try await MigrationEngine().prepare(
            source: .snapshot(snapshot, organization: nil), target: empty,
            options: MigrationOptions(dataDirectory: work.appendingPathComponent("plan-data")))
        let plan = prepared.plan
        let levels = WriteLevels.of(plan.records).count
        let patches = plan.records.filter { !$0.deferred.isEmpty }.count
        let links = plan.links.reduce(0) { $0 + $1.add.count + $1.remove.count }
        let states = plan.records.filter { !$0.state.isEmpty }.count
        leastWrites = plan.records.filter { $0.action == .create || $0.action == .update }.count + patches + links + states + plan.deletions.count
        writeRounds = levels + (patches > 0 ? 1 : 0) + (links > 0 ? 1 : 0) + (states > 0 ? 1 : 0)
        log("the portal needs \(leastWrites) writes in \(writeRounds) dependent rounds")
    }

    static func findSiteFolder(in root: URL) throws -> URL {
        let e = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)
        while let u = e?.nextObject() as? URL {
            if u.lastPathComponent == "website.yml" { return u.deletingLastPathComponent() }
        }
        throw BenchError(description: "download wrote no website.yml under \(root.path)")
    }

    // MARK: Children

    /// Runs `portal-migrate arguments` with its own data directory; throws with its error output on a
    /// non-zero exit.
    /// A new data directory for `product` runs (`PORTAL_MIGRATE_HOME`).
    func newHome() -> URL { work.appendingPathComponent("homes/\(UUID().uuidString.prefix(8))") }

    func product(_ arguments: [String], home: URL? = nil) throws -> ChildRun {
        let h = home ?? newHome()
        try FileManager.default.createDirectory(at: h, withIntermediateDirectories: true)
        let run = try ChildProcess.runMeasured(
            portalMigrate, arguments,
            environment: [
                "PORTAL_MIGRATE_HOME": h.path, "XDG_CONFIG_HOME": h.appendingPathComponent("config").path,
            ])
        guard run.status == 0 else {
            throw BenchError(
                description: "portal-migrate \(arguments.prefix(2).joined(separator: " ")) exited with \(run.status): \(run.stderr.suffix(1500))")
        }
        return run
    }

    /// A new empty embedded environment and its SQLite file.
    func newTargetWithFile() throws -> (LocalEnvironment, URL) {
        let file = work.appendingPathComponent("targets/\(UUID().uuidString.prefix(8)).sqlite")
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        return (try LocalEnvironment.create(at: file, options: LocalEnvironmentOptions(name: "target")), file)
    }

    func sourceEnvironment() throws -> LocalEnvironment {
        guard let source else { throw BenchError(description: "prepare() was not run") }
        return source
    }

    // MARK: Scenarios

    /// Every scenario and baseline at the current `settings`, with ratios filled in.
    ///
    /// Chain steps (the round trips no plan can avoid, `ScenarioResult.chainSteps`; [I]): 2 to read the
    /// target (metadata, then records) before writing, plus the portal's dependent write rounds for a
    /// write into an empty target, 2 more to read the source for `migrate`; 3 for a download or export
    /// (website, tables, bodies); an unchanged re-upload 2, one change 3.
    /// - Parameter firstHint: whether this is the first hint of the run: the in-process baselines,
    ///   which no server setting changes, run only then; baseline (a) only at S under the cost model
    ///   (5,500 sequential requests of ~75 ms at M) unless named in `--scenarios`.
    func runAll(firstHint: Bool = true) async throws -> [ScenarioResult] {
        var results: [ScenarioResult] = []
        func add(_ r: ScenarioResult?) { if let r { results.append(r) } }
        let site = try siteFolder ?? { throw BenchError(description: "no site folder") }()
        let costed = settings.costModel != nil
        let rounds = writeRounds, least = leastWrites

        if !costed || size == .S || only?.contains("baseline-a-sequential") == true {
            add(
                try await measure(
                    "baseline-a-sequential", runs: 1, least: least, note: "one request per record write, sequential; write phase timed in the child"
                ) {
                    try await self.baseline("sequential", steps: least)
                })
        }
        add(
            try await measure(
                "baseline-b-parallel", runs: runs, least: least,
                note:
                    "one request per record write, as many in flight as the server's x-ms-dop-hint allows (the client follows it); write phase timed in the child"
            ) {
                try await self.baseline("parallel", steps: rounds)
            })
        if firstHint {
            add(
                try await measure("baseline-c-local", runs: runs, note: "same writes into a LocalEnvironment in-process, no HTTP") {
                    try await self.baseline("local", steps: 0)
                })
            add(
                try await measure(
                    "read-local", runs: runs, note: "every record read from the source LocalEnvironment in-process (floor for download)"
                ) {
                    try await self.baseline("read-local", steps: 0)
                })
        }
        results += try await measureChain(
            ["upload", "reupload-unchanged", "reupload-one-change"], runs: runs,
            least: ["upload": least, "reupload-unchanged": 0, "reupload-one-change": 1],
            notes: [
                "reupload-unchanged": "the same folder again after the timed upload (same data directory; traffic and cost account reset)",
                "reupload-one-change":
                    "one web template source changed after the unchanged re-upload (same data directory; traffic and cost account reset)",
            ]
        ) {
            try await self.uploadChain(site: site, rounds: rounds)
        }
        add(
            try await measure("download", runs: runs, least: 0) {
                try await self.withServer(try self.sourceEnvironment(), steps: 3) { url, _ in
                    let dir = self.work.appendingPathComponent("downloads/\(UUID().uuidString.prefix(8))")
                    defer { try? FileManager.default.removeItem(at: dir) }
                    return try self.product(["download", "--path", dir.path, "--webSiteId", self.websiteID, "--environment", url])
                }
            })
        add(
            try await measure("migrate", runs: runs, least: least) {
                try await self.withNewTarget { target in
                    let counter = TrafficCounter()
                    let from = try await BenchServer.start(try self.sourceEnvironment(), counter: counter, settings: self.settings)
                    let to = try await BenchServer.start(target, counter: counter, settings: self.settings)
                    let load = Self.loadAverage()
                    let run: ChildRun
                    do { run = try self.product(["migrate", "--from", from.url, "--to", to.url, "--webSiteId", self.websiteID]) } catch {
                        await from.stop(); await to.stop()
                        throw error
                    }
                    let accounts = [from.account?.snapshot(), to.account?.snapshot()].compactMap { $0 }
                    await from.stop(); await to.stop()
                    return Sample(
                        wall: run.wallSeconds, traffic: counter.totals, rss: run.peakRSSBytes, cpu: run.cpuSeconds,
                        load: [load, Self.loadAverage()], accounts: accounts, steps: 4 + rounds)
                }
            })
        add(
            try await measure("cmt-export", runs: runs, least: 0) {
                try await self.withServer(try self.sourceEnvironment(), steps: 3) { url, _ in
                    let zip = self.work.appendingPathComponent("export-\(UUID().uuidString.prefix(8)).zip")
                    defer { try? FileManager.default.removeItem(at: zip) }
                    return try self.product(["data", "export", "--schemaFile", self.schemaFile.path, "--dataFile", zip.path, "--environment", url])
                }
            })
        add(
            try await measure("cmt-import", runs: runs, least: least) {
                try await self.withNewTarget { target in
                    try await self.withServer(target, steps: 2 + rounds) { url, _ in
                        try self.product(["data", "import", "--data", self.dataZip.path, "--environment", url])
                    }
                }
            })

        let baselines = results.filter { $0.name.hasPrefix("baseline-") }
        for i in results.indices {
            results[i].dopHint = settings.dopHint
            for b in baselines where results[i].wallSeconds > 0 && b.wallSeconds > 0 {
                results[i].ratios[b.name] = b.wallSeconds / results[i].wallSeconds
            }
        }
        return results
    }

    /// One timed upload into a new empty target, then, on the same server and with the same data
    /// directory, an unchanged re-upload and a re-upload with one web template source changed (restored
    /// afterwards). The traffic and the cost account are reset before each, so each is measured as if
    /// alone; the upload is what the re-uploads need first (it was an untimed setup upload per re-upload,
    /// which at L cost two more uploads of ~400 s per hint).
    /// - Returns: the samples by scenario name.
    func uploadChain(site: URL, rounds: Int) async throws -> [String: Sample] {
        try await withNewTarget { target in
            let counter = TrafficCounter()
            let server = try await BenchServer.start(target, counter: counter, settings: settings)
            let home = newHome()
            let upload = ["upload", "--path", site.path, "--environment", server.url, "--yes"]
            var samples: [String: Sample] = [:]
            func timed(_ name: String, steps: Int) throws {
                server.reset()
                let load = Self.loadAverage()
                let run = try product(upload, home: home)
                samples[name] = Sample(
                    wall: run.wallSeconds, traffic: counter.totals, rss: run.peakRSSBytes, cpu: run.cpuSeconds,
                    load: [load, Self.loadAverage()], accounts: server.account.map { [$0.snapshot()] } ?? [], steps: steps)
            }
            do {
                try timed("upload", steps: 2 + rounds)
                try timed("reupload-unchanged", steps: 2)
                let file = try Self.contentFileToChange(in: site)
                let original = try Data(contentsOf: file)
                defer { try? original.write(to: file) }
                try (original + Data("\n<!-- changed by portal-migrate-bench \(UUID().uuidString) -->\n".utf8)).write(to: file)
                try timed("reupload-one-change", steps: 3)
            } catch {
                await server.stop()
                throw error
            }
            await server.stop()
            return samples
        }
    }

    /// Runs `body` with a new empty embedded environment, then closes it and removes its files (an L
    /// target holds about a gigabyte).
    func withNewTarget<T>(_ body: (LocalEnvironment) async throws -> T) async throws -> T {
        let (target, file) = try newTargetWithFile()
        defer {
            try? target.close()
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: file.path + suffix) }
        }
        return try await body(target)
    }

    /// A web template source file of the site folder (the first by path).
    static func contentFileToChange(in site: URL) throws -> URL {
        let dir = site.appendingPathComponent("web-templates")
        var found: [String] = []
        let e = FileManager.default.enumerator(at: dir, includingPropertiesForKeys: nil)
        while let u = e?.nextObject() as? URL {
            if u.pathExtension == "html" { found.append(u.path) }
        }
        guard let first = found.sorted().first else { throw BenchError(description: "no web template source under \(dir.path)") }
        return URL(fileURLWithPath: first)
    }

    /// Serves `environment` for one run of `body` (given the URL and the server), then stops the server.
    /// - Parameter steps: the chain steps of the scenario's floor.
    func withServer(_ environment: LocalEnvironment, steps: Int, _ body: (String, BenchServer) throws -> ChildRun) async throws -> Sample {
        let counter = TrafficCounter()
        let server = try await BenchServer.start(environment, counter: counter, settings: settings)
        let load = Self.loadAverage()
        let run: ChildRun
        do { run = try body(server.url, server) } catch {
            await server.stop()
            throw error
        }
        let traffic = counter.totals
        let account = server.account?.snapshot()
        await server.stop()
        return Sample(
            wall: run.wallSeconds, traffic: traffic, rss: run.peakRSSBytes, cpu: run.cpuSeconds, load: [load, Self.loadAverage()],
            accounts: account.map { [$0] } ?? [], steps: steps)
    }

    /// One baseline run in a child of this binary; the wall time is the child's timed write phase.
    func baseline(_ mode: String, steps: Int) async throws -> Sample {
        let counter = TrafficCounter()
        var server: BenchServer?
        var targetFile: URL?
        if mode == "sequential" || mode == "parallel" {
            let (env, file) = try newTargetWithFile()
            targetFile = file
            server = try await BenchServer.start(env, counter: counter, settings: settings)
        }
        let childWork = work.appendingPathComponent("baseline-\(mode)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: childWork, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: childWork) }
        var args = ["--child", mode, "--size", size.rawValue, "--work", childWork.path]
        if let server, let targetFile { args += ["--url", server.url, "--target", targetFile.path] }
        if mode == "read-local" { args += ["--source", sourceFile.path] }
        let load = Self.loadAverage()
        let run = try ChildProcess.runMeasured(selfBinary, args)
        let traffic = counter.totals
        let account = server?.account?.snapshot()
        await server?.stop()
        if let server, let targetFile {
            try? server.environment.close()
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: targetFile.path + suffix) }
        }
        guard run.status == 0, let line = run.stdout.split(separator: "\n").last,
            let outcome = try? JSONDecoder().decode(Baselines.Outcome.self, from: Data(line.utf8))
        else {
            throw BenchError(description: "baseline \(mode) exited with \(run.status): \(run.stderr.suffix(1500))")
        }
        if outcome.failures > 0 {
            log("baseline \(mode): \(outcome.failures) of \(outcome.operations) writes failed, first: \(outcome.firstFailure ?? "")")
        }
        return Sample(
            wall: outcome.seconds, traffic: traffic, rss: run.peakRSSBytes, cpu: run.cpuSeconds, load: [load, Self.loadAverage()],
            accounts: account.map { [$0] } ?? [], steps: steps)
    }

    /// Runs `once` `runs` times and keeps the median run (by wall time).
    /// - Parameter least: the fewest write operations the scenario's change needs (`nil`: not a write scenario).
    func measure(_ name: String, runs: Int, least: Int? = nil, note: String? = nil, _ once: () async throws -> Sample) async throws -> ScenarioResult?
    {
        try await measureChain([name], runs: runs, least: least.map { [name: $0] } ?? [:], notes: note.map { [name: $0] } ?? [:]) {
            [name: try await once()]
        }.first
    }

    /// Runs `once`, which measures several scenarios in one go (`uploadChain`), `runs` times and keeps each
    /// scenario's median run (by wall time). Only the names `--scenarios` selects are reported (and when
    /// none is, `once` does not run); a failed run reports every name of the chain as failed.
    /// - Parameters:
    ///   - least: by name, the fewest write operations the scenario's change needs (absent: not a write scenario).
    ///   - notes: by name, how the scenario is run.
    func measureChain(
        _ names: [String], runs: Int, least: [String: Int], notes: [String: String], _ once: () async throws -> [String: Sample]
    ) async throws -> [ScenarioResult] {
        let names = names.filter { only?.contains($0) ?? true }
        guard !names.isEmpty else { return [] }
        var samples: [String: [Sample]] = [:]
        for i in 0..<runs {
            do {
                let got = try await once()
                for name in names {
                    guard let s = got[name] else { throw BenchError(description: "\(name) was not measured") }
                    log(
                        String(
                            format: "%@ hint %d run %d/%d: %.3f s%@, %d requests, peak %d in service, load %.1f", name, settings.dopHint, i + 1, runs,
                            s.wall,
                            s.accounts.isEmpty ? "" : String(format: ", floor %.3f s (under the budget %.3f s)", Self.floor(s), Self.budgetFloor(s)),
                            s.traffic.requests, s.accounts.map(\.peakConcurrency).max() ?? 0, s.load.last ?? 0))
                    samples[name, default: []].append(s)
                }
            } catch {
                log("\(names.joined(separator: ", ")) run \(i + 1)/\(runs) FAILED: \(error)")
                return names.map { name in
                    ScenarioResult(
                        name: name, size: size.rawValue, runs: i, wallSeconds: 0, allWallSeconds: (samples[name] ?? []).map(\.wall),
                        requests: 0, writeRequests: 0, throttledRequests: 0, bytesSent: 0, bytesReceived: 0,
                        records: snapshot.recordCount, recordsPerSecond: 0, peakRSSBytes: 0, ratios: [:], note: notes[name],
                        error: String(describing: error), dopHint: settings.dopHint)
                }
            }
        }
        return names.map { summarize($0, samples[$0] ?? [], least: least[$0], note: notes[$0]) }
    }

    /// The `ScenarioResult` of a scenario's runs: the median run by wall time, with every run's wall time.
    func summarize(_ name: String, _ samples: [Sample], least: Int?, note: String?) -> ScenarioResult {
        let sorted = samples.sorted { $0.wall < $1.wall }
        let median = sorted[sorted.count / 2]
        let records = snapshot.recordCount
        var result = ScenarioResult(
            name: name, size: size.rawValue, runs: samples.count, wallSeconds: median.wall, allWallSeconds: samples.map(\.wall),
            requests: median.traffic.requests, writeRequests: median.traffic.writeRequests,
            throttledRequests: median.traffic.throttled, bytesSent: median.traffic.bytesSent,
            bytesReceived: median.traffic.bytesReceived, records: records,
            recordsPerSecond: median.wall > 0 ? Double(records) / median.wall : 0,
            peakRSSBytes: median.rss, ratios: [:], note: note, error: nil)
        result.cpuSeconds = median.cpu
        result.cpuSecondsPer1000Records = records > 0 ? median.cpu / Double(records) * 1000 : 0
        result.loadAverage = median.load
        result.dopHint = settings.dopHint
        if !median.accounts.isEmpty {
            let floor = Self.floor(median), budgetFloor = Self.budgetFloor(median)
            result.floorSeconds = floor
            result.wallOverFloor = floor > 0 ? median.wall / floor : nil
            result.budgetFloorSeconds = budgetFloor
            result.wallOverBudgetFloor = budgetFloor > 0 ? median.wall / budgetFloor : nil
            result.serviceSeconds = median.accounts.reduce(0) { $0 + $1.serviceSeconds }
            result.chainSteps = median.steps
            result.operationsSent = median.accounts.reduce(0) { $0 + $1.writeOperations }
            result.minimumOperations = least
            result.peakServerConcurrency = median.accounts.map(\.peakConcurrency).max()
            result.executionThrottled = median.accounts.reduce(0) { $0 + $1.throttled }
        }
        return result
    }

    /// The floor of a run: each server's service time by the model ÷ its hint (`floorServiceSeconds`), plus
    /// the run's chain steps at the round trip of one small write.
    static func floor(_ s: Sample) -> Double {
        s.accounts.reduce(0) { $0 + $1.floorServiceSeconds } + (s.accounts.first.map { $0.chainStepSeconds * Double(s.steps) } ?? 0)
    }

    /// The floor of a run under the execution-time limit: each server's `budgetFloorServiceSeconds` (each
    /// server is its own environment with its own limit), plus the same chain steps.
    static func budgetFloor(_ s: Sample) -> Double {
        s.accounts.reduce(0) { $0 + $1.budgetFloorServiceSeconds } + (s.accounts.first.map { $0.chainStepSeconds * Double(s.steps) } ?? 0)
    }
}

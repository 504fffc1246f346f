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

    private(set) var snapshot = PortalSnapshot()
    private var source: LocalEnvironment?
    private var sourceFile: URL { work.appendingPathComponent("home/environments/src.sqlite") }
    private var siteFolder: URL?
    private var schemaFile: URL { work.appendingPathComponent("schema.xml") }
    private var dataZip: URL { work.appendingPathComponent("setup-data.zip") }
    private var websiteID: String { snapshot.websiteID?.dataverseString ?? "" }

    init(size: BenchSize, runs: Int, work: URL, portalMigrate: URL, selfBinary: URL, only: Set<String>? = nil,
         log: @escaping (String) -> Void) {
        self.only = only
        self.size = size
        self.runs = max(1, runs)
        self.work = work
        self.portalMigrate = portalMigrate
        self.selfBinary = selfBinary
        self.log = log
    }

    /// One timed run: wall seconds, traffic and peak memory of the child.
    struct Sample { var wall: Double; var traffic: TrafficCounter.Totals; var rss: Int }

    // MARK: Setup

    /// Generates the portal and makes the source environment, the site folder and the CMT package.
    /// - Throws: when the engine or a setup command fails.
    func prepare() async throws {
        snapshot = SyntheticPortal.generate(seed: size.seed, records: size.records, webFileBytes: size.webFileBytes)
        log("size \(size.rawValue): \(snapshot.recordCount) records, \(snapshot.bodies.count) web file bodies")
        try FileManager.default.createDirectory(at: sourceFile.deletingLastPathComponent(), withIntermediateDirectories: true)
        let env = try LocalEnvironment.create(at: sourceFile, options: LocalEnvironmentOptions(name: "src"))
        var options = MigrationOptions(dataDirectory: work.appendingPathComponent("home"))
        options.blockedAttachmentsWriter = LocalBlockedWriter(env: env)
        let report = try await MigrationEngine().migrate(source: .snapshot(snapshot, organization: nil), target: env, options: options)
        guard report.failures.isEmpty else {
            throw ChildProcessError(description: "loading the synthetic portal failed: \(report.failures.prefix(3))")
        }
        source = env
        let folder = work.appendingPathComponent("site", isDirectory: true)
        _ = try product(["download", "--path", folder.path, "--webSiteId", websiteID, "--environment", "local:src"],
                        home: work.appendingPathComponent("home"))
        siteFolder = try Self.findSiteFolder(in: folder)
        _ = try product(["data", "schema", "--portalType", "custom", "--output", schemaFile.path], home: work.appendingPathComponent("home"))
        // The CMT package only when `cmt-import` runs (for L it is a long untimed step).
        if only == nil || only?.contains("cmt-import") == true {
            _ = try product(["data", "export", "--schemaFile", schemaFile.path, "--dataFile", dataZip.path, "--environment", "local:src"],
                            home: work.appendingPathComponent("home"))
        }
    }

    static func findSiteFolder(in root: URL) throws -> URL {
        let e = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)
        while let u = e?.nextObject() as? URL {
            if u.lastPathComponent == "website.yml" { return u.deletingLastPathComponent() }
        }
        throw ChildProcessError(description: "download wrote no website.yml under \(root.path)")
    }

    // MARK: Children

    /// Runs `portal-migrate arguments` with its own data directory; throws with its error output on a
    /// non-zero exit.
    func product(_ arguments: [String], home: URL? = nil) throws -> ChildRun {
        let h = home ?? work.appendingPathComponent("homes/\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: h, withIntermediateDirectories: true)
        let run = try ChildProcess.runMeasured(portalMigrate, arguments, environment: [
            "PORTAL_MIGRATE_HOME": h.path, "XDG_CONFIG_HOME": h.appendingPathComponent("config").path,
        ])
        guard run.status == 0 else {
            throw ChildProcessError(description: "portal-migrate \(arguments.prefix(2).joined(separator: " ")) exited with \(run.status): \(run.stderr.suffix(1500))")
        }
        return run
    }

    func newTarget() throws -> LocalEnvironment { try newTargetWithFile().0 }

    /// A new empty embedded environment and its SQLite file.
    func newTargetWithFile() throws -> (LocalEnvironment, URL) {
        let file = work.appendingPathComponent("targets/\(UUID().uuidString.prefix(8)).sqlite")
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        return (try LocalEnvironment.create(at: file, options: LocalEnvironmentOptions(name: "target")), file)
    }

    func sourceEnvironment() throws -> LocalEnvironment {
        guard let source else { throw ChildProcessError(description: "prepare() was not run") }
        return source
    }

    // MARK: Scenarios

    /// Every scenario and baseline, with ratios filled in.
    func runAll() async throws -> [ScenarioResult] {
        var results: [ScenarioResult] = []
        func add(_ r: ScenarioResult?) { if let r { results.append(r) } }
        let site = try siteFolder ?? { throw ChildProcessError(description: "no site folder") }()

        add(try await measure("baseline-a-sequential", runs: 1, note: "one request per record write, sequential; write phase timed in the child") {
            try await self.baseline("sequential")
        })
        add(try await measure("baseline-b-parallel", runs: runs, note: "one request per record write, 52 in flight (the server's concurrency limit; its x-ms-dop-hint is 4); write phase timed in the child") {
            try await self.baseline("parallel")
        })
        add(try await measure("baseline-c-local", runs: runs, note: "same writes into a LocalEnvironment in-process, no HTTP") {
            try await self.baseline("local")
        })
        add(try await measure("read-local", runs: runs, note: "every record read from the source LocalEnvironment in-process (floor for download)") {
            try await self.baseline("read-local")
        })
        add(try await measure("upload", runs: runs) {
            try await self.withServer(try self.newTarget()) { url, _ in
                try self.product(["upload", "--path", site.path, "--environment", url, "--yes"])
            }
        })
        add(try await measure("reupload-unchanged", runs: runs, note: "after an untimed upload of the same folder") {
            try await self.withServer(try self.newTarget()) { url, counter in
                _ = try self.product(["upload", "--path", site.path, "--environment", url, "--yes"])
                counter.reset()
                return try self.product(["upload", "--path", site.path, "--environment", url, "--yes"])
            }
        })
        add(try await measure("reupload-one-change", runs: runs, note: "one web template source changed after an untimed upload") {
            try await self.withServer(try self.newTarget()) { url, counter in
                _ = try self.product(["upload", "--path", site.path, "--environment", url, "--yes"])
                let file = try Self.contentFileToChange(in: site)
                let original = try Data(contentsOf: file)
                defer { try? original.write(to: file) }
                try (original + Data("\n<!-- changed by portal-migrate-bench \(UUID().uuidString) -->\n".utf8)).write(to: file)
                counter.reset()
                return try self.product(["upload", "--path", site.path, "--environment", url, "--yes"])
            }
        })
        add(try await measure("download", runs: runs) {
            try await self.withServer(try self.sourceEnvironment()) { url, _ in
                let dir = self.work.appendingPathComponent("downloads/\(UUID().uuidString.prefix(8))")
                defer { try? FileManager.default.removeItem(at: dir) }
                return try self.product(["download", "--path", dir.path, "--webSiteId", self.websiteID, "--environment", url])
            }
        })
        add(try await measure("migrate", runs: runs) {
            let counter = TrafficCounter()
            let from = try await BenchServer.start(try self.sourceEnvironment(), counter: counter)
            let to = try await BenchServer.start(try self.newTarget(), counter: counter)
            defer { Task { await from.stop(); await to.stop() } }
            let run = try self.product(["migrate", "--from", from.url, "--to", to.url, "--webSiteId", self.websiteID])
            return Sample(wall: run.wallSeconds, traffic: counter.totals, rss: run.peakRSSBytes)
        })
        add(try await measure("cmt-export", runs: runs) {
            try await self.withServer(try self.sourceEnvironment()) { url, _ in
                let zip = self.work.appendingPathComponent("export-\(UUID().uuidString.prefix(8)).zip")
                defer { try? FileManager.default.removeItem(at: zip) }
                return try self.product(["data", "export", "--schemaFile", self.schemaFile.path, "--dataFile", zip.path, "--environment", url])
            }
        })
        add(try await measure("cmt-import", runs: runs) {
            try await self.withServer(try self.newTarget()) { url, _ in
                try self.product(["data", "import", "--data", self.dataZip.path, "--environment", url])
            }
        })

        let baselines = results.filter { $0.name.hasPrefix("baseline-") }
        for i in results.indices {
            for b in baselines where results[i].wallSeconds > 0 && b.wallSeconds > 0 {
                results[i].ratios[b.name] = b.wallSeconds / results[i].wallSeconds
            }
        }
        return results
    }

    /// A web template source file of the site folder (the first by path).
    static func contentFileToChange(in site: URL) throws -> URL {
        let dir = site.appendingPathComponent("web-templates")
        var found: [String] = []
        let e = FileManager.default.enumerator(at: dir, includingPropertiesForKeys: nil)
        while let u = e?.nextObject() as? URL {
            if u.pathExtension == "html" { found.append(u.path) }
        }
        guard let first = found.sorted().first else { throw ChildProcessError(description: "no web template source under \(dir.path)") }
        return URL(fileURLWithPath: first)
    }

    /// Serves `environment` for one run of `body` (given the URL and the counter), then stops the server.
    func withServer(_ environment: LocalEnvironment, _ body: (String, TrafficCounter) throws -> ChildRun) async throws -> Sample {
        let counter = TrafficCounter()
        let server = try await BenchServer.start(environment, counter: counter)
        let run: ChildRun
        do { run = try body(server.url, counter) } catch {
            await server.stop()
            throw error
        }
        let traffic = counter.totals
        await server.stop()
        return Sample(wall: run.wallSeconds, traffic: traffic, rss: run.peakRSSBytes)
    }

    /// One baseline run in a child of this binary; the wall time is the child's timed write phase.
    func baseline(_ mode: String) async throws -> Sample {
        let counter = TrafficCounter()
        var server: BenchServer?
        var targetFile: URL?
        if mode == "sequential" || mode == "parallel" {
            let (env, file) = try newTargetWithFile()
            targetFile = file
            server = try await BenchServer.start(env, counter: counter)
        }
        let childWork = work.appendingPathComponent("baseline-\(mode)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: childWork, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: childWork) }
        var args = ["--child", mode, "--size", size.rawValue, "--work", childWork.path]
        if let server, let targetFile { args += ["--url", server.url, "--target", targetFile.path] }
        if mode == "read-local" { args += ["--source", sourceFile.path] }
        let run = try ChildProcess.runMeasured(selfBinary, args)
        let traffic = counter.totals
        await server?.stop()
        guard run.status == 0, let line = run.stdout.split(separator: "\n").last,
              let outcome = try? JSONDecoder().decode(Baselines.Outcome.self, from: Data(line.utf8)) else {
            throw ChildProcessError(description: "baseline \(mode) exited with \(run.status): \(run.stderr.suffix(1500))")
        }
        if outcome.failures > 0 {
            log("baseline \(mode): \(outcome.failures) of \(outcome.operations) writes failed, first: \(outcome.firstFailure ?? "")")
        }
        return Sample(wall: outcome.seconds, traffic: traffic, rss: run.peakRSSBytes)
    }

    /// Runs `once` `runs` times and keeps the median run (by wall time).
    func measure(_ name: String, runs: Int, note: String? = nil, _ once: () async throws -> Sample) async throws -> ScenarioResult? {
        if let only, !only.contains(name) { return nil }
        var samples: [Sample] = []
        for i in 0..<runs {
            do {
                let s = try await once()
                log(String(format: "%@ run %d/%d: %.3f s, %d requests", name, i + 1, runs, s.wall, s.traffic.requests))
                samples.append(s)
            } catch {
                log("\(name) run \(i + 1)/\(runs) FAILED: \(error)")
                return ScenarioResult(name: name, size: size.rawValue, runs: i, wallSeconds: 0, allWallSeconds: samples.map(\.wall),
                                      requests: 0, writeRequests: 0, throttledRequests: 0, bytesSent: 0, bytesReceived: 0,
                                      records: snapshot.recordCount, recordsPerSecond: 0, peakRSSBytes: 0, ratios: [:], note: note,
                                      error: String(describing: error))
            }
        }
        let sorted = samples.sorted { $0.wall < $1.wall }
        let median = sorted[sorted.count / 2]
        let records = snapshot.recordCount
        return ScenarioResult(name: name, size: size.rawValue, runs: runs, wallSeconds: median.wall, allWallSeconds: samples.map(\.wall),
                              requests: median.traffic.requests, writeRequests: median.traffic.writeRequests,
                              throttledRequests: median.traffic.throttled, bytesSent: median.traffic.bytesSent,
                              bytesReceived: median.traffic.bytesReceived, records: records,
                              recordsPerSecond: median.wall > 0 ? Double(records) / median.wall : 0,
                              peakRSSBytes: median.rss, ratios: [:], note: note, error: nil)
    }
}

/// Writes the blocked attachment list of the embedded source environment directly.
struct LocalBlockedWriter: BlockedAttachmentsWriter {
    let env: LocalEnvironment
    func setBlockedAttachments(_ extensions: [String]) async throws {
        try await env.updateOrganization(blockedAttachments: extensions)
    }
}

import ArgumentParser
import ChildProcesses
import EnvironmentServer
import Foundation
import TestSupport

/// `portal-migrate-bench --size S|M|L [--json FILE] [--runs N]` (issue 11): measures upload, unchanged
/// and one-change re-upload, download, `migrate`, and CMT export and import over HTTP against
/// `EnvironmentServer` on 127.0.0.1 (20 ms latency, 52 concurrent requests), beside the baselines
/// (a) sequential and (b) parallel one-request-per-record writes and (c) the same writes in-process.
/// Prints a Markdown table on stdout and progress on stderr; `--json` writes `BenchReport`.
/// Run it from a release build: `swift build -c release --product portal-migrate-bench` and
/// `--product portal-migrate` (the scenarios run the `portal-migrate` next to this binary).
@main
struct PortalMigrateBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "portal-migrate-bench",
        abstract: "Benchmark portal-migrate against per-record baselines over a throttled local Web API.")

    @Option(help: "Portal size: S (~500 records), M (~6,000, 50 MB of web files) or L (~30,000, 500 MB).")
    var size: String = "S"

    @Option(help: "Write the results as JSON to this file.")
    var json: String?

    @Option(help: "Runs per scenario; the median is reported (baseline (a) always runs once).")
    var runs: Int = 3

    @Option(help: "Working directory (default: a new temporary directory, removed at the end).")
    var work: String?

    @Option(help: "Only these scenarios (comma-separated names, e.g. upload,baseline-c-local); default all.")
    var scenarios: String?

    @Option(name: .customLong("cost-model"), help: "Server time per operation: typical, low, high (research/dataverse-costs.md §6) or none.")
    var costModel: String = "typical"

    @Option(name: .customLong("cost-scale"), help: "Multiply every cost by this factor (tests use tiny costs).")
    var costScale: Double = 1

    @Option(name: .customLong("dop-hints"), help: "The servers' x-ms-dop-hint values, each a run of every scenario (comma-separated).")
    var dopHints: String = "4,16"

    @Option(help: "Write an SVG plot of time and memory per record against size from the JSON reports given by --inputs, and exit.")
    var plot: String?

    @Option(help: "With --plot: the JSON reports to plot; with --merge: the reports to merge (comma-separated).")
    var inputs: String?

    @Option(help: "Write one JSON report of the reports given by --inputs (one size and commit, e.g. the hints run as two processes), and exit.")
    var merge: String?

    @Option(name: .customLong("latency-ms"), help: "The servers' latency per request in milliseconds (a cloud round trip; tests use 1).")
    var latencyMilliseconds: Int = BenchServer.latencyMilliseconds

    @Option(help: .hidden) var child: String?
    @Option(help: .hidden) var url: String?
    @Option(help: .hidden) var source: String?
    @Option(help: .hidden) var target: String?

    func run() async throws {
        guard let benchSize = BenchSize(rawValue: size.uppercased()) else {
            throw ValidationError("Unknown size '\(size)'. Use S, M or L.")
        }
        signal(SIGPIPE, SIG_IGN)
        if plot != nil || merge != nil {
            let files = (inputs ?? "").split(separator: ",").map { URL(fileURLWithPath: String($0)) }
            guard !files.isEmpty else { throw ValidationError("--plot and --merge need --inputs a.json,b.json") }
            let reports = try files.map { try JSONDecoder().decode(BenchReport.self, from: Data(contentsOf: $0)) }
            if let merge {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                try encoder.encode(try BenchReport.merged(reports)).write(to: URL(fileURLWithPath: merge))
                FileHandle.standardError.write(Data("[bench] wrote \(merge)\n".utf8))
            }
            if let plot {
                try Data(BenchPlot.svg(reports).utf8).write(to: URL(fileURLWithPath: plot))
                FileHandle.standardError.write(Data("[bench] wrote \(plot)\n".utf8))
            }
            return
        }
        guard latencyMilliseconds >= 0 else { throw ValidationError("--latency-ms takes 0 or more milliseconds") }
        let model: CostModel?
        if costModel.lowercased() == "none" {
            model = nil
        } else {
            guard let p = CostModel.profile(named: costModel) else { throw ValidationError("--cost-model takes typical, low, high or none") }
            model = CostModel(profile: p, scale: costScale)
        }
        let hints = dopHints.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !hints.isEmpty, hints.allSatisfy({ $0 >= 1 }) else { throw ValidationError("--dop-hints takes positive integers, e.g. 4,16") }
        if let child {
            guard let work else { throw ValidationError("--child needs --work") }
            let outcome = try await Baselines.run(
                mode: child, size: benchSize, url: url, source: source.map { URL(fileURLWithPath: $0) },
                target: target.map { URL(fileURLWithPath: $0) },
                work: URL(fileURLWithPath: work))
            print(String(decoding: try JSONEncoder().encode(outcome), as: UTF8.self))
            return
        }
        let selfBinary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        let portalMigrate = selfBinary.deletingLastPathComponent().appendingPathComponent("portal-migrate")
        guard FileManager.default.isExecutableFile(atPath: portalMigrate.path) else {
            throw ValidationError("portal-migrate is not built next to this binary (\(portalMigrate.path)); build it with the same configuration.")
        }
        let workURL: URL
        if let work {
            workURL = URL(fileURLWithPath: work)
            try FileManager.default.createDirectory(at: workURL, withIntermediateDirectories: true)
        } else {
            workURL = try TestPaths.temporaryDirectory("pm-bench")
        }
        defer { if self.work == nil { try? FileManager.default.removeItem(at: workURL) } }

        let runner = BenchRunner(
            size: benchSize, runs: runs, work: workURL, portalMigrate: portalMigrate, selfBinary: selfBinary,
            only: scenarios.map { Set($0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }) }
        ) {
            FileHandle.standardError.write(Data(("[bench] " + $0 + "\n").utf8))
        }
        let loadStart = BenchRunner.loadAverage()
        try await runner.prepare()
        var scenarios: [ScenarioResult] = []
        for (i, hint) in hints.enumerated() {
            runner.settings = BenchServer.Settings(costModel: model, dopHint: hint, latencyMilliseconds: latencyMilliseconds)
            scenarios += try await runner.runAll(firstHint: i == 0)
        }
        #if DEBUG
        let configuration = "debug"
        #else
        let configuration = "release"
        #endif
        let report = BenchReport(
            date: ISO8601DateFormatter().string(from: Date()), gitCommit: Self.gitCommit(),
            machine: .init(
                os: ProcessInfo.processInfo.operatingSystemVersionString, cpus: ProcessInfo.processInfo.processorCount,
                memoryBytes: ProcessInfo.processInfo.physicalMemory, buildConfiguration: configuration),
            server: BenchServer.Settings(costModel: model, dopHint: hints[0], latencyMilliseconds: latencyMilliseconds).description
                + (hints.count > 1 ? " (also --dop-hint \(hints.dropFirst().map(String.init).joined(separator: ", ")))" : ""),
            scenarios: scenarios, loadAverage: [loadStart, BenchRunner.loadAverage()])
        print(report.markdown())
        if let json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(report).write(to: URL(fileURLWithPath: json))
        }
    }

    /// `git rev-parse HEAD` of the repository (plus `-dirty` when it has uncommitted changes), or "unknown".
    static func gitCommit() -> String {
        func git(_ args: [String]) -> String? {
            guard
                let r = try? ChildProcess.runBlocking(
                    URL(fileURLWithPath: "/usr/bin/env"),
                    ["git", "-C", TestPaths.repositoryRoot.path] + args, timeout: 60),
                r.exitCode == 0, !r.signalled
            else { return nil }
            return r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        guard let head = git(["rev-parse", "HEAD"]) else { return "unknown" }
        let dirty = !(git(["status", "--porcelain", "--untracked-files=no"]) ?? "").isEmpty
        return head + (dirty ? "-dirty" : "")
    }
}

import ArgumentParser
import Foundation

/// One measured scenario or baseline, as written to the JSON file (`scenarios[]`).
/// - `wallSeconds`: the median of the runs (seconds); `requests`, `bytesSent`, `bytesReceived`,
///   `writeRequests`, `peakRSSBytes`: of the median run; `recordsPerSecond`: `records / wallSeconds`;
/// - `ratios`: for each baseline name, `baseline.wallSeconds / wallSeconds` (above 1: faster than the baseline).
struct ScenarioResult: Codable, Sendable {
    var name: String
    var size: String
    var runs: Int
    var wallSeconds: Double
    var allWallSeconds: [Double]
    var requests: Int
    var writeRequests: Int
    var throttledRequests: Int
    var bytesSent: Int
    var bytesReceived: Int
    var records: Int
    var recordsPerSecond: Double
    var peakRSSBytes: Int
    var ratios: [String: Double]
    var note: String?
    /// Why the scenario could not be measured (its numbers are then zero), `nil` when it was.
    var error: String?
    /// The servers' `x-ms-dop-hint` for this run.
    var dopHint: Int? = nil
    /// Under the cost model (issue 20): the floor of the run as the issue defines it (seconds: the servers'
    /// service time by the model ÷ the hint, plus `chainSteps` unavoidable round trips; `CostAccount.Snapshot`)
    /// and wall ÷ floor; the floor under the execution-time limit (the least wall any client could take
    /// given 1,200 s of server time per 300 s, `CostAccount.budgetFloor`, plus the same round trips) and
    /// wall ÷ it; the service time, the write operations the servers executed against the least the change
    /// needs, the most requests in service at once (the highest of the run's servers) and the
    /// execution-time 429s.
    var floorSeconds: Double? = nil
    var wallOverFloor: Double? = nil
    var budgetFloorSeconds: Double? = nil
    var wallOverBudgetFloor: Double? = nil
    var serviceSeconds: Double? = nil
    var chainSteps: Int? = nil
    var operationsSent: Int? = nil
    var minimumOperations: Int? = nil
    var peakServerConcurrency: Int? = nil
    var executionThrottled: Int? = nil
    /// User + system CPU seconds of the measured child process, and per 1,000 records of the portal.
    var cpuSeconds: Double = 0
    var cpuSecondsPer1000Records: Double = 0
    /// The machine's 1-minute load average at the start and at the end of the median run.
    var loadAverage: [Double] = []
}

/// The JSON document (`--json FILE`).
struct BenchReport: Codable, Sendable {
    var tool = "portal-migrate-bench"
    var date: String
    var gitCommit: String
    var machine: Machine
    var server: String
    var scenarios: [ScenarioResult]
    /// The 1-minute load average when the benchmark started and when it ended (for a merged report, those
    /// of each run one after another).
    var loadAverage: [Double] = []

    struct Machine: Codable, Sendable {
        var os: String
        var cpus: Int
        var memoryBytes: UInt64
        var buildConfiguration: String
    }

    /// One report from several runs of the same size at the same commit (e.g. hint 4 and hint 16 run
    /// side by side as two processes): the scenarios in the order given, the servers' lines joined, the
    /// latest date, and `loadAverage` the start and end of each run one after another.
    /// - Throws: `ValidationError` when the reports are of different commits, sizes or build configurations.
    static func merged(_ reports: [BenchReport]) throws -> BenchReport {
        guard var first = reports.first else { throw ValidationError("--merge needs --inputs a.json,b.json") }
        func one<T: Hashable>(_ what: String, _ value: (BenchReport) -> T) throws {
            let values = Set(reports.map(value))
            guard values.count == 1 else {
                throw ValidationError(
                    "The reports differ in their \(what) (\(values.map { "\($0)" }.sorted().joined(separator: ", "))); merge runs of one \(what) only."
                )
            }
        }
        try one("commit") { $0.gitCommit }
        try one("size") { Set($0.scenarios.map(\.size)) }
        try one("build configuration") { $0.machine.buildConfiguration }
        var servers: [String] = []
        for r in reports where !servers.contains(r.server) { servers.append(r.server) }
        first.server = servers.joined(separator: "; ")
        first.date = reports.map(\.date).max() ?? first.date
        first.scenarios = reports.flatMap(\.scenarios)
        first.loadAverage = reports.flatMap(\.loadAverage)
        return first
    }

    /// The Markdown table printed on stdout.
    func markdown() -> String {
        var baselineNames: [String] = []
        for s in scenarios where s.name.hasPrefix("baseline-") && !baselineNames.contains(s.name) { baselineNames.append(s.name) }
        let ratioHeaders = baselineNames.map { "× vs \($0.replacingOccurrences(of: "baseline-", with: "")) |" }.joined(separator: " ")
        var lines = [
            "| scenario | size | hint | wall s | floor s | wall ÷ floor | floor under budget s | wall ÷ it | peak in service | writes sent / least | CPU s per 1k records | requests | sent MB | received MB | peak RSS MB | load 1 min |"
                + (ratioHeaders.isEmpty ? "" : " " + ratioHeaders)
        ]
        lines.append("|" + String(repeating: "---|", count: 16 + baselineNames.count))
        func mb(_ n: Int) -> String { String(format: "%.2f", Double(n) / 1_048_576) }
        func f(_ d: Double?, _ format: String = "%.2f") -> String { d.map { String(format: format, $0) } ?? "–" }
        for s in scenarios {
            if let error = s.error {
                lines.append(
                    "| \(s.name) | \(s.size) | \(s.dopHint.map(String.init) ?? "–") | failed: \(error.prefix(120).replacingOccurrences(of: "|", with: "/").replacingOccurrences(of: "\n", with: " ")) |"
                )
                continue
            }
            let ratios = baselineNames.map { b in s.ratios[b].map { String(format: "%.2f", $0) } ?? "–" }
            let ops = s.operationsSent.map { "\($0) / \(s.minimumOperations.map(String.init) ?? "?")" } ?? "–"
            lines.append(
                "| \(s.name) | \(s.size) | \(s.dopHint.map(String.init) ?? "–") | \(String(format: "%.3f", s.wallSeconds)) | "
                    + "\(f(s.floorSeconds)) | \(f(s.wallOverFloor)) | \(f(s.budgetFloorSeconds)) | \(f(s.wallOverBudgetFloor)) | "
                    + "\(s.peakServerConcurrency.map(String.init) ?? "–") | \(ops) | \(f(s.cpuSecondsPer1000Records, "%.3f")) | \(s.requests) | "
                    + "\(mb(s.bytesSent)) | \(mb(s.bytesReceived)) | "
                    + "\(String(format: "%.0f", Double(s.peakRSSBytes) / 1_048_576)) | \(s.loadAverage.map { String(format: "%.1f", $0) }.joined(separator: "→")) |"
                    + ratios.map { " \($0) |" }.joined())
        }
        return lines.joined(separator: "\n")
    }
}

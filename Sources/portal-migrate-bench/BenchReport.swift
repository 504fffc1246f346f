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
}

/// The JSON document (`--json FILE`).
struct BenchReport: Codable, Sendable {
    var tool = "portal-migrate-bench"
    var date: String
    var gitCommit: String
    var machine: Machine
    var server: String
    var scenarios: [ScenarioResult]

    struct Machine: Codable, Sendable {
        var os: String
        var cpus: Int
        var memoryBytes: UInt64
        var buildConfiguration: String
    }

    /// The Markdown table printed on stdout.
    func markdown() -> String {
        let baselineNames = scenarios.filter { $0.name.hasPrefix("baseline-") }.map(\.name)
        let ratioHeaders = baselineNames.map { "× vs \($0.replacingOccurrences(of: "baseline-", with: "")) |" }.joined(separator: " ")
        var lines = ["| scenario | size | wall s (median) | requests | writes | sent MB | received MB | records/s | peak RSS MB |" +
                     (ratioHeaders.isEmpty ? "" : " " + ratioHeaders)]
        lines.append("|" + String(repeating: "---|", count: 9 + baselineNames.count))
        func mb(_ n: Int) -> String { String(format: "%.2f", Double(n) / 1_048_576) }
        for s in scenarios {
            if let error = s.error {
                lines.append("| \(s.name) | \(s.size) | failed: \(error.prefix(120).replacingOccurrences(of: "|", with: "/").replacingOccurrences(of: "\n", with: " ")) |")
                continue
            }
            let ratios = baselineNames.map { b in s.ratios[b].map { String(format: "%.2f", $0) } ?? "–" }
            lines.append("| \(s.name) | \(s.size) | \(String(format: "%.3f", s.wallSeconds)) | \(s.requests) | \(s.writeRequests) | " +
                         "\(mb(s.bytesSent)) | \(mb(s.bytesReceived)) | \(String(format: "%.0f", s.recordsPerSecond)) | " +
                         "\(String(format: "%.0f", Double(s.peakRSSBytes) / 1_048_576)) |" + ratios.map { " \($0) |" }.joined())
        }
        return lines.joined(separator: "\n")
    }
}

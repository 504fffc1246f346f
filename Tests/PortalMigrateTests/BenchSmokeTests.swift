import Foundation
import Testing
import TestSupport

/// The built `portal-migrate-bench` (debug build, size S, one run): it measures real HTTP traffic
/// through its own servers on 127.0.0.1 and writes the JSON report of issue 11. No timings are asserted.
@Suite("portal-migrate-bench", .serialized)
struct BenchSmokeTests {
    static var benchBinary: URL { TestPaths.productsDirectory.appendingPathComponent("portal-migrate-bench") }

    /// Runs the bench and returns (exit status, stdout, stderr, parsed JSON).
    static func runBench(_ arguments: [String]) async throws -> (Int32, String, String, [String: Any]?) {
        let dir = try TestPaths.temporaryDirectory("pm-bench-test")
        defer { try? FileManager.default.removeItem(at: dir) }
        let json = dir.appendingPathComponent("bench.json")
        let r = try await CLI.run(
            arguments + ["--json", json.path, "--work", dir.appendingPathComponent("work").path],
            executable: benchBinary)
        let parsed = (try? Data(contentsOf: json)).flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }
        return (r.exitCode, r.stdout, r.stderr, parsed)
    }

    /// Every scenario of issue 20 and every baseline, in the order of the report.
    static let everyName = [
        "baseline-a-sequential", "baseline-b-parallel", "baseline-c-local", "read-local", "upload", "reupload-unchanged",
        "reupload-one-change", "download", "migrate", "cmt-export", "cmt-import",
    ]

    /// One run of the bench covers every scenario. The run of only the floor and the upload without a cost
    /// model, a test of its own until issue 19 (14 s of the suite), asserted a subset of the same fields; its
    /// assertions are here (the upload's traffic, records per second, its ratio to the floor, the Markdown).
    @Test(
        "every scenario and baseline at S under the cost model (tiny costs, 1 ms latency, hint 4): both floors, writes sent against the least, CPU, concurrency within the hint, the note body cache, the plot and the merge"
    )
    func everyScenarioUnderCostModel() async throws {
        let dir = try TestPaths.temporaryDirectory("pm-bench-cost")
        defer { try? FileManager.default.removeItem(at: dir) }
        let json = dir.appendingPathComponent("bench.json")
        let r = try await CLI.run(
            [
                "--size", "S", "--runs", "1", "--cost-model", "typical", "--cost-scale", "0.02", "--latency-ms", "1",
                "--dop-hints", "4", "--json", json.path, "--work", dir.appendingPathComponent("work").path,
            ], executable: Self.benchBinary)
        #expect(r.exitCode == 0, "\(r.stderr.suffix(2000))")
        let report = try #require((try? Data(contentsOf: json)).flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] })
        #expect((report["server"] as? String ?? "").contains("--latency-ms 1 --max-concurrency 52 --dop-hint 4 --cost-model typical"))
        #expect((report["loadAverage"] as? [Double])?.count == 2)
        #expect((report["gitCommit"] as? String)?.count ?? 0 >= 40)
        let machine = try #require(report["machine"] as? [String: Any])
        #expect((machine["cpus"] as? Int ?? 0) >= 1)
        let scenarios = try #require(report["scenarios"] as? [[String: Any]])
        #expect(scenarios.map { $0["name"] as? String ?? "" } == Self.everyName)
        func named(_ n: String) -> [String: Any] { scenarios.first { $0["name"] as? String == n } ?? [:] }

        // The upload and its ratio to the in-process floor (what a one-scenario run of the two, a test of
        // its own before, asserted: the same fields at the same size, here under the cost model).
        let upload = named("upload")
        #expect(upload["size"] as? String == "S")
        // The web file bodies (4 MB, base64 in JSON) went over the counted connection.
        #expect((upload["bytesSent"] as? Int ?? 0) > 4_000_000)
        #expect((upload["bytesReceived"] as? Int ?? 0) > 0)
        let requests = upload["requests"] as? Int ?? 0, writes = upload["writeRequests"] as? Int ?? 0
        #expect(requests > 0 && writes > 0 && writes <= requests)
        // Peak memory of the child process, not of the benchmark: less than the machine.
        #expect(UInt64(upload["peakRSSBytes"] as? Int ?? 0) < (machine["memoryBytes"] as? UInt64 ?? UInt64.max))
        let uploadWall = upload["wallSeconds"] as? Double ?? 0, records = upload["records"] as? Int ?? 0
        #expect(uploadWall > 0 && records > 400)
        #expect(abs((upload["recordsPerSecond"] as? Double ?? 0) - Double(records) / uploadWall) < 0.01 * Double(records) / uploadWall)
        let floorWall = named("baseline-c-local")["wallSeconds"] as? Double ?? 0
        #expect(floorWall > 0)
        #expect(abs(((upload["ratios"] as? [String: Double])?["baseline-c-local"] ?? 0) - floorWall / uploadWall) < 1e-6)
        #expect(r.stdout.contains("| scenario | size | hint | wall s |") && r.stdout.contains("| upload | S |"))
        for s in scenarios {
            let name = s["name"] as? String ?? ""
            #expect(s["error"] == nil, "\(name): \(s["error"] ?? "")")
            #expect((s["cpuSeconds"] as? Double ?? 0) > 0, "\(name): the child's CPU time is counted")
            #expect((s["loadAverage"] as? [Double])?.count == 2)
            #expect((s["peakRSSBytes"] as? Int ?? 0) > 5_000_000, "\(name)")
            guard !["baseline-c-local", "read-local"].contains(name) else {
                #expect(s["floorSeconds"] == nil && s["requests"] as? Int == 0, "\(name) runs in-process, without a server")
                continue
            }
            let wall = s["wallSeconds"] as? Double ?? 0
            let floor = s["floorSeconds"] as? Double ?? 0, budgetFloor = s["budgetFloorSeconds"] as? Double ?? 0
            #expect(floor > 0 && abs((s["wallOverFloor"] as? Double ?? 0) - wall / floor) < 1e-6, "\(name)")
            // Tiny costs never reach the execution-time limit: both floors agree.
            #expect(budgetFloor > 0 && abs(budgetFloor - floor) < 1e-9, "\(name)")
            #expect(abs((s["wallOverBudgetFloor"] as? Double ?? 0) - wall / budgetFloor) < 1e-6, "\(name)")
            #expect((s["serviceSeconds"] as? Double ?? 0) > 0, "\(name)")
            // The client never keeps more requests in service than the server's x-ms-dop-hint; the baseline
            // that sends hundreds of requests at the hint has more than one in service at some point.
            let peak = s["peakServerConcurrency"] as? Int ?? 0
            switch name {
            case "baseline-a-sequential": #expect(peak == 1, "one request at a time")
            case "baseline-b-parallel": #expect(peak >= 2 && peak <= 4, "\(name): peak \(peak)")
            default: #expect(peak >= 1 && peak <= 4, "\(name): peak \(peak)")
            }
            #expect((s["executionThrottled"] as? Int) == 0, "\(name)")
            let least = s["minimumOperations"] as? Int, sent = s["operationsSent"] as? Int ?? -1
            switch name {
            case "reupload-unchanged", "download", "cmt-export": #expect(least == 0 && sent == 0, "\(name) writes nothing")
            case "reupload-one-change": #expect(least == 1 && sent == 1, "one change, one write")
            default: #expect((least ?? 0) > 400 && sent >= least ?? 0, "\(name) writes at least what the plan needs")
            }
        }
        // The 4 MB of web file bodies are not downloaded again: the body cache holds them by version.
        let uploadReceived = named("upload")["bytesReceived"] as? Int ?? 0
        for n in ["reupload-unchanged", "reupload-one-change"] {
            let received = named(n)["bytesReceived"] as? Int ?? Int.max
            #expect(received < uploadReceived / 2, "\(n) received \(received) bytes, upload \(uploadReceived)")
        }
        // Reads carry the web file bodies (4 MB, base64 in JSON) the other way.
        for n in ["download", "cmt-export"] { #expect((named(n)["bytesReceived"] as? Int ?? 0) > 4_000_000, "\(n)") }
        // Every scenario carries its ratio to each per-record baseline.
        let ratios = try #require(named("upload")["ratios"] as? [String: Double])
        #expect(Set(ratios.keys) == ["baseline-a-sequential", "baseline-b-parallel", "baseline-c-local"])
        #expect(r.stdout.contains("| floor under budget s | wall ÷ it | peak in service |"))

        let svg = dir.appendingPathComponent("plot.svg")
        let p = try await CLI.run(["--plot", svg.path, "--inputs", json.path], executable: Self.benchBinary)
        #expect(p.exitCode == 0, "\(p.stderr)")
        let text = try String(contentsOf: svg, encoding: .utf8)
        #expect(text.hasPrefix("<svg") && text.contains("cmt-import hint 4") && text.contains("<polyline"))

        // Two runs of one commit and size (e.g. the hints as two processes) merge into one report.
        let merged = dir.appendingPathComponent("merged.json")
        let m = try await CLI.run(["--merge", merged.path, "--inputs", "\(json.path),\(json.path)"], executable: Self.benchBinary)
        #expect(m.exitCode == 0, "\(m.stderr)")
        let both = try #require((try? Data(contentsOf: merged)).flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] })
        #expect((both["scenarios"] as? [Any])?.count == 2 * Self.everyName.count)
        #expect((both["loadAverage"] as? [Double])?.count == 4)
        // A report of another commit is refused, naming what differs.
        var other = report
        other["gitCommit"] = "0000000000000000000000000000000000000000"
        let otherFile = dir.appendingPathComponent("other.json")
        try JSONSerialization.data(withJSONObject: other).write(to: otherFile)
        let refused = try await CLI.run(
            ["--merge", dir.appendingPathComponent("refused.json").path, "--inputs", "\(json.path),\(otherFile.path)"],
            executable: Self.benchBinary)
        #expect(refused.exitCode != 0)
        #expect(refused.stderr.contains("differ in their commit"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("refused.json").path))
    }

    @Test("an unknown size is refused with a clear message")
    func unknownSize() async throws {
        let (status, _, err, report) = try await Self.runBench(["--size", "XL"])
        #expect(status != 0)
        #expect(err.contains("Unknown size 'XL'"))
        #expect(report == nil)
    }
}

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

    @Test("size S, one run of the floor baseline and the upload: JSON fields, counted traffic, peak memory, ratios, Markdown")
    func smallUpload() async throws {
        let (status, out, err, report) = try await Self.runBench([
            "--size", "S", "--runs", "1", "--scenarios", "baseline-c-local,upload",
            "--cost-model", "none", "--dop-hints", "4",
        ])
        #expect(status == 0, "\(err.suffix(2000))")
        let json = try #require(report, "no JSON written: \(err.suffix(2000))")
        #expect((json["gitCommit"] as? String)?.count ?? 0 >= 40)
        let machine = try #require(json["machine"] as? [String: Any])
        #expect((machine["cpus"] as? Int ?? 0) >= 1)
        let scenarios = try #require(json["scenarios"] as? [[String: Any]])
        #expect(scenarios.map { $0["name"] as? String } == ["baseline-c-local", "upload"])

        let upload = try #require(scenarios.first { $0["name"] as? String == "upload" })
        #expect(upload["error"] == nil, "\(upload["error"] ?? "")")
        #expect(upload["size"] as? String == "S")
        // The web file bodies (4 MB, base64 in JSON) went over the counted connection.
        #expect((upload["bytesSent"] as? Int ?? 0) > 4_000_000)
        #expect((upload["bytesReceived"] as? Int ?? 0) > 0)
        let requests = upload["requests"] as? Int ?? 0, writes = upload["writeRequests"] as? Int ?? 0
        #expect(requests > 0 && writes > 0 && writes <= requests)
        // Peak memory of the child process, not of the benchmark: at least a few MB, less than the machine.
        let rss = upload["peakRSSBytes"] as? Int ?? 0
        #expect(rss > 5_000_000 && UInt64(rss) < (machine["memoryBytes"] as? UInt64 ?? UInt64.max))
        let wall = upload["wallSeconds"] as? Double ?? 0, records = upload["records"] as? Int ?? 0
        #expect(wall > 0 && records > 400)
        #expect(abs((upload["recordsPerSecond"] as? Double ?? 0) - Double(records) / wall) < 0.01 * Double(records) / wall)
        let ratios = try #require(upload["ratios"] as? [String: Double])
        let floor = try #require(scenarios.first { $0["name"] as? String == "baseline-c-local" })
        let floorWall = floor["wallSeconds"] as? Double ?? 0
        #expect(floorWall > 0)
        #expect(abs((ratios["baseline-c-local"] ?? 0) - floorWall / wall) < 1e-6)
        #expect(floor["requests"] as? Int == 0, "the floor makes no HTTP requests")

        #expect(out.contains("| scenario | size | hint | wall s |"))
        #expect(out.contains("| upload | S |"))
    }

    @Test(
        "cost model at S with tiny costs, hints 4 and 16: floor, writes sent against the least, CPU, concurrency within the hint, the note body cache, the plot"
    )
    func costModel() async throws {
        let dir = try TestPaths.temporaryDirectory("pm-bench-cost")
        defer { try? FileManager.default.removeItem(at: dir) }
        let json = dir.appendingPathComponent("bench.json")
        let r = try await CLI.run(
            [
                "--size", "S", "--runs", "1", "--cost-model", "typical", "--cost-scale", "0.02", "--dop-hints", "4,16",
                "--scenarios", "upload,reupload-unchanged", "--json", json.path,
                "--work", dir.appendingPathComponent("work").path,
            ], executable: Self.benchBinary)
        #expect(r.exitCode == 0, "\(r.stderr.suffix(2000))")
        let report = try #require((try? Data(contentsOf: json)).flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] })
        #expect((report["server"] as? String ?? "").contains("--cost-model typical"))
        #expect((report["loadAverage"] as? [Double])?.count == 2)
        let scenarios = try #require(report["scenarios"] as? [[String: Any]])
        #expect(
            scenarios.map { "\($0["name"] as? String ?? "") \($0["dopHint"] as? Int ?? 0)" }
                == ["upload 4", "reupload-unchanged 4", "upload 16", "reupload-unchanged 16"])
        for s in scenarios {
            let name = "\(s["name"] ?? "") hint \(s["dopHint"] ?? "")"
            #expect(s["error"] == nil, "\(name): \(s["error"] ?? "")")
            let floor = s["floorSeconds"] as? Double ?? 0, wall = s["wallSeconds"] as? Double ?? 0
            #expect(floor > 0 && abs((s["wallOverFloor"] as? Double ?? 0) - wall / floor) < 1e-6, "\(name)")
            #expect((s["serviceSeconds"] as? Double ?? 0) > 0, "\(name)")
            #expect((s["cpuSeconds"] as? Double ?? 0) > 0, "\(name): the child's CPU time is counted")
            // The client never keeps more requests in service than the server's x-ms-dop-hint.
            let peak = s["peakServerConcurrency"] as? Int ?? 0, hint = s["dopHint"] as? Int ?? 0
            #expect(peak >= 1 && peak <= hint, "\(name): peak \(peak)")
            #expect((s["executionThrottled"] as? Int) == 0, "\(name)")
            #expect((s["loadAverage"] as? [Double])?.count == 2)
        }
        let uploads = scenarios.filter { $0["name"] as? String == "upload" }
        let again = scenarios.filter { $0["name"] as? String == "reupload-unchanged" }
        for u in uploads {
            let least = u["minimumOperations"] as? Int ?? 0
            #expect(least > 400 && (u["operationsSent"] as? Int ?? 0) >= least, "an upload into an empty target writes at least what the plan needs")
        }
        for (u, a) in zip(uploads, again) {
            #expect(a["operationsSent"] as? Int == 0 && a["minimumOperations"] as? Int == 0, "an unchanged re-upload writes nothing")
            // The 4 MB of web file bodies are not downloaded again: the body cache holds them by version.
            let uploadReceived = u["bytesReceived"] as? Int ?? 0, againReceived = a["bytesReceived"] as? Int ?? Int.max
            #expect(againReceived < uploadReceived / 2, "re-upload received \(againReceived) bytes, upload \(uploadReceived)")
        }

        let svg = dir.appendingPathComponent("plot.svg")
        let p = try await CLI.run(["--plot", svg.path, "--inputs", json.path], executable: Self.benchBinary)
        #expect(p.exitCode == 0, "\(p.stderr)")
        let text = try String(contentsOf: svg, encoding: .utf8)
        #expect(text.hasPrefix("<svg") && text.contains("upload hint 16") && text.contains("<polyline"))
    }

    @Test("an unknown size is refused with a clear message")
    func unknownSize() async throws {
        let (status, _, err, report) = try await Self.runBench(["--size", "XL"])
        #expect(status != 0)
        #expect(err.contains("Unknown size 'XL'"))
        #expect(report == nil)
    }

    @Test("size S, every scenario and baseline once, all measured (PM_LONG_TESTS=1)", .enabled(if: TestPaths.longTests))
    func everyScenario() async throws {
        let (status, _, err, report) = try await Self.runBench(["--size", "S", "--runs", "1", "--dop-hints", "4", "--cost-scale", "0.05"])
        #expect(status == 0, "\(err.suffix(2000))")
        let json = try #require(report)
        let scenarios = try #require(json["scenarios"] as? [[String: Any]])
        #expect(scenarios.count == 11)
        for s in scenarios {
            #expect(s["error"] == nil, "\(s["name"] ?? ""): \(s["error"] ?? "")")
        }
    }
}

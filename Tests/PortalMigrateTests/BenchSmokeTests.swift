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
        let r = try await CLI.run(arguments + ["--json", json.path, "--work", dir.appendingPathComponent("work").path],
                                           executable: benchBinary)
        let parsed = (try? Data(contentsOf: json)).flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }
        return (r.exitCode, r.stdout, r.stderr, parsed)
    }

    @Test("size S, one run of the floor baseline and the upload: JSON fields, counted traffic, peak memory, ratios, Markdown")
    func smallUpload() async throws {
        let (status, out, err, report) = try await Self.runBench(["--size", "S", "--runs", "1", "--scenarios", "baseline-c-local,upload"])
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

        #expect(out.contains("| scenario | size | wall s (median) |"))
        #expect(out.contains("| upload | S |"))
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
        let (status, _, err, report) = try await Self.runBench(["--size", "S", "--runs", "1"])
        #expect(status == 0, "\(err.suffix(2000))")
        let json = try #require(report)
        let scenarios = try #require(json["scenarios"] as? [[String: Any]])
        #expect(scenarios.count == 11)
        for s in scenarios {
            #expect(s["error"] == nil, "\(s["name"] ?? ""): \(s["error"] ?? "")")
        }
    }
}

import ChildProcesses
import EnvironmentServer
import Foundation
import LocalEnvironment
import Migration
import PortalModel
import Testing
import TestSupport

extension Result where Failure == any Error {
    /// The outcome of an async throwing body.
    fileprivate init(_ body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}

/// Issue 19 "Events and progress", with the built binary: a long upload (a generated site of about
/// 800 records and 1 MB of web files, into a served environment that answers every request 50 ms
/// late) shows a live progress line on a terminal (a pseudo-terminal from `script`) that is erased
/// before the report and on Ctrl-C; `--json` keeps stdout one object and stderr free of progress;
/// `--progress json` gives JSON lines; a stderr that is not a terminal gets plain lines.
///
/// Nothing here times the run: the served environment's latency only makes the upload last long
/// enough (at least 50 ms × the requests it sends) for the live line, drawn ten times a second, to
/// appear.
@Suite(.serialized) struct ProgressDisplayEndToEndTests {
    /// The erase sequence: carriage return, erase to the end of the line.
    static let erase = "\r\u{1B}[K"

    /// A work directory with an empty data directory `home/`, and the pac folder of a generated site
    /// (seed 19, 800 records, 1 MB of web files) with its id. The folder is the test process's one copy
    /// (`SharedFixtures`: loaded into `local:a` in-process and downloaded with the binary once), which
    /// the tests only read: `upload` writes nothing into its folder.
    struct Fixture {
        var work: URL
        var home: URL
        var folder: URL
        var site: String
    }

    static func fixture(_ label: String) async throws -> Fixture {
        let work = try TestPaths.temporaryDirectory("pm-progress-\(label)")
        let home = work.appendingPathComponent("home")
        try FileManager.default.createDirectory(at: home.appendingPathComponent("environments"), withIntermediateDirectories: true)
        let shared = try await SharedFixtures.directory("progress-site-19-800") { dir in
            let home = dir.appendingPathComponent("home")
            try FileManager.default.createDirectory(at: home.appendingPathComponent("environments"), withIntermediateDirectories: true)
            let snapshot = SyntheticPortal.generate(seed: 19, records: 800, webFileBytes: 1_000_000)
            let a = try LocalEnvironment.create(at: home.appendingPathComponent("environments/a.sqlite"), options: LocalEnvironmentOptions(name: "a"))
            var options = MigrationOptions(dataDirectory: dir.appendingPathComponent("data"))
            options.verifyAfterWrite = false
            let load = try await MigrationEngine().migrate(source: .snapshot(snapshot, organization: nil), target: a, options: options)
            try a.close()
            guard load.failures.isEmpty else { throw ScenarioError(message: "loading the generated site: \(load.failures.prefix(3))") }
            guard let site = snapshot.websiteID?.dataverseString else { throw ScenarioError(message: "the generated site has no website") }
            let out = dir.appendingPathComponent("download")
            let download = try await CLI.run(["download", "--path", out.path, "--webSiteId", site, "--environment", "local:a"], home: home)
            guard download.status == 0 else { throw ScenarioError(message: "download: \(download.err)") }
            try Data(site.utf8).write(to: dir.appendingPathComponent("site.txt"))
        }
        let out = shared.appendingPathComponent("download")
        let names = try FileManager.default.contentsOfDirectory(atPath: out.path).filter { !$0.hasPrefix(".") }
        let site = try String(contentsOf: shared.appendingPathComponent("site.txt"), encoding: .utf8)
        return Fixture(work: work, home: home, folder: out.appendingPathComponent(try #require(names.first)), site: site)
    }

    /// A new embedded environment `name` served in this process, each answer `latency` ms late.
    static func served(_ name: String, in home: URL, latency: Int = 30) async throws -> RunningServer {
        let env = try LocalEnvironment.create(
            at: home.appendingPathComponent("environments/\(name).sqlite"),
            options: LocalEnvironmentOptions(name: name))
        return try await ServerSupport.start(env, options: ServerOptions(latencyMilliseconds: latency))
    }

    /// Runs `portal-migrate arguments` (a shell command line after the binary) on a pseudo-terminal
    /// (`script -qfec`): what the terminal received, carriage returns and escapes included.
    static func onTerminal(_ commandLine: String, home: URL) async throws -> ChildProcessResult {
        try await CLI.run(
            ["-qfec", commandLine, "/dev/null"], executable: URL(fileURLWithPath: "/usr/bin/script"),
            environment: ["TERM": "xterm-256color", "LANG": "C.UTF-8", "COLUMNS": "120"], home: home)
    }

    @Test func aLongUploadOnATerminalShowsALiveLineThatIsErasedBeforeTheReport() async throws {
        let f = try await Self.fixture("tty")
        defer { if ProcessInfo.processInfo.environment["PM_KEEP"] == nil { try? FileManager.default.removeItem(at: f.work) } }
        let server = try await Self.served("b", in: f.home, latency: 50)
        // The server stops before the work directory is removed (it holds the environment's files).
        let run = await Result {
            try await Self.onTerminal("\(CLI.binary.path) upload --path \(f.folder.path) --environment \(server.origin) --yes", home: f.home)
        }
        await server.stop()
        let r = try run.get()
        let screen = r.out
        #expect(r.status == 0, "\(screen.suffix(3000))")
        // Frames: "\r<line>\e[K", redrawn in place, with the stage, counts and a clock.
        let frames = screen.components(separatedBy: "\r").filter { $0.hasSuffix("\u{1B}[K") && $0.count > 4 }
        #expect(frames.contains { $0.contains("Writing") && $0.contains(" operations") }, "\(frames.suffix(5))")
        #expect(frames.contains { $0.contains("Reading the target") || $0.contains("Reading the folder") }, "\(frames.prefix(5))")
        #expect(frames.count >= 3, "\(frames.count) frame(s)")
        for frame in frames { #expect(frame.unicodeScalars.count <= 120 + 3, "wider than the terminal: \(frame)") }
        // Erased before the report: after the last escape there is no more progress, and the escape is an erase.
        let last = try #require(screen.range(of: "\u{1B}[K", options: .backwards))
        #expect(screen[..<last.lowerBound].hasSuffix("\r"), "the last escape is a frame, not an erase: \(screen.suffix(400))")
        let after = String(screen[last.upperBound...])
        #expect(after.contains("Verified"), "\(after.prefix(2000))")
        #expect(!after.contains("operations ·") && !after.contains("\u{1B}"), "\(after.prefix(2000))")
        // Nothing is drawn again once the report is out.
        let report = try #require(screen.range(of: "Verified", options: .backwards))
        #expect(!screen[report.upperBound...].contains("\u{1B}"), "\(screen[report.lowerBound...].prefix(600))")
    }

    @Test func jsonKeepsStdoutOneObjectAndATerminalFreeOfProgressUnlessAskedForJSONLines() async throws {
        let f = try await Self.fixture("json")
        defer { if ProcessInfo.processInfo.environment["PM_KEEP"] == nil { try? FileManager.default.removeItem(at: f.work) } }
        // --json on a terminal: stdout (a file here) is one object; the terminal gets no live line.
        #expect(try await CLI.run(["env", "create", "c"], home: f.home).status == 0)
        let report = f.work.appendingPathComponent("report.json")
        let r = try await Self.onTerminal(
            "\(CLI.binary.path) upload --path \(f.folder.path) --environment local:c --yes --json > \(report.path)",
            home: f.home)
        #expect(r.status == 0, "\(r.out.suffix(2000))")
        let object = try JSONSerialization.jsonObject(with: try Data(contentsOf: report))
        #expect(object is [String: Any])
        #expect(!r.out.contains("\u{1B}[K") && !r.out.contains("operations"), "\(r.out.prefix(2000))")

        // --progress json: JSON lines on stderr, stdout still one object.
        #expect(try await CLI.run(["env", "create", "d"], home: f.home).status == 0)
        let lines = try await CLI.run(
            ["upload", "--path", f.folder.path, "--environment", "local:d", "--yes", "--json", "--progress", "json"],
            home: f.home)
        #expect(lines.status == 0, "\(lines.err.suffix(2000))")
        #expect(try JSONSerialization.jsonObject(with: Data(lines.out.utf8)) is [String: Any])
        let events = lines.err.split(separator: "\n").filter { $0.hasPrefix("{") }.compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        #expect(events.count == lines.err.split(separator: "\n").filter { $0.hasPrefix("{") }.count, "a line is not JSON")
        #expect(events.contains { $0["event"] as? String == "stage" && $0["stage"] as? String == "writing" })
        let written = events.filter { $0["event"] as? String == "written" }
        let final = try #require(written.last)
        #expect((final["done"] as? Int ?? -1) == (final["total"] as? Int ?? -2) && (final["total"] as? Int ?? 0) > 100, "\(final)")
        #expect(events.contains { $0["event"] as? String == "tablesRead" })
        #expect(events.last?["event"] as? String == "finished")
    }

    @Test func aStderrThatIsNotATerminalGetsPlainLinesNotOnePerRecord() async throws {
        let f = try await Self.fixture("plain")
        defer { if ProcessInfo.processInfo.environment["PM_KEEP"] == nil { try? FileManager.default.removeItem(at: f.work) } }
        #expect(try await CLI.run(["env", "create", "e"], home: f.home).status == 0)
        let r = try await CLI.run(["upload", "--path", f.folder.path, "--environment", "local:e", "--yes"], home: f.home)
        #expect(r.status == 0, "\(r.err.suffix(2000))")
        #expect(r.err.contains("Read the folder: "), "\(r.err)")
        #expect(r.err.contains("Read the target: "), "\(r.err)")
        #expect(r.err.contains("Plan: "), "\(r.err)")
        #expect(!r.err.contains("\r") && !r.err.contains("\u{1B}"), "\(r.err)")
        // A few lines per stage and one every 5 s, never one per record (the site has ~800).
        #expect(r.err.split(separator: "\n").count < 60, "\(r.err)")
        // --progress none: nothing.
        #expect(try await CLI.run(["env", "create", "g"], home: f.home).status == 0)
        let quiet = try await CLI.run(["upload", "--path", f.folder.path, "--environment", "local:g", "--yes", "--progress", "none"], home: f.home)
        #expect(quiet.status == 0)
        #expect(!quiet.err.contains("Read the folder"), "\(quiet.err)")
    }

    @Test func ctrlCDuringAnUploadErasesTheLiveLineAndSaysHowToResume() async throws {
        let f = try await Self.fixture("int")
        defer { if ProcessInfo.processInfo.environment["PM_KEEP"] == nil { try? FileManager.default.removeItem(at: f.work) } }
        // 150 ms per request: reading the target, writing and reading back take well over 2 s.
        let server = try await Self.served("h", in: f.home, latency: 150)
        let run = await Result {
            try await Self.onTerminal(
                "timeout --preserve-status -s INT 2 \(CLI.binary.path) upload --path \(f.folder.path) "
                    + "--environment \(server.origin) --yes", home: f.home)
        }
        await server.stop()
        let r = try run.get()
        #expect(r.status == 130, "\(r.status): \(r.out.suffix(2000))")
        #expect(r.out.contains("interrupted; rerun the same command to resume"), "\(r.out.suffix(2000))")
        if let last = r.out.range(of: "\u{1B}[K", options: .backwards) {
            #expect(r.out[..<last.lowerBound].hasSuffix("\r"), "a frame was left on the terminal: \(r.out.suffix(400))")
            #expect(!r.out[last.upperBound...].contains("·"), "\(r.out.suffix(400))")
        }
    }
}

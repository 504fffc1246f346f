import EnvironmentServer
import Foundation
import LocalEnvironment
@testable import Migration
import PortalModel
import Testing
import TestSupport

/// The built binary migrating from an embedded environment to an `EnvironmentServer` on 127.0.0.1 (and to
/// embedded targets, for the kill-and-resume trials). The tests share nothing (each its own data
/// directory and server), so they run side by side.
@Suite("migrate with the built binary, over HTTP and embedded")
struct HTTPMigrationTests {
    /// A data directory holding `local:src` with a synthetic portal of `records` records.
    static func home(seed: UInt64, records: Int) async throws -> (URL, PortalSnapshot) {
        let home = try TestPaths.temporaryDirectory("pm-home")
        let file = DataDirectory(root: home).environmentsFolder.appendingPathComponent("src.sqlite")
        let env = try LocalEnvironment.create(at: file, options: LocalEnvironmentOptions(name: "src"))
        let snapshot = SyntheticPortal.generate(seed: seed, records: records, webFileBytes: 200_000)
        let report = try await MigrationEngine().migrate(
            source: .snapshot(snapshot, organization: nil), target: env,
            options: try MigrationFixtures.options(env: env))
        precondition(report.failures.isEmpty)
        try env.close()
        return (home, snapshot)
    }

    static func newTarget() async throws -> (LocalEnvironment, RunningServer) {
        let env = try LocalEnvironmentSupport.make(LocalEnvironmentOptions(name: "target"), label: "pm-http")
        let server = try await ServerSupport.start(env)
        return (env, server)
    }

    @Test("plan --json, migrate, verify and a second migrate that writes nothing, over HTTP")
    func migrateOverHTTP() async throws {
        let (home, snapshot) = try await Self.home(seed: 71, records: 500)
        let website = try #require(snapshot.websiteID).dataverseString
        let (target, server) = try await Self.newTarget()
        defer { Task { await server.stop() } }
        let url = "http://127.0.0.1:\(server.port)"

        let plan = try await CLI.run(["plan", "--from", "local:src", "--to", url, "--webSiteId", website, "--json"], home: home)
        #expect(plan.status == 0, "\(plan.stderr)")
        let planJSON = try #require(try JSONSerialization.jsonObject(with: Data(plan.stdout.utf8)) as? [String: Any])
        let planned = try #require(planJSON["plan"] as? [String: [String: Int]])
        #expect(planned["adx_webpage"]?["created"] == snapshot.records["adx_webpage"]?.count)
        #expect(try await target.count("adx_webpage") == 0, "plan writes nothing")

        let migrate = try await CLI.run(["migrate", "--from", "local:src", "--to", url, "--webSiteId", website, "--json"], home: home)
        #expect(migrate.status == 0, "\(migrate.stderr.suffix(2000))")
        let result = try #require(try JSONSerialization.jsonObject(with: Data(migrate.stdout.utf8)) as? [String: Any])
        #expect((result["failures"] as? [Any])?.isEmpty == true, "\(String(describing: (result["failures"] as? [Any])?.prefix(3)))")
        #expect(try await target.count("adx_webpage") == snapshot.records["adx_webpage"]?.count)

        let verify = try await CLI.run(["verify", "--from", "local:src", "--to", url, "--webSiteId", website], home: home)
        #expect(verify.status == 0, "\(verify.stdout.prefix(2000)) \(verify.stderr.prefix(2000))")

        let again = try await CLI.run(["migrate", "--from", "local:src", "--to", url, "--webSiteId", website, "--json"], home: home)
        #expect(again.status == 0)
        let second = try #require(try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as? [String: Any])
        let counts = try #require(second["result"] as? [String: [String: Int]])
        #expect(counts.values.allSatisfy { ($0["created"] ?? 0) + ($0["updated"] ?? 0) + ($0["deleted"] ?? 0) == 0 }, "\(counts)")

        // A failed check: exit code 2 and nothing written.
        let before = try await MigrationFixtures.counts(target)
        let drift = try await CLI.run(
            [
                "migrate", "--from", "local:src", "--to", url, "--webSiteId", website,
                "--targetWebSiteId", UUID().uuidString,
            ], home: home)
        #expect(drift.status == 2, "\(drift.stderr)")
        #expect(drift.stderr.contains("website-not-found"))
        #expect(try await MigrationFixtures.counts(target) == before)
    }

    /// Records of the synthetic portal the kill-and-resume trials migrate: 600 by default (about 700
    /// confirmed operations, every table and pass of a run, so a kill point lands in each part of it),
    /// 2,000 with `PM_LONG_TESTS=1`.
    static var killTrialRecords: Int { TestPaths.longTests ? 2_000 : 600 }

    /// Kill-and-resume trials per test: 3 by default (with the other test's 3, six seeded kill points
    /// a run), 20 with `PM_LONG_TESTS=1` (the longer trial of the same assertions).
    static var killTrials: Int { TestPaths.longTests ? 20 : 3 }

    /// Kills `migrate` at seeded points of an uninterrupted run's progress, reruns it, and compares each
    /// target with the uninterrupted run's target (verify modulo remapped ids, and record counts per table).
    /// A kill point is a number of operations the run's journal has confirmed (0 … 90 % of the
    /// uninterrupted run's, 0 meaning while it still reads), not a time: a time taken from the reference
    /// run misses on a machine whose load changes between runs.
    /// `http`: targets served by `EnvironmentServer` on 127.0.0.1; otherwise embedded `local:` targets.
    static func killAndResume(http: Bool, seed: UInt64) async throws {
        let (home, snapshot) = try await Self.home(seed: seed, records: killTrialRecords)
        let website = try #require(snapshot.websiteID).dataverseString
        var servers: [RunningServer] = []
        func target(_ name: String) async throws -> (LocalEnvironment, String) {
            if http {
                let (env, server) = try await Self.newTarget()
                servers.append(server)
                return (env, "http://127.0.0.1:\(server.port)")
            }
            let file = DataDirectory(root: home).environmentsFolder.appendingPathComponent("\(name).sqlite")
            return (try LocalEnvironment.create(at: file, options: LocalEnvironmentOptions(name: name)), "local:\(name)")
        }
        defer { let s = servers; Task { for x in s { await x.stop() } } }

        // The uninterrupted reference run, whose journal gives the number of operations to place the kill points.
        let (reference, referenceSpec) = try await target("reference")
        let full = try await CLI.run(["migrate", "--from", "local:src", "--to", referenceSpec, "--webSiteId", website], home: home)
        #expect(full.status == 0, "\(full.stderr.suffix(2000))")
        let totalOperations = Self.confirmedOperations(home: home, except: [])
        try #require(totalOperations > 100, "the reference run's journal confirms \(totalOperations) operations")
        let referenceCounts = try await MigrationFixtures.counts(reference)

        var rng = SplitMix64(seed: seed)
        let trials = killTrials
        var killedCount = 0
        for trial in 0..<trials {
            let (env, spec) = try await target("trial\(trial)")
            let args = ["migrate", "--from", "local:src", "--to", spec, "--webSiteId", website, "--parallelism", "4"]
            let killAt = Int(Double(totalOperations) * 0.9 * Double(rng.next() % 1000) / 1000)
            let earlier = Self.journalFiles(home: home)
            let child = try CLI.start(args, home: home)
            // Watched on threads of its own, so a loaded suite does not make the kill late.
            try await OwnThreads.run {
                while !child.hasExited && Self.confirmedOperations(home: home, except: earlier) < killAt {
                    try await Task.sleep(for: .milliseconds(10))
                }
            }
            let killed = !child.hasExited
            let status = await child.terminate(signal: SIGKILL)
            #expect(killed || status == 0, "trial \(trial): \(child.errorOutput.suffix(1500))")
            if killed { killedCount += 1 }
            // When the killed run had started writing, the rerun finds its journal and says it resumes.
            let wrote = try await env.count("adx_website") > 0
            let unfinished = Self.unfinishedJournal(home: home) // read before the rerun finishes its own
            let rerun = try await CLI.run(args, home: home)
            #expect(rerun.status == 0, "trial \(trial): \(rerun.stderr.suffix(1500))")
            if killed && wrote {
                // A kill can land after the run wrote `finished` and before the process exited: that run is
                // complete and must not be resumed. Any other killed run that wrote must be resumed.
                if unfinished {
                    #expect(rerun.stdout.contains("resuming an interrupted run"), "trial \(trial): the rerun must find the journal")
                } else {
                    #expect(!rerun.stdout.contains("resuming"), "trial \(trial): a finished run is not resumed")
                }
            }
            #expect(try await MigrationFixtures.counts(env) == referenceCounts, "trial \(trial) (killed after \(killAt) operations)")
            let verify = try await MigrationEngine().verify(
                source: .environment(reference, websiteID: snapshot.websiteID!),
                target: env, targetWebsiteID: nil)
            #expect(verify.identical, "trial \(trial): \(verify.differences.prefix(5))")
        }
        #expect(killedCount >= (trials + 1) / 2, "most trials must really be interrupted (\(killedCount) of \(trials))")
    }

    /// The journal files under `home/journals`, by name.
    static func journalFiles(home: URL) -> Set<String> {
        let folder = home.appendingPathComponent("journals")
        return Set(((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasSuffix(".jsonl") })
    }

    /// The `op` entries (operations the target confirmed) of the journals under `home/journals` other than
    /// `except` (file names).
    static func confirmedOperations(home: URL, except: Set<String>) -> Int {
        let folder = home.appendingPathComponent("journals")
        return journalFiles(home: home).subtracting(except).reduce(0) { total, name in
            let text = (try? String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)) ?? ""
            return total + text.components(separatedBy: "\"kind\":\"op\"").count - 1
        }
    }

    /// True when a journal under `home/journals` (where `Journal` writes) ends without a
    /// `finished` entry: a run that was interrupted before it completed.
    static func unfinishedJournal(home: URL) -> Bool {
        let folder = home.appendingPathComponent("journals")
        let files = (try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)) ?? []
        return files.contains { file in
            guard let text = try? String(contentsOf: file, encoding: .utf8),
                let last = text.split(separator: "\n").last,
                let entry = try? JSONDecoder().decode(Journal.Entry.self, from: Data(last.utf8))
            else { return false }
            return entry.kind != "finished"
        }
    }

    @Test("killed at seeded random points during migrate of a generated portal over HTTP, a rerun ends equal to an uninterrupted run")
    func killAndResumeOverHTTP() async throws {
        try await Self.killAndResume(http: true, seed: 73)
    }

    @Test("the same with embedded targets (local:NAME) in the child process")
    func killAndResumeLocal() async throws {
        try await Self.killAndResume(http: false, seed: 79)
    }
}

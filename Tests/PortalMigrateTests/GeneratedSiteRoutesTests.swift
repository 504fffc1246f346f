import Foundation
import LocalEnvironment
import Migration
import PortalModel
import Testing
import TestSupport

/// Issue 18 "Generated sites through every route": a seeded varied site (`SyntheticPortal.varied`:
/// links straddling batch boundaries, two languages, inactive records, empty columns, Unicode and long
/// values, nested JSON, 0-byte to large web files) taken through each route, asserting the strict
/// verify passes and the writes' own read-back passes:
///
/// - `load`: snapshot → environment A (engine in-process, small change sets so links straddle batches);
/// - `env→env`: A → B with the built binary's `migrate`, then `verify`;
/// - `standard→enhanced`: `migrate --targetModelVersion 2` A → E (links inside components' `content`,
///   3 operations per change set), then `verify`;
/// - `env→folder→env→folder`: `download` A, `upload` into C, `verify --path` against C, `download` C,
///   and the two folders byte for byte (outside `.portalconfig/`; portal language ids, the environments'
///   own rows matched by LCID, excepted);
/// - `env→package→env`: `data export` A with the Customer Self-Service schema, `data import` into D,
///   `verify --data` against D and `verify --schemaFile` A against D;
/// - `v1→v2`: version 2 of the site (`SyntheticPortal.nextVersion`: emptied and newly set columns,
///   renames, (de)activations, deletions, additions, links removed and added, a changed body) as an
///   update with `--prune`: in-process into A, `migrate --prune` A → B, and A's download uploaded over C.
///
/// A failure names the seed and the route; one seed reruns with `PM_SEED=<seed>` (`PM_KEEP=1` keeps
/// its environments and folders). Default: the fixed seeds (7: an empty web file body lost through the
/// CMT package route, which the verifier now counts as no body, as Dataverse stores it);
/// `PM_LONG_TESTS=1`: 200 more seeds with a web file above the 4 MB chunk size.
@Suite(.serialized) struct GeneratedSiteRoutesTests {
    /// Seeds run: `PM_SEED`, else the fixed seeds (seeds that once found a loss are kept there and always
    /// run), plus 200 more with `PM_LONG_TESTS=1`.
    static var seeds: [UInt64] {
        if let s = ProcessInfo.processInfo.environment["PM_SEED"].flatMap(UInt64.init) { return [s] }
        return fixedSeeds + (TestPaths.longTests ? Array(1...200).filter { !fixedSeeds.contains($0) } : [])
    }
    static let fixedSeeds: [UInt64] = [7]

    /// Every catalog column of every table but the primary id, by table.
    static let catalogColumns: [String: Set<String>] = {
        var out: [String: Set<String>] = [:]
        for (name, def) in TableCatalog.standard.tables { out[name] = Set(def.columns.map(\.logicalName)).subtracting([def.primaryIDColumn]) }
        return out
    }()

    /// The commands that write (or read a source to write): run with `PM_WRITER_BIN` when set.
    static let writingCommands: Set<String> = ["migrate", "upload", "download", "data", "env"]

    /// Runs the built `portal-migrate`; with `PM_WRITER_BIN=<path>` the writing commands run with that
    /// binary instead (another build, e.g. the code before a fix) while `verify` always runs with this
    /// build's strict verifier: `PM_WRITER_BIN=/old/portal-migrate PM_SEED=7 swift test --filter
    /// GeneratedSiteRoutesTests` replays the routes' writes with the old code and checks them with this one.
    static func run(_ args: [String], home: URL) async throws -> ChildProcessResult {
        if let writer = ProcessInfo.processInfo.environment["PM_WRITER_BIN"], let command = args.first, writingCommands.contains(command) {
            return try await CLI.run(args, executable: URL(fileURLWithPath: writer), home: home)
        }
        return try await CLI.run(args, home: home)
    }

    /// Every file under `root` (relative path → bytes), `.portalconfig/` left out.
    static func files(_ root: URL) throws -> [String: Data] {
        var out: [String: Data] = [:]
        let base = root.standardizedFileURL.path
        guard let e = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey]) else { return out }
        for case let url as URL in e where (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
            let rel = String(url.standardizedFileURL.path.dropFirst(base.count + 1))
            if rel.hasPrefix(".portalconfig/") { continue }
            out[rel] = try Data(contentsOf: url)
        }
        return out
    }

    /// A file's bytes with the portal language references blanked: portal languages are the
    /// environment's own rows, matched by LCID, so their ids differ between two environments by design.
    static func comparable(_ data: Data?) -> Data? {
        guard let data, let text = String(data: data, encoding: .utf8), text.contains("adx_portallanguageid:") else { return data }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.trimmingCharacters(in: .whitespaces).hasPrefix("adx_portallanguageid:") ? "adx_portallanguageid: (environment's own)" : String(line)
        }
        return Data(lines.joined(separator: "\n").utf8)
    }

    /// The one site folder `download` wrote under `parent`.
    static func siteFolder(_ parent: URL) throws -> URL {
        let names = try FileManager.default.contentsOfDirectory(atPath: parent.path).filter { !$0.hasPrefix(".") }
        return parent.appendingPathComponent(try #require(names.first))
    }

    @Test("generated sites through load, env→env, env→folder→env→folder and a v1→v2 update: strict verify and read-back pass", arguments: seeds)
    func routes(seed: UInt64) async throws {
        let work = try TestPaths.temporaryDirectory("pm-generated-\(seed)")
        defer { if ProcessInfo.processInfo.environment["PM_KEEP"] == nil { try? FileManager.default.removeItem(at: work) } }
        let home = work.appendingPathComponent("home")
        let largest = TestPaths.longTests ? 4 * 1_048_576 + 1_000 : 65_536
        let snapshot = SyntheticPortal.varied(seed: seed, largestFile: largest)
        let site = try #require(snapshot.websiteID).dataverseString
        let repro = "rerun: PM_SEED=\(seed)\(TestPaths.longTests ? " PM_LONG_TESTS=1" : "") swift test --filter GeneratedSiteRoutesTests"

        // load: snapshot → A, in-process, 7 operations per change set.
        try FileManager.default.createDirectory(at: home.appendingPathComponent("environments"), withIntermediateDirectories: true)
        let a = try LocalEnvironment.create(at: home.appendingPathComponent("environments/a.sqlite"), options: LocalEnvironmentOptions(name: "a"))
        try await a.updateOrganization(blockedAttachments: ["exe", "bat"])
        var options = MigrationOptions(apply: ApplyOptions(changeSetSize: 7, parallelism: 2), dataDirectory: work.appendingPathComponent("data"))
        // The generated snapshot leaves out the keys of empty columns as an environment read does:
        // every catalog column of its tables is carried.
        options.plan.hints = PlanHints(format: "the generated site", carriedColumns: Self.catalogColumns)
        let load = try await MigrationEngine().migrate(source: .snapshot(snapshot, organization: nil), target: a, options: options)
        #expect(load.failures.isEmpty, "seed \(seed) route load: \(load.failures.prefix(5)) — \(repro)")
        #expect(
            load.verification?.passed == true, "seed \(seed) route load: \(load.verification?.differences.prefix(10).map(\.line) ?? []) — \(repro)")
        let loaded = try await MigrationEngine().verify(
            source: .snapshot(snapshot, organization: nil), target: a, targetWebsiteID: nil,
            carried: .declared(Self.catalogColumns, format: "the generated site"))
        #expect(loaded.identical, "seed \(seed) route load, verify: \(loaded.differences.prefix(10)) — \(repro)")

        // env→env with the binary.
        for env in ["b", "c"] {
            #expect(try await Self.run(["env", "create", env], home: home).exitCode == 0)
            #expect(try await Self.run(["env", "settings", env, "--blockedattachments", "exe;bat"], home: home).exitCode == 0)
        }
        let migrate = try await Self.run(
            [
                "migrate", "--from", "local:a", "--to", "local:b", "--webSiteId", site, "--yes",
                "--changeset-size", "3",
            ], home: home)
        #expect(migrate.exitCode == 0, "seed \(seed) route env→env (migrate): \(migrate.stdout.suffix(3000)) \(migrate.stderr) — \(repro)")
        let verifyB = try await Self.run(["verify", "--from", "local:a", "--to", "local:b", "--webSiteId", site], home: home)
        #expect(verifyB.exitCode == 0, "seed \(seed) route env→env (verify): \(verifyB.stdout.suffix(3000)) — \(repro)")

        // standard → enhanced bridge with the binary: every N:N link of a component lives in its `content`,
        // written 3 operations per change set, so a record's links straddle batches.
        #expect(try await Self.run(["env", "create", "e"], home: home).exitCode == 0)
        #expect(try await Self.run(["env", "settings", "e", "--blockedattachments", "exe;bat"], home: home).exitCode == 0)
        let bridge = try await Self.run(
            [
                "migrate", "--from", "local:a", "--to", "local:e", "--webSiteId", site, "--targetModelVersion", "2",
                "--yes", "--changeset-size", "3",
            ], home: home)
        #expect(
            bridge.exitCode == 0, "seed \(seed) route standard→enhanced bridge (migrate): \(bridge.stdout.suffix(3000)) \(bridge.stderr) — \(repro)")
        let verifyE = try await Self.run(["verify", "--from", "local:a", "--to", "local:e", "--webSiteId", site], home: home)
        #expect(verifyE.exitCode == 0, "seed \(seed) route standard→enhanced bridge (verify): \(verifyE.stdout.suffix(3000)) — \(repro)")

        // env→folder→env→folder with the binary.
        let dl1 = work.appendingPathComponent("dl1"), dl2 = work.appendingPathComponent("dl2")
        let down1 = try await Self.run(["download", "--path", dl1.path, "--webSiteId", site, "--environment", "local:a"], home: home)
        #expect(down1.exitCode == 0, "seed \(seed) route env→folder: \(down1.stderr) — \(repro)")
        let folder1 = try Self.siteFolder(dl1)
        let upload = try await Self.run(["upload", "--path", folder1.path, "--environment", "local:c", "--yes"], home: home)
        #expect(upload.exitCode == 0, "seed \(seed) route folder→env (upload): \(upload.stdout.suffix(3000)) \(upload.stderr) — \(repro)")
        let verifyC = try await Self.run(["verify", "--path", folder1.path, "--to", "local:c"], home: home)
        #expect(verifyC.exitCode == 0, "seed \(seed) route folder→env (verify --path): \(verifyC.stdout.suffix(3000)) — \(repro)")
        let down2 = try await Self.run(["download", "--path", dl2.path, "--webSiteId", site, "--environment", "local:c"], home: home)
        #expect(down2.exitCode == 0, "seed \(seed) route env→folder (second): \(down2.stderr) — \(repro)")
        let first = try Self.files(folder1), second = try Self.files(try Self.siteFolder(dl2))
        let differing = Set(first.keys).union(second.keys).filter { Self.comparable(first[$0]) != Self.comparable(second[$0]) }.sorted()
        #expect(differing.isEmpty, "seed \(seed) route env→folder→env→folder: \(differing.count) file(s) differ: \(differing.prefix(10)) — \(repro)")

        // env→package→env with the binary: export with the Customer Self-Service schema, import into D,
        // verify the package against D and A against D on the schema's tables and columns.
        #expect(try await Self.run(["env", "create", "d"], home: home).exitCode == 0)
        #expect(try await Self.run(["env", "settings", "d", "--blockedattachments", "exe;bat"], home: home).exitCode == 0)
        let schema = work.appendingPathComponent("css.xml").path, package = work.appendingPathComponent("data.zip").path
        #expect(try await Self.run(["data", "schema", "--portalType", "customer-self-service", "--output", schema], home: home).exitCode == 0)
        let export = try await Self.run(["data", "export", "--schemaFile", schema, "--dataFile", package, "--environment", "local:a"], home: home)
        #expect(export.exitCode == 0, "seed \(seed) route env→package: \(export.stderr) — \(repro)")
        let dataImport = try await Self.run(["data", "import", "--data", package, "--environment", "local:d"], home: home)
        #expect(
            dataImport.exitCode == 0,
            "seed \(seed) route package→env (data import): \(dataImport.stdout.suffix(3000)) \(dataImport.stderr) — \(repro)")
        let verifyPackage = try await Self.run(["verify", "--data", package, "--to", "local:d"], home: home)
        #expect(
            verifyPackage.exitCode == 0,
            "seed \(seed) route package→env (verify --data): \(verifyPackage.stdout.suffix(3000)) \(verifyPackage.stderr) — \(repro)")
        let verifyD = try await Self.run(["verify", "--from", "local:a", "--to", "local:d", "--webSiteId", site, "--schemaFile", schema], home: home)
        #expect(verifyD.exitCode == 0, "seed \(seed) route env→package→env (verify --schemaFile): \(verifyD.stdout.suffix(3000)) — \(repro)")

        // v1 → v2 as an update: in-process with --prune into A, then env→env (migrate --prune) into B,
        // and as a folder (written by the tool) uploaded over C with --prune. Version 2 deletes about a
        // tenth of the snippets on purpose: --allow-mass-delete.
        let v2 = SyntheticPortal.nextVersion(of: snapshot, seed: seed)
        var pruning = options
        pruning.plan.prune = true
        let update = try await MigrationEngine().migrate(source: .snapshot(v2, organization: nil), target: a, options: pruning)
        #expect(update.failures.isEmpty, "seed \(seed) route v1→v2 update: \(update.failures.prefix(5)) — \(repro)")
        #expect(
            update.verification?.passed == true,
            "seed \(seed) route v1→v2 update (read-back): \(update.verification?.differences.prefix(10).map(\.line) ?? []) — \(repro)")
        let updated = try await MigrationEngine().verify(
            source: .snapshot(v2, organization: nil), target: a, targetWebsiteID: nil,
            carried: .declared(Self.catalogColumns, format: "the generated site"))
        #expect(updated.identical, "seed \(seed) route v1→v2 update (verify): \(updated.differences.prefix(10)) — \(repro)")
        let migrate2 = try await Self.run(
            [
                "migrate", "--from", "local:a", "--to", "local:b", "--webSiteId", site, "--yes", "--prune",
                "--allow-mass-delete", "--changeset-size", "3",
            ], home: home)
        #expect(
            migrate2.exitCode == 0,
            "seed \(seed) route v1→v2 env→env (migrate --prune): \(migrate2.stdout.suffix(3000)) \(migrate2.stderr) — \(repro)")
        let verifyB2 = try await Self.run(["verify", "--from", "local:a", "--to", "local:b", "--webSiteId", site], home: home)
        #expect(verifyB2.exitCode == 0, "seed \(seed) route v1→v2 env→env (verify): \(verifyB2.stdout.suffix(3000)) — \(repro)")
        let dl3 = work.appendingPathComponent("dl3")
        let down3 = try await Self.run(["download", "--path", dl3.path, "--webSiteId", site, "--environment", "local:a"], home: home)
        #expect(down3.exitCode == 0, "seed \(seed) route v1→v2 env→folder: \(down3.stderr) — \(repro)")
        let folder3 = try Self.siteFolder(dl3)
        let upload2 = try await Self.run(
            ["upload", "--path", folder3.path, "--environment", "local:c", "--yes", "--prune", "--allow-mass-delete"], home: home)
        #expect(
            upload2.exitCode == 0, "seed \(seed) route v1→v2 folder→env (upload --prune): \(upload2.stdout.suffix(3000)) \(upload2.stderr) — \(repro)"
        )
        let verifyC2 = try await Self.run(["verify", "--path", folder3.path, "--to", "local:c"], home: home)
        #expect(verifyC2.exitCode == 0, "seed \(seed) route v1→v2 folder→env (verify --path): \(verifyC2.stdout.suffix(3000)) — \(repro)")
    }
}

import ChildProcesses
import Foundation
import LocalEnvironment
import PortalModel
import Scenarios

/// One end-to-end scenario for the built `portal-migrate`: a fresh work directory with the data
/// directory `home/` (every local environment, journal and, in `home/config`, auth profile of the
/// scenario), commands run against it through `CLI`, and the usual setup steps: embedded environments
/// created, settings changed, provisioned, a corpus folder uploaded, an environment served on 127.0.0.1.
/// Setup steps throw `ScenarioError` (with the command and its output) when the command fails, so a
/// test's own `#expect`s are about what it tests. Safe in parallel: nothing is shared between scenarios.
/// The setup steps are `Scenarios.Workspace`'s (shared with `quickstart` and the benchmark), run with
/// the built binary (`CLI.binary`); `workspace` gives the rest of that API.
///
/// Example:
/// ```
/// let s = try await Scenario.uploaded("rcsa-enhanced-2025", into: ["t", "u"], label: "pm-verify")
/// defer { s.remove() }
/// let r = try await s.run(["verify", "--from", "local:t", "--to", "local:u", "--webSiteId", id])
/// #expect(r.status == 0, "\(r.err)")
/// let server = try await s.serve("u")           // port handed over by the server
/// defer { Task { await server.terminate() } }
/// ```
public struct Scenario: Sendable {
    /// The scenario's own temporary directory (removed by `remove()`).
    public let work: URL
    /// `work/home`: `PORTAL_MIGRATE_HOME` of every command the scenario runs.
    public let home: URL
    /// The commands' workspace: `work`, `home`, `home/config`, the built binary; commands run in `home`.
    public let workspace: Workspace

    /// A new scenario in a fresh temporary directory named after `label`.
    /// - Throws: when the directory cannot be created.
    public init(_ label: String = "pm-scenario") throws {
        work = try TestPaths.temporaryDirectory(label)
        workspace = Workspace(executable: CLI.binary, work: work)
        home = workspace.home
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
    }

    /// Runs a `Workspace` setup step, its `CommandFailure` turned into a `ScenarioError` with the output.
    private func setup<T>(_ body: (Workspace) async throws -> T) async throws -> T {
        do { return try await body(workspace) } catch let failure as CommandFailure {
            throw ScenarioError(message: failure.detailed)
        } catch let failure as ScenarioSetupError {
            throw ScenarioError(message: failure.message)
        }
    }

    /// Removes the work directory.
    public func remove() { try? FileManager.default.removeItem(at: work) }

    /// Runs `portal-migrate arguments` in this scenario (`Workspace.run`: `home`, `home/config`, in `home`).
    /// - Throws: what `ChildProcess.run` throws (a failed command is a result, not an error).
    public func run(
        _ arguments: [String], environment: [String: String] = [:], currentDirectory: URL? = nil,
        stdin: Data? = nil, timeout: Double = CLI.defaultTimeout, killAfter: Double? = nil
    ) async throws -> ChildProcessResult {
        try await workspace.run(
            arguments, environment: environment, currentDirectory: currentDirectory, stdin: stdin, timeout: timeout,
            killAfter: killAfter)
    }

    /// Runs a setup command that must succeed.
    /// - Throws: `ScenarioError` naming the command with its output when it exits non-zero.
    @discardableResult
    public func succeed(_ arguments: [String]) async throws -> ChildProcessResult {
        try await setup { try await $0.succeed(arguments) }
    }

    /// Creates the embedded environment `name` (`env create`), optionally with its blocked attachment
    /// list (`env settings --blockedattachments`, e.g. `"exe;bat"` to accept `.js` web files).
    /// - Returns: the environment's `--environment` value, `local:NAME`.
    /// - Throws: `ScenarioError` when a command fails.
    @discardableResult
    public func createEnvironment(_ name: String, blockedAttachments: String? = nil) async throws -> String {
        try await setup { try await $0.createEnvironment(name, blockedAttachments: blockedAttachments) }
    }

    /// Provisions a website from a built-in template (`env provision NAME --template T --json`).
    /// - Parameters:
    ///   - modelVersion: 2 for the enhanced data model; the standard model when `nil`.
    ///   - siteName: the website's name (`--name`); the template's default when `nil`.
    /// - Returns: the new website's id.
    /// - Throws: `ScenarioError` when the command fails or prints no `websiteId`.
    @discardableResult
    public func provision(
        _ name: String, template: String = "starter", modelVersion: Int? = nil,
        siteName: String? = nil
    ) async throws -> UUID {
        try await setup { try await $0.provision(name, template: template, modelVersion: modelVersion, siteName: siteName) }
    }

    /// Copies the corpus pac folder `corpusName` (`../shared/corpus/pac/NAME`) into the work directory,
    /// where a test may change it (the corpus itself is never written).
    /// - Returns: the copy, `work/<as ?? corpusName>`.
    /// - Throws: when the copy fails.
    public func copyCorpusFolder(_ corpusName: String, as name: String? = nil) throws -> URL {
        let copy = work.appendingPathComponent(name ?? corpusName, isDirectory: true)
        try FileManager.default.copyItem(at: TestPaths.pacFolder(corpusName), to: copy)
        return copy
    }

    /// Uploads a pac folder into the embedded environment `name` (`upload --path … --environment
    /// local:NAME --yes` plus `extra`).
    /// - Throws: `ScenarioError` when the upload fails.
    @discardableResult
    public func upload(_ folder: URL, to name: String, _ extra: [String] = []) async throws -> ChildProcessResult {
        try await setup { try await $0.upload(folder, to: name, extra) }
    }

    /// The file of the embedded environment `name` (`home/environments/NAME.sqlite`).
    public func environmentFile(_ name: String) -> URL { workspace.environmentFile(name) }

    /// Opens the embedded environment `name` in the test process (close it before a command writes to it).
    /// - Throws: what `LocalEnvironment(opening:)` throws.
    public func open(_ name: String) throws -> LocalEnvironment {
        try LocalEnvironment(opening: environmentFile(name))
    }

    /// Serves the embedded environment `name` with the built binary (`env serve NAME --port 0` plus
    /// `options`, e.g. `["--latency-ms", "100"]`) on 127.0.0.1; the port is handed over by the server
    /// (`ServerSupport.startBinary`). Stop it with `terminate()`.
    /// - Throws: `ScenarioError` when it does not start.
    public func serve(_ name: String, _ options: [String] = []) async throws -> ChildServer {
        try await ServerSupport.startBinary(["env", "serve", name, "--port", "0"] + options, home: home)
    }

    /// The two-environment setup of the end-to-end suites: a copy of corpus folder `corpusName` at
    /// `work/site`, uploaded into each of `environments` (created with the blocked attachment list
    /// `"exe;bat"`, so the folders' `.js` web files are accepted). The first environment is a copy of
    /// the test process's one (`SharedFixtures.uploadedEnvironment`: the same commands, made once); the
    /// others are made with the commands here, so no two environments of a scenario share their own ids
    /// (organization, portal languages).
    /// - Returns: the scenario; the folder copy is `scenario.site`.
    /// - Throws: `ScenarioError` when a step fails.
    public static func uploaded(
        _ corpusName: String, into environments: [String], label: String = "pm-scenario",
        blockedAttachments: String = "exe;bat"
    ) async throws -> Scenario {
        let s = try Scenario(label)
        let site = try s.copyCorpusFolder(corpusName, as: "site")
        for (index, name) in environments.enumerated() {
            if index == 0 {
                try await SharedFixtures.uploadedEnvironment(corpusName, as: name, blockedAttachments: blockedAttachments, into: s.home)
            } else {
                try await s.createEnvironment(name, blockedAttachments: blockedAttachments)
                try await s.upload(site, to: name)
            }
        }
        return s
    }

    /// `work/site`: the folder copy of `uploaded(_:into:label:blockedAttachments:)`.
    public var site: URL { work.appendingPathComponent("site", isDirectory: true) }
}

/// A scenario's setup step failed, or a server for a test did not start.
public struct ScenarioError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
    /// A setup step failed: `message` says which, with what it printed.
    public init(message: String) { self.message = message }
}

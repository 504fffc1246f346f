import ChildProcesses
import Foundation
import LocalEnvironment
import PortalModel

/// One end-to-end scenario for the built `portal-migrate`: a fresh work directory with the data
/// directory `home/` (every local environment, journal and, in `home/config`, auth profile of the
/// scenario), commands run against it through `CLI`, and the usual setup steps: embedded environments
/// created, settings changed, provisioned, a corpus folder uploaded, an environment served on 127.0.0.1.
/// Setup steps throw `ScenarioError` (with the command and its output) when the command fails, so a
/// test's own `#expect`s are about what it tests. Safe in parallel: nothing is shared between scenarios.
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

    /// A new scenario in a fresh temporary directory named after `label`.
    /// - Throws: when the directory cannot be created.
    public init(_ label: String = "pm-scenario") throws {
        work = try TestPaths.temporaryDirectory(label)
        home = work.appendingPathComponent("home", isDirectory: true)
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
    }

    /// Removes the work directory.
    public func remove() { try? FileManager.default.removeItem(at: work) }

    /// Runs `portal-migrate arguments` in this scenario (`CLI.run` with `home`).
    /// - Throws: what `CLI.run` throws (a failed command is a result, not an error).
    public func run(
        _ arguments: [String], environment: [String: String] = [:], currentDirectory: URL? = nil,
        stdin: Data? = nil, timeout: Double = CLI.defaultTimeout, killAfter: Double? = nil
    ) async throws -> ChildProcessResult {
        try await CLI.run(
            arguments, environment: environment, home: home, currentDirectory: currentDirectory, stdin: stdin,
            timeout: timeout, killAfter: killAfter)
    }

    /// Runs a setup command that must succeed.
    /// - Throws: `ScenarioError` naming the command with its output when it exits non-zero.
    @discardableResult
    public func succeed(_ arguments: [String]) async throws -> ChildProcessResult {
        let r = try await run(arguments)
        guard r.exitCode == 0 else {
            throw ScenarioError(
                message: "`portal-migrate \(arguments.joined(separator: " "))` exited \(r.exitCode): "
                    + "\(r.stdout.suffix(1500))\n\(r.stderr.suffix(1500))")
        }
        return r
    }

    /// Creates the embedded environment `name` (`env create`), optionally with its blocked attachment
    /// list (`env settings --blockedattachments`, e.g. `"exe;bat"` to accept `.js` web files).
    /// - Returns: the environment's `--environment` value, `local:NAME`.
    /// - Throws: `ScenarioError` when a command fails.
    @discardableResult
    public func createEnvironment(_ name: String, blockedAttachments: String? = nil) async throws -> String {
        try await succeed(["env", "create", name])
        if let blockedAttachments { try await succeed(["env", "settings", name, "--blockedattachments", blockedAttachments]) }
        return "local:\(name)"
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
        var arguments = ["env", "provision", name, "--template", template, "--json"]
        if let modelVersion { arguments += ["--modelVersion", String(modelVersion)] }
        if let siteName { arguments += ["--name", siteName] }
        let r = try await succeed(arguments)
        guard let id = (try? JSONValue.parse(r.stdout))?["websiteId"]?.stringValue.flatMap({ UUID(dataverse: $0) }) else {
            throw ScenarioError(message: "`env provision` printed no websiteId: \(r.stdout.prefix(500))")
        }
        return id
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
        try await succeed(["upload", "--path", folder.path, "--environment", "local:\(name)", "--yes"] + extra)
    }

    /// The file of the embedded environment `name` (`home/environments/NAME.sqlite`).
    public func environmentFile(_ name: String) -> URL {
        home.appendingPathComponent("environments/\(name).sqlite")
    }

    /// Opens the embedded environment `name` in the test process (close it before a command writes to it).
    /// - Throws: what `LocalEnvironment(opening:)` throws.
    public func open(_ name: String) throws -> LocalEnvironment {
        try LocalEnvironment(opening: environmentFile(name))
    }

    /// Serves the embedded environment `name` with the built binary (`env serve NAME --port 0` plus
    /// `options`, e.g. `["--latency-ms", "100"]`) on 127.0.0.1; the port is handed over by the server
    /// (`ServerSupport.startBinary`). Stop it with `terminate()`.
    /// - Throws: `ServerSupportError` when it does not start.
    public func serve(_ name: String, _ options: [String] = []) async throws -> ChildServer {
        try await ServerSupport.startBinary(["env", "serve", name, "--port", "0"] + options, home: home)
    }

    /// The two-environment setup of the end-to-end suites: a copy of corpus folder `corpusName` at
    /// `work/site`, uploaded into each of `environments` (created with the blocked attachment list
    /// `"exe;bat"`, so the folders' `.js` web files are accepted).
    /// - Returns: the scenario; the folder copy is `scenario.site`.
    /// - Throws: `ScenarioError` when a step fails.
    public static func uploaded(
        _ corpusName: String, into environments: [String], label: String = "pm-scenario",
        blockedAttachments: String = "exe;bat"
    ) async throws -> Scenario {
        let s = try Scenario(label)
        let site = try s.copyCorpusFolder(corpusName, as: "site")
        for name in environments {
            try await s.createEnvironment(name, blockedAttachments: blockedAttachments)
            try await s.upload(site, to: name)
        }
        return s
    }

    /// `work/site`: the folder copy of `uploaded(_:into:label:blockedAttachments:)`.
    public var site: URL { work.appendingPathComponent("site", isDirectory: true) }
}

/// A scenario's setup step failed.
public struct ScenarioError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

import ChildProcesses
import EnvironmentServer
import Foundation
import LocalEnvironment
import PortalModel

/// The setup steps of a scenario, each a real command: embedded environments created, provisioned from
/// a built-in template, a pac folder uploaded, an environment served on 127.0.0.1.
extension Workspace {
    /// Creates the embedded environment `name` (`env create NAME`), optionally with its blocked
    /// attachment list (`env settings NAME --blockedattachments LIST`, e.g. `"exe;bat"` to accept `.js`
    /// web files).
    /// - Returns: its `--environment` value, `local:NAME`.
    /// - Throws: `CommandFailure` when a command fails.
    @discardableResult
    public func createEnvironment(_ name: String, blockedAttachments: String? = nil) async throws -> String {
        try await succeed(["env", "create", name])
        if let blockedAttachments { try await succeed(["env", "settings", name, "--blockedattachments", blockedAttachments]) }
        return "local:\(name)"
    }

    /// Provisions a website from a built-in template (`env provision NAME --template T --json`).
    /// - Parameters:
    ///   - template: `starter` or `customer-self-service` (`PortalTemplate.all`).
    ///   - modelVersion: 2 for the enhanced data model; the standard model when `nil`.
    ///   - siteName: the website's name (`--name`); the template's default when `nil`.
    /// - Returns: the new website's id.
    /// - Throws: `CommandFailure` when the command fails or prints no `websiteId`.
    @discardableResult
    public func provision(_ name: String, template: String = "starter", modelVersion: Int? = nil, siteName: String? = nil) async throws
        -> UUID
    {
        var arguments = ["env", "provision", name, "--template", template, "--json"]
        if let modelVersion { arguments += ["--modelVersion", String(modelVersion)] }
        if let siteName { arguments += ["--name", siteName] }
        let r = try await succeed(arguments)
        guard let id = (try? JSONValue.parse(r.stdout))?["websiteId"]?.stringValue.flatMap({ UUID(dataverse: $0) }) else {
            throw CommandFailure(arguments: arguments, result: r, reason: "printed no websiteId")
        }
        return id
    }

    /// Uploads a pac folder into the embedded environment `name` (`upload --path FOLDER --environment
    /// local:NAME --yes` plus `extra`).
    /// - Throws: `CommandFailure` when the upload fails.
    @discardableResult
    public func upload(_ folder: URL, to name: String, _ extra: [String] = []) async throws -> ChildProcessResult {
        try await succeed(["upload", "--path", folder.path, "--environment", "local:\(name)", "--yes"] + extra)
    }

    /// The file of the embedded environment `name` (`home/environments/NAME.sqlite`).
    public func environmentFile(_ name: String) -> URL {
        home.appendingPathComponent("environments/\(name).sqlite")
    }

    /// Opens the embedded environment `name` in this process (close it before a command writes to it);
    /// never creates one.
    /// - Throws: `ScenarioSetupError` when it does not exist; what `LocalEnvironment(opening:)` throws.
    public func openEnvironment(_ name: String) throws -> LocalEnvironment {
        let file = environmentFile(name)
        guard FileManager.default.fileExists(atPath: file.path) else {
            throw ScenarioSetupError("no embedded environment '\(name)' in \(home.path)")
        }
        return try LocalEnvironment(opening: file)
    }

    /// Serves the embedded environment `name` with `portal-migrate env serve NAME --port 0` plus
    /// `options` (e.g. `["--latency-ms", "100"]`) on 127.0.0.1, and waits up to `timeout` seconds for
    /// the server to hand over its port through its runtime file (`ServerRuntimeFile`, whose `pid` must
    /// be this child's; nothing is scraped from its output). Waiting suspends the task.
    /// - Parameter logs: a directory for its output (`serve-NAME.out`, `.err`); discarded when `nil`.
    /// - Returns: the running server; stop it with `stop()`.
    /// - Throws: `ScenarioSetupError` when it cannot start, exits, or hands over no port in time.
    public func serve(_ name: String, _ options: [String] = [], logs: URL? = nil, timeout: Double = 120) async throws
        -> ServedEnvironment
    {
        let arguments = ["env", "serve", name, "--port", "0"] + options
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = currentDirectory
        process.environment = ChildProcess.mergedEnvironment(variables())
        process.standardInput = FileHandle.nullDevice
        if let logs {
            try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
            let out = logs.appendingPathComponent("serve-\(name).out"), err = logs.appendingPathComponent("serve-\(name).err")
            _ = FileManager.default.createFile(atPath: out.path, contents: nil)
            _ = FileManager.default.createFile(atPath: err.path, contents: nil)
            process.standardOutput = try FileHandle(forWritingTo: out)
            process.standardError = try FileHandle(forWritingTo: err)
        } else {
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
        }
        let served = ServedEnvironment(name: name, process: process)
        do { try process.run() } catch { throw ScenarioSetupError("cannot start `portal-migrate env serve \(name)`: \(error)") }
        let runtimeFile = ServerRuntimeFile.url(beside: environmentFile(name))
        let deadline = ContinuousClock.now + .milliseconds(Int(timeout * 1000))
        while ContinuousClock.now < deadline {
            if let port = Self.handedOverPort(runtimeFile, pid: process.processIdentifier) {
                served.port = port
                return served
            }
            if served.hasExited {
                throw ScenarioSetupError("`portal-migrate env serve \(name)` exited with \(process.terminationStatus) before serving")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        await served.stop()
        throw ScenarioSetupError("`portal-migrate env serve \(name)` handed over no port within \(Int(timeout)) s")
    }

    /// The port in `runtimeFile` (`env serve`'s runtime file, JSON with `pid` and `port`) when the file
    /// names process `pid`; `nil` before the server writes it.
    public static func handedOverPort(_ runtimeFile: URL, pid: Int32) -> Int? {
        guard let data = try? Data(contentsOf: runtimeFile),
            let fields = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let filePID = fields["pid"] as? Int, filePID == Int(pid)
        else { return nil }
        return fields["port"] as? Int
    }
}

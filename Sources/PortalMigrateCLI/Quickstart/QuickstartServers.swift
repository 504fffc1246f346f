import EnvironmentServer
import Foundation
import LocalEnvironment
import PortalModel

/// The Web API servers of `quickstart --over-http`: one per embedded environment, on 127.0.0.1 only.
///
/// Each is the child process `portal-migrate env serve NAME --port 0` (issue 4) whose printed
/// `127.0.0.1:PORT` is read back. When this build has no `env serve` command, the environment is
/// served by `EnvironmentServer` inside the quickstart process instead, and the console says so.
final class QuickstartServers {
    private struct Served {
        var url: String
        var child: Process?
        var inProcess: RunningServer?
        var environment: LocalEnvironment?
    }
    private var served: [String: Served] = [:]
    private let runner: ChildCommandRunner
    private let home: DataDirectory

    init(runner: ChildCommandRunner, home: DataDirectory) {
        self.runner = runner
        self.home = home
    }

    /// Whether this build has `portal-migrate env serve`.
    static var hasServeCommand: Bool {
        EnvCommand.configuration.subcommands.contains { $0.configuration.commandName == "serve" }
    }

    /// `http://127.0.0.1:PORT` of environment `name`, starting its server.
    /// - Throws: `QuickstartError` when the server does not start or prints no port within 60 s.
    func start(_ name: String) async throws -> String {
        if let s = served[name] { return s.url }
        if Self.hasServeCommand {
            let (process, port) = try await startChild(name)
            let url = "http://127.0.0.1:\(port)"
            served[name] = Served(url: url, child: process)
            printOut("    serving local:\(name) at \(url) (pid \(process.processIdentifier))")
            return url
        }
        printOut("  (this build has no `env serve` command: serving local:\(name) with EnvironmentServer inside the quickstart process)")
        let env = try EnvironmentResolver.openLocal(name, directory: EnvironmentDirectory(home))
        let running = try await EnvironmentServer(service: env, options: ServerOptions(port: 0), logger: EnvironmentServer.quietLogger()).start()
        let url = running.origin
        served[name] = Served(url: url, inProcess: running, environment: env)
        printOut("    serving local:\(name) at \(url)")
        return url
    }

    private func startChild(_ name: String) async throws -> (Process, Int) {
        // Site operations of the admin API take a second, so the site commands show their polling.
        let arguments = ["env", "serve", name, "--port", "0", "--site-operation-delay-ms", "1000"]
        printOut("  $ portal-migrate \(arguments.joined(separator: " ")) &")
        let logs = runner.workingDirectory.appendingPathComponent("logs", isDirectory: true)
        try? FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        let outURL = logs.appendingPathComponent("serve-\(name).out"), errURL = logs.appendingPathComponent("serve-\(name).err")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let process = Process()
        process.executableURL = runner.executable
        process.arguments = arguments
        process.currentDirectoryURL = runner.workingDirectory
        process.environment = runner.environment
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch { throw QuickstartError("cannot start `portal-migrate env serve \(name)`: \(error)") }
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let text = ((try? String(contentsOf: outURL, encoding: .utf8)) ?? "") + ((try? String(contentsOf: errURL, encoding: .utf8)) ?? "")
            if let port = Self.port(in: text) { return (process, port) }
            if !process.isRunning {
                throw QuickstartError("`portal-migrate env serve \(name)` exited with \(process.terminationStatus): \(text.suffix(500))")
            }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        kill(process.processIdentifier, SIGKILL)
        throw QuickstartError("`portal-migrate env serve \(name)` printed no 127.0.0.1 port within 60 s")
    }

    /// The port of the first `127.0.0.1:PORT` in `text` followed by `/`, a space, a quote or a line end.
    static func port(in text: String) -> Int? {
        guard let r = text.range(of: "127.0.0.1:") else { return nil }
        let rest = text[r.upperBound...]
        let digits = rest.prefix { $0.isNumber }
        guard !digits.isEmpty, let end = rest.dropFirst(digits.count).first, "/ \"\n\r".contains(end) else { return nil }
        return Int(digits)
    }

    /// Stops every server: SIGTERM to children (SIGKILL after 10 s), graceful stop in-process.
    func stopAll() async {
        for (name, s) in served.sorted(by: { $0.key < $1.key }) {
            if let p = s.child {
                if p.isRunning { kill(p.processIdentifier, SIGTERM) }
                let deadline = Date().addingTimeInterval(10)
                while p.isRunning && Date() < deadline { try? await Task.sleep(nanoseconds: 50_000_000) }
                if p.isRunning { kill(p.processIdentifier, SIGKILL) }
                printOut("  stopped the server of local:\(name)")
            }
            if let r = s.inProcess {
                await r.stop()
                try? s.environment?.close()
            }
        }
        served = [:]
    }
}

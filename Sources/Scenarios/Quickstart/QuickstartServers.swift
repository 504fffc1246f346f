import Foundation

/// The Web API servers of `quickstart --over-http`: one per embedded environment, on 127.0.0.1 only,
/// each the child process `portal-migrate env serve NAME --port 0` (`Workspace.serve`: the port is
/// handed over through the server's runtime file, its output kept in `logs/serve-NAME.out|.err`).
final class QuickstartServers {
    private var served: [String: ServedEnvironment] = [:]
    private let workspace: Workspace
    private let logs: URL
    private let say: @Sendable (String) -> Void

    init(workspace: Workspace, logs: URL, say: @escaping @Sendable (String) -> Void) {
        self.workspace = workspace
        self.logs = logs
        self.say = say
    }

    /// `http://127.0.0.1:PORT` of environment `name`, starting its server.
    /// - Throws: `ScenarioSetupError` when the server does not start or hands over no port within 60 s.
    func start(_ name: String) async throws -> String {
        if let s = served[name] { return s.origin }
        // Site operations of the admin API take a second, so the site commands show their polling.
        let options = ["--site-operation-delay-ms", "1000"]
        say("  $ portal-migrate env serve \(name) --port 0 \(options.joined(separator: " ")) &")
        let server = try await workspace.serve(name, options, logs: logs, timeout: 60)
        served[name] = server
        say("    serving local:\(name) at \(server.origin) (pid \(server.process.processIdentifier))")
        return server.origin
    }

    /// Stops every server: SIGTERM (SIGKILL after 10 s).
    func stopAll() async {
        for (name, server) in served.sorted(by: { $0.key < $1.key }) {
            await server.stop()
            say("  stopped the server of local:\(name)")
        }
        served = [:]
    }
}

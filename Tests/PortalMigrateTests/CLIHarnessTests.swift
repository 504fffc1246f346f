import Foundation
import Testing
import TestSupport

/// The test harness itself (`CLI`, `Scenario`, `ServerSupport.startBinary`): every child gets its own
/// data and config directories and runs in its home, parsing works in-process, and a served
/// environment hands over its port through its runtime file (a stale file is never believed).
@Suite struct CLIHarnessTests {
    static let sh = URL(fileURLWithPath: "/bin/sh")

    @Test func withoutAHomeEachChildGetsAFreshOneThatIsRemovedAfterwards() async throws {
        let script = "echo \"$PORTAL_MIGRATE_HOME|$PORTAL_MIGRATE_CONFIG_HOME|$XDG_CONFIG_HOME|$(pwd -P)\""
        let first = try await CLI.run(["-c", script], executable: Self.sh)
        let second = try await CLI.run(["-c", script], executable: Self.sh)
        let fields = first.stdout.trimmingCharacters(in: .newlines).split(separator: "|").map(String.init)
        try #require(fields.count == 4, "\(first.stdout)")
        let home = URL(fileURLWithPath: fields[0])
        #expect(fields[1] == home.appendingPathComponent("config").path && fields[2] == fields[1], "\(fields)")
        #expect(fields[3] == home.resolvingSymlinksInPath().path, "the child runs in its home: \(fields)")
        #expect(first.stdout != second.stdout, "two runs shared a home")
        #expect(!FileManager.default.fileExists(atPath: home.path), "the scratch home was left behind")
        let userData = FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".local/share/portal-migrate").path
        #expect(!fields[0].hasPrefix(userData))
    }

    @Test func explicitVariablesWinOverTheHarnessDefaults() async throws {
        let home = try TestPaths.temporaryDirectory("pm-harness-env")
        defer { try? FileManager.default.removeItem(at: home) }
        let config = home.appendingPathComponent("elsewhere")
        let r = try await CLI.run(
            ["-c", "echo \"$PORTAL_MIGRATE_HOME|$PORTAL_MIGRATE_CONFIG_HOME|$PM_X\""], executable: Self.sh,
            environment: ["PM_X": "1"], home: home, configHome: config)
        #expect(r.stdout == "\(home.path)|\(config.path)|1\n")
    }

    @Test func parsingRunsInProcessWithTheBinarysExitCodes() {
        let ok = CLI.parse(["env", "serve", "dev", "--port", "0"])
        #expect(ok.command != nil)
        guard case let .failure(message, exitCode) = CLI.parse(["env", "serve", "dev", "--port", "70000"]) else {
            Issue.record("--port 70000 parsed")
            return
        }
        #expect(exitCode == 64)
        #expect(message.contains("--port must be 0…65535"), "\(message)")
        guard case let .failure(_, unknown) = CLI.parse(["no-such-command"]) else {
            Issue.record("an unknown command parsed")
            return
        }
        #expect(unknown == 64)
    }

    /// The parse result matches what the binary does with the same command line.
    @Test func parseAgreesWithTheBinary() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: CLI.binary.path), "build portal-migrate first")
        let arguments = ["env", "serve", "dev", "--latency-ms", "-1"]
        guard case let .failure(message, exitCode) = CLI.parse(arguments) else {
            Issue.record("--latency-ms -1 parsed")
            return
        }
        let r = try await CLI.run(arguments)
        #expect(r.status == exitCode)
        #expect(r.stderr.contains(message.split(separator: "\n").first.map(String.init) ?? "?"), "\(r.stderr) vs \(message)")
    }

    @Test func aServedEnvironmentHandsOverItsPortAndAStaleRuntimeFileIsIgnored() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: CLI.binary.path), "build portal-migrate first")
        let scenario = try Scenario("pm-harness-serve")
        defer { scenario.remove() }
        #expect(try await scenario.createEnvironment("a") == "local:a")
        // What a server killed with SIGKILL leaves behind: a runtime file naming another process and port.
        let runtime = scenario.environmentFile("a").appendingPathExtension("serve.json")
        try Data("{\"port\":1,\"pid\":1,\"approvalKey\":\"x\"}\n".utf8).write(to: runtime)
        let server = try await scenario.serve("a")
        let port = try #require(server.port)
        #expect(port != 1)
        let org = try await scenario.run(["org", "--environment", server.origin, "--json"])
        #expect(org.status == 0, "\(org.err)")
        #expect(await server.terminate() == 0, "\(server.errorOutput)")
        #expect(server.outputComplete)
        #expect(server.output.contains("127.0.0.1:\(port)"), "\(server.output)")
    }

    @Test func aFailedSetupStepNamesTheCommand() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: CLI.binary.path), "build portal-migrate first")
        let scenario = try Scenario("pm-harness-fail")
        defer { scenario.remove() }
        do {
            try await scenario.provision("missing")
            Issue.record("provisioning a missing environment succeeded")
        } catch let error as ScenarioError {
            #expect(error.message.contains("env provision missing"), "\(error)")
        }
    }
}

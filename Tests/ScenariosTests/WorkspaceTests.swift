import ChildProcesses
import Foundation
import LocalEnvironment
import PortalModel
import Testing
import TestSupport

@testable import Scenarios

/// `Scenarios.Workspace` with the built binary: the setup steps shared by `quickstart`, the test
/// fixture and the benchmark, each a real command in the workspace's own data directory.
@Suite struct WorkspaceTests {
    /// Records what a `CommandObserver` is told.
    final class Seen: CommandObserver, @unchecked Sendable {
        private let lock = NSLock()
        private var events: [String] = []
        func willRun(_ arguments: [String], extraVariables: [String]) {
            lock.withLock { events.append("will " + (extraVariables + arguments).joined(separator: " ")) }
        }
        func didRun(_ arguments: [String], result: ChildProcessResult) {
            lock.withLock { events.append("did \(arguments.prefix(2).joined(separator: " ")) \(result.exitCode)") }
        }
        var all: [String] { lock.withLock { events } }
    }

    @Test func anEnvironmentIsCreatedProvisionedAndServedWithThePortHandedOver() async throws {
        let work = try TestPaths.temporaryDirectory("pm-workspace")
        defer { try? FileManager.default.removeItem(at: work) }
        let seen = Seen()
        let w = Workspace(executable: CLI.binary, work: work, observer: seen)
        #expect(try await w.createEnvironment("dev") == "local:dev")
        let site = try await w.provision("dev", template: "starter")
        #expect(FileManager.default.fileExists(atPath: w.environmentFile("dev").path))
        #expect(w.environmentFile("dev").path.hasPrefix(work.appendingPathComponent("home").path))
        #expect(
            seen.all == [
                "will env create dev", "did env create 0", "will env provision dev --template starter --json", "did env provision 0",
            ], "\(seen.all)")

        let env = try w.openEnvironment("dev")
        let websites = try await env.retrieveAll(RecordQuery("adx_website", filter: .equal("adx_websiteid", .guid(site))))
        try env.close()
        #expect(websites.count == 1)

        let server = try await w.serve("dev", logs: work.appendingPathComponent("logs"))
        #expect(server.port > 0 && server.origin == "http://127.0.0.1:\(server.port)")
        let listed = try await w.run(["list", "--environment", server.origin, "--json"])
        #expect(listed.exitCode == 0, "\(listed.stderr)")
        #expect(listed.stdout.contains(site.dataverseString), "\(listed.stdout)")
        #expect(await server.stop() == 0)
        #expect(server.hasExited)
        #expect(!FileManager.default.fileExists(atPath: ServerRuntimeFileName.of(w.environmentFile("dev")).path))
        #expect(FileManager.default.fileExists(atPath: work.appendingPathComponent("logs/serve-dev.err").path))
    }

    @Test func aFailedStepNamesTheCommandAndItsErrorAndAMissingEnvironmentIsNotCreated() async throws {
        let work = try TestPaths.temporaryDirectory("pm-workspace")
        defer { try? FileManager.default.removeItem(at: work) }
        let w = Workspace(executable: CLI.binary, work: work)
        do {
            try await w.provision("missing")
            Issue.record("provisioning a missing environment succeeded")
        } catch let failure as CommandFailure {
            #expect(failure.description.hasPrefix("`portal-migrate env provision` exited with "), "\(failure)")
            #expect(failure.description.contains("error:"), "\(failure)")
            #expect(failure.detailed.contains("env provision missing --template starter --json"), "\(failure.detailed)")
        }
        #expect(throws: ScenarioSetupError.self) { try w.openEnvironment("missing") }
        #expect(!FileManager.default.fileExists(atPath: w.environmentFile("missing").path))
    }
}

/// The runtime file `env serve` keeps beside an environment file while it serves.
enum ServerRuntimeFileName {
    static func of(_ environmentFile: URL) -> URL { environmentFile.appendingPathExtension("serve.json") }
}

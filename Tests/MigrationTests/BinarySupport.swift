import Foundation
import TestSupport

/// Runs the built `portal-migrate` binary for end-to-end tests.
struct BinaryRun {
    var status: Int32
    var stdout: String
    var stderr: String
    /// True when the process was killed by the test.
    var killed: Bool
}

enum Binary {
    /// Runs `portal-migrate arguments` with `PORTAL_MIGRATE_HOME=home` (and `XDG_CONFIG_HOME=home/config`)
    /// through `ChildProcess.run`; kills it (and its process group) with SIGKILL after `killAfter` seconds
    /// when given.
    static func run(_ arguments: [String], home: URL, killAfter: Double? = nil) async throws -> BinaryRun {
        let r = try await ChildProcess.run(arguments, environment: ["XDG_CONFIG_HOME": home.appendingPathComponent("config").path],
                                           home: home, killAfter: killAfter)
        return BinaryRun(status: r.exitCode, stdout: r.stdout, stderr: r.stderr, killed: r.killed)
    }
}

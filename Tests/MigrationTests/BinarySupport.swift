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
    /// Runs `portal-migrate arguments` with `PORTAL_MIGRATE_HOME=home`; kills it with SIGKILL after
    /// `killAfter` seconds when given.
    static func run(_ arguments: [String], home: URL, killAfter: Double? = nil) throws -> BinaryRun {
        let process = Process()
        process.executableURL = TestPaths.portalMigrateBinary
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["PORTAL_MIGRATE_HOME"] = home.path
        env["XDG_CONFIG_HOME"] = home.appendingPathComponent("config").path
        process.environment = env
        let outURL = home.appendingPathComponent("out-\(UUID().uuidString.prefix(6)).txt")
        let errURL = home.appendingPathComponent("err-\(UUID().uuidString.prefix(6)).txt")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        try process.run()
        var killed = false
        if let delay = killAfter {
            let deadline = Date().addingTimeInterval(delay)
            while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                killed = true
            }
        }
        process.waitUntilExit()
        let out = (try? String(contentsOf: outURL, encoding: .utf8)) ?? ""
        let err = (try? String(contentsOf: errURL, encoding: .utf8)) ?? ""
        return BinaryRun(status: process.terminationStatus, stdout: out, stderr: err, killed: killed)
    }
}

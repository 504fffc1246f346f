import ChildProcesses
import Foundation
import Testing
import TestSupport

@testable import Scenarios

/// What `quickstart` shows of each command (`QuickstartTranscript`), in the test process: the command
/// line as typed, variables by name only, a few lines of output (all of a failure), logs kept.
@Suite struct QuickstartTranscriptTests {
    final class Lines: @unchecked Sendable {
        private let lock = NSLock()
        private var lines: [String] = []
        func add(_ line: String) { lock.withLock { lines.append(line) } }
        var all: [String] { lock.withLock { lines } }
    }

    static func result(_ status: Int32, stdout: String, stderr: String) -> ChildProcessResult {
        ChildProcessResult(
            exitCode: status, signalled: false, stdoutData: Data(stdout.utf8), stderrData: Data(stderr.utf8), killed: false,
            wallSeconds: 0.1, peakRSSBytes: nil)
    }

    @Test func theCommandIsShownAsTypedWithSecretVariablesByNameAndItsOutputShortened() throws {
        let logs = try TestPaths.temporaryDirectory("pm-transcript")
        defer { try? FileManager.default.removeItem(at: logs) }
        let shown = Lines()
        let transcript = QuickstartTranscript(logs: logs, verbose: false, say: { shown.add($0) })
        let arguments = ["upload", "--path", "my site", "--deploymentProfile", "target", "--json"]
        transcript.willRun(arguments, extraVariables: ["QUICKSTART_TARGET_CLIENT_SECRET"])
        transcript.didRun(arguments, result: Self.result(0, stdout: "{\"ok\":true}", stderr: "one\ntwo\nthree\nfour\nfive\n"))
        #expect(
            shown.all == [
                "  $ QUICKSTART_TARGET_CLIENT_SECRET=… portal-migrate upload --path 'my site' --deploymentProfile target --json",
                "    one", "    two", "    three",
                "    … (2 more line(s); kept in logs/ with --keep or when a step fails)",
            ], "\(shown.all)")
        #expect(try String(contentsOf: logs.appendingPathComponent("01-upload---path.out"), encoding: .utf8) == "{\"ok\":true}")
        #expect(try String(contentsOf: logs.appendingPathComponent("01-upload---path.err"), encoding: .utf8).hasPrefix("one\n"))
    }

    @Test func aFailedCommandShowsAllItsLinesAndItsExitCode() throws {
        let logs = try TestPaths.temporaryDirectory("pm-transcript")
        defer { try? FileManager.default.removeItem(at: logs) }
        let shown = Lines()
        let transcript = QuickstartTranscript(logs: logs, verbose: false, say: { shown.add($0) })
        transcript.didRun(["verify"], result: Self.result(1, stdout: "a\nb\nc\nd", stderr: "error: 1 difference(s)"))
        #expect(shown.all == ["    a", "    b", "    c", "    d", "    error: 1 difference(s)", "    exit code 1"], "\(shown.all)")
        #expect(QuickstartTranscript.quoted("it's") == "'it'\\''s'")
        #expect(QuickstartTranscript.quoted("local:target-pac") == "local:target-pac")
    }
}

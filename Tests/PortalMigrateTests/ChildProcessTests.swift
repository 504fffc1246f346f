import Foundation
import Testing
import TestSupport

/// The child-process runner through the test harness (`CLI.run`, over `ChildProcesses`' `ChildProcess.run`):
/// exit codes, output larger than a pipe buffer on both streams, standard input, the time limit (the
/// child and its own children killed), and `portal-migrate` itself.
@Suite("ChildProcess runner")
struct ChildProcessTests {
    static let sh = URL(fileURLWithPath: "/bin/sh")

    @Test func exitCodeAndBothStreams() async throws {
        let r = try await CLI.run(["-c", "echo out; echo err >&2; exit 7"], executable: Self.sh)
        #expect(r.exitCode == 7)
        #expect(!r.signalled && !r.killed)
        #expect(r.stdout == "out\n")
        #expect(r.stderr == "err\n")
    }

    @Test func environmentHomeAndWorkingDirectory() async throws {
        let dir = try TestPaths.temporaryDirectory("pm-child")
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try await CLI.run(
            ["-c", "echo \"$PORTAL_MIGRATE_HOME|$PM_CHILD_TEST|$(pwd -P)\""], executable: Self.sh,
            environment: ["PM_CHILD_TEST": "x y"], home: dir, currentDirectory: dir)
        #expect(r.stdout == "\(dir.path)|x y|\(dir.resolvingSymlinksInPath().path)\n")
    }

    /// 1 MB on stdout and 1 MB on stderr interleaved: a runner that reads one pipe to its end before the
    /// other deadlocks here, since the child blocks once the other 64 KB pipe buffer is full.
    @Test func largeOutputOnBothStreams() async throws {
        let script = "i=0; while [ $i -lt 16 ]; do head -c 65536 /dev/zero | tr '\\0' a; head -c 65536 /dev/zero | tr '\\0' b >&2; i=$((i+1)); done"
        let r = try await CLI.run(["-c", script], executable: Self.sh, timeout: 120)
        #expect(r.exitCode == 0)
        #expect(r.stdoutData.count == 1_048_576)
        #expect(r.stderrData.count == 1_048_576)
        #expect(r.stdoutData.allSatisfy { $0 == UInt8(ascii: "a") })
        #expect(r.stderrData.allSatisfy { $0 == UInt8(ascii: "b") })
    }

    /// Standard input larger than a pipe buffer reaches the child and is closed after it.
    @Test func standardInput() async throws {
        let input = Data((0..<200_000).map { UInt8(truncatingIfNeeded: $0 % 251) })
        let r = try await CLI.run(["-c", "cat; echo done >&2"], executable: Self.sh, stdin: input, timeout: 120)
        #expect(r.exitCode == 0)
        #expect(r.stdoutData == input)
        #expect(r.stderr == "done\n")
        // Without stdin the child reads /dev/null, never the runner's terminal.
        let empty = try await CLI.run(["-c", "wc -c"], executable: Self.sh)
        #expect(empty.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "0")
    }

    /// A child that outlives its timeout is killed with the processes it started (the background
    /// `sleep` writes its pid first), and the error carries what it printed.
    @Test func timeoutKillsTheChildAndItsChildren() async throws {
        let dir = try TestPaths.temporaryDirectory("pm-child")
        defer { try? FileManager.default.removeItem(at: dir) }
        let pidFile = dir.appendingPathComponent("pid").path
        do {
            _ = try await CLI.run(
                ["-c", "sleep 300 & echo $! > '\(pidFile)'; echo started; wait"],
                executable: Self.sh, timeout: 1)
            Issue.record("no timeout")
        } catch let error as ChildProcessError {
            guard case let .timedOut(_, seconds, stdout, _) = error else { Issue.record("\(error)"); return }
            #expect(seconds == 1)
            #expect(stdout == "started\n")
        }
        let grandchild = try #require(
            Int32(
                try String(contentsOfFile: pidFile, encoding: .utf8)
                    .trimmingCharacters(in: .whitespacesAndNewlines)))
        // kill(pid, 0) fails with ESRCH once the process is gone (reaped by init after its parent died).
        var gone = false
        for _ in 0..<100 where !gone {
            gone = kill(grandchild, 0) != 0 || Self.isZombie(grandchild)
            if !gone { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(gone, "sleep \(grandchild) survived")
    }

    /// `killAfter` kills on purpose and reports it instead of throwing.
    @Test func killAfterReportsTheKill() async throws {
        let r = try await CLI.run(["-c", "echo begun; sleep 300"], executable: Self.sh, killAfter: 0.5)
        #expect(r.killed)
        #expect(r.signalled && r.exitCode == SIGKILL)
        #expect(r.stdout == "begun\n")
    }

    @Test func missingExecutableIsALaunchError() async throws {
        await #expect(throws: ChildProcessError.self) {
            _ = try await CLI.run([], executable: URL(fileURLWithPath: "/nonexistent/portal-migrate"))
        }
    }

    /// Several children at once from concurrent tasks: each gets its own output.
    @Test func concurrentChildren() async throws {
        let results = try await withThrowingTaskGroup(of: (Int, String).self) { group in
            for i in 0..<6 {
                group.addTask { (i, try await CLI.run(["-c", "sleep 0.2; echo \(i)"], executable: Self.sh).stdout) }
            }
            var all: [Int: String] = [:]
            for try await (i, out) in group { all[i] = out }
            return all
        }
        #expect(results.count == 6)
        for (i, out) in results { #expect(out == "\(i)\n") }
    }

    /// The built binary through the default executable.
    @Test func portalMigrateHelp() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: TestPaths.portalMigrateBinary.path), "build portal-migrate first")
        let r = try await CLI.run(["--help"])
        #expect(r.exitCode == 0)
        #expect(r.stdout.contains("USAGE"))
    }

    static func isZombie(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return false }
        return stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).hasPrefix("Z")
    }
}

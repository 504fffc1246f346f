import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The outcome of one child process run by the benchmark.
/// - `wallSeconds`: from spawn to exit, measured by the parent (monotonic clock).
/// - `peakRSSBytes`: the child's peak resident set (`VmHWM` of `/proc/PID/status`, bytes).
struct ChildRun: Sendable {
    var status: Int32
    var wallSeconds: Double
    var peakRSSBytes: Int
    var stdout: String
    var stderr: String
}

/// A child process that could not be started or ended badly.
struct ChildProcessError: Error, CustomStringConvertible {
    var description: String
}

/// Spawns children with `posix_spawn` and reaps them with `wait4`, so each scenario's peak memory is
/// its own process's (Foundation's `Process` does not expose the child's resource usage).
enum ChildProcess {
    /// `VmHWM` of a running process in bytes, `nil` when it cannot be read.
    static func highWaterMark(_ pid: pid_t) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kb = Int(line.dropFirst(6).trimmingCharacters(in: .whitespaces).split(separator: " ").first ?? "") else { return nil }
        return kb * 1024
    }

    /// Runs `executable arguments` with `environment` merged over the parent's, standard output and
    /// error going to files in `logDirectory`, and waits for it.
    /// - Throws: `ChildProcessError` when the process cannot be spawned.
    static func run(_ executable: URL, _ arguments: [String], environment: [String: String] = [:],
                    logDirectory: URL) throws -> ChildRun {
        let tag = UUID().uuidString.prefix(8)
        let outPath = logDirectory.appendingPathComponent("child-\(tag).out").path
        let errPath = logDirectory.appendingPathComponent("child-\(tag).err").path

        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable.path] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for p in argv { free(p) }
            for p in envp { free(p) }
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)

        var pid: pid_t = 0
        let started = DispatchTime.now().uptimeNanoseconds
        let rc = posix_spawn(&pid, executable.path, &actions, nil, argv, envp)
        guard rc == 0 else {
            throw ChildProcessError(description: "cannot start \(executable.path): \(String(cString: strerror(rc)))")
        }
        // ru_maxrss of wait4 is not used: after posix_spawn (vfork + exec) Linux carries the parent's
        // high-water mark into the child's. VmHWM of /proc/PID/status (the exec'd image's own high-water
        // mark) is read every 10 ms until the child exits; the last reading is its peak.
        var status: Int32 = 0
        var usage = rusage()
        var hwm = 0
        while true {
            if let v = Self.highWaterMark(pid) { hwm = max(hwm, v) }
            let r = wait4(pid, &status, WNOHANG, &usage)
            if r == pid { break }
            if r < 0 && errno != EINTR { throw ChildProcessError(description: "wait4 failed: \(String(cString: strerror(errno)))") }
            usleep(10_000)
        }
        let wall = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        let exitCode: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        let out = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        let err = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(atPath: outPath)
        try? FileManager.default.removeItem(atPath: errPath)
        return ChildRun(status: exitCode, wallSeconds: wall, peakRSSBytes: hwm, stdout: out, stderr: err)
    }
}

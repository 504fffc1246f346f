/// The benchmark's own error: a scenario that cannot go on (a missing option, a load that failed, a
/// download that wrote nothing, a socket that cannot be bound), in words. A child process that cannot be
/// started is `ChildProcessError` (ChildProcesses), the runner's own.
struct BenchError: Error, CustomStringConvertible {
    var description: String
}

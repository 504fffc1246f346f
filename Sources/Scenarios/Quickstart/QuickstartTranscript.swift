import ChildProcesses
import Foundation
import PortalModel

/// What `portal-migrate quickstart` shows of each command it runs (a `CommandObserver`): the command
/// line as a user would type it (`$ [NAME=…] portal-migrate …`, variables by name only), then a few
/// lines of its human output (every line with `verbose` or when it fails); its standard output and
/// error are kept in `logs/NN-SUBCOMMAND.out|.err`.
final class QuickstartTranscript: CommandObserver, @unchecked Sendable {
    /// Receives every line shown (the command prints it on standard output).
    let say: @Sendable (String) -> Void
    /// Where each command's output is kept.
    let logs: URL
    /// Echo every line a command prints instead of the first few.
    let verbose: Bool
    private let lock = NSLock()
    private var count = 0

    init(logs: URL, verbose: Bool, say: @escaping @Sendable (String) -> Void) {
        self.logs = logs
        self.verbose = verbose
        self.say = say
    }

    /// Shell quoting for display.
    static func quoted(_ argument: String) -> String {
        let safe = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-_./:=,@%+…"))
        if !argument.isEmpty, argument.unicodeScalars.allSatisfy({ safe.contains($0) }) { return argument }
        return "'" + argument.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    func willRun(_ arguments: [String], extraVariables: [String]) {
        let line = (extraVariables.map { "\($0)=…" } + ["portal-migrate"] + arguments.map(Self.quoted)).joined(separator: " ")
        say("  $ \(line)")
    }

    func didRun(_ arguments: [String], result: ChildProcessResult) {
        let number = lock.withLock {
            count += 1
            return count
        }
        // The logs are a convenience for --keep; a log that cannot be written does not stop the step.
        try? FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        let stem = String(format: "%02d-", number) + (arguments.prefix(2).joined(separator: "-"))
        _ = try? SafeFileWriter.write(result.stdoutData, to: stem + ".out", under: logs)
        _ = try? SafeFileWriter.write(result.stderrData, to: stem + ".err", under: logs)
        echo(result)
    }

    /// Echoes the human part of a command's output: its stderr (and stdout when it is not JSON), the
    /// first lines only unless verbose; more lines of a failure.
    private func echo(_ result: ChildProcessResult) {
        var text = result.stderr
        let out = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        if !(out.hasPrefix("{") || out.hasPrefix("[")) { text = out + "\n" + text }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        let limit = verbose || result.exitCode != 0 ? 40 : 3
        for l in lines.prefix(limit) { say("    \(l)") }
        // logs/ outlives the run only with --keep or when a step fails (issue 24 item 8).
        if lines.count > limit { say("    … (\(lines.count - limit) more line(s); kept in logs/ with --keep or when a step fails)") }
        if result.exitCode != 0 { say("    exit code \(result.exitCode)") }
    }
}

import Foundation
import PortalModel

/// Thrown when a run stops because the target stopped answering: an operation failed with
/// `DataverseError.Code.transport` (no HTTP response after the transport's own retries: no connection
/// could be made, the connection kept dropping, or no answer within the request timeout;
/// `TransportFailure` in DataverseWebAPI). Nothing more is sent after that first failure, so a target
/// that died yields one report instead of one failure per remaining record. The run's journal is left
/// unfinished, so rerunning the same command resumes it without duplicates.
public struct ApplyStopped: Error, Sendable, CustomStringConvertible {
    /// What became of the target's blocked attachment list when the run stopped.
    public enum BlockedList: Sendable, Hashable {
        /// The run had not changed it.
        case unchanged
        /// It was put back as it was before the run.
        case restored
        /// It could not be put back now; the guard file keeps the original and the next run against the
        /// same target restores it before anything else (`BlockedAttachmentsGuard.restorePending`).
        case restoredAtNextRun
    }

    /// The first transport failure (its message names the environment URL).
    public var cause: DataverseError
    /// The target as the user named it (an environment URL, a profile, `local:NAME`); the CLI sets it.
    public var target: String?
    /// Operations the target confirmed in this run before it stopped answering.
    public var written: Int
    /// Operations of the plan not confirmed: never sent, or sent without an answer.
    public var notWritten: Int
    /// Failures the target did answer (a refused record) before the stop, per record.
    public var failures: [FailureEntry]
    /// The blocked attachment list's state (set by `MigrationEngine.migrate`).
    public var blockedList: BlockedList

    public init(
        cause: DataverseError, target: String? = nil, written: Int, notWritten: Int,
        failures: [FailureEntry] = [], blockedList: BlockedList = .unchanged
    ) {
        self.cause = cause
        self.target = target
        self.written = written
        self.notWritten = notWritten
        self.failures = failures
        self.blockedList = blockedList
    }

    /// The headline, e.g. `target unreachable: http://127.0.0.1:5555; 120 operations written, 1804 not
    /// written; rerun the same command to resume`.
    public var headline: String {
        "target unreachable: \(target ?? cause.path ?? "the target environment"); "
            + "\(written) operation\(written == 1 ? "" : "s") written, \(notWritten) not written; rerun the same command to resume"
    }

    /// A few lines: the headline, the cause, the blocked list's state, and at most 10 of the records the
    /// target refused before the stop.
    public var description: String {
        var lines = [headline, "  cause: \(cause.message)"]
        switch blockedList {
        case .unchanged: break
        case .restored: lines.append("  the target's blocked attachment list was restored")
        case .restoredAtNextRun:
            lines.append("  the target's blocked attachment list is still changed; the next run against it restores it first")
        }
        if !failures.isEmpty {
            lines.append("  \(failures.count) record(s) refused by the target before it stopped answering:")
            for f in failures.prefix(10) {
                lines.append("    \(f.table) \(f.id.dataverseString)\(f.name.map { " \"\($0)\"" } ?? ""): \(f.message)")
            }
            if failures.count > 10 { lines.append("    … and \(failures.count - 10) more") }
        }
        return lines.joined(separator: "\n")
    }
}

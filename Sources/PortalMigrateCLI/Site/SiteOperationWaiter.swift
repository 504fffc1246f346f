import DataverseWebAPI
import Foundation
import PortalModel
import Terminal

/// Waits for an admin API operation with progress on stderr: one line when the status changes and
/// one every 30 s while it does not (provisioning takes minutes, research §B.3).
enum SiteOperationWaiter {
    /// - Throws: `AdminOperationFailure` (failed after it started, or still running at the timeout),
    ///   `PowerPagesAdminError`.
    static func wait(_ admin: PowerPagesAdminClient, _ location: URL, action: String, options: SiteWaitOptions) async throws -> AdminOperationState {
        let last = LastReport()
        printErr("Waiting for \(action) (polling the operation; --no-wait returns at once)…")
        return try await admin.wait(
            for: location, action: action, interval: .seconds(options.pollInterval),
            timeout: .seconds(options.timeoutMinutes * 60)
        ) { state, elapsed in
            let seconds = Int(elapsed.components.seconds)
            if last.shouldReport(state.status, seconds) { printErr("  \(action): \(state.status) (\(seconds) s)") }
        }
    }

    /// Prints where to follow an operation that was not waited for (`--no-wait`).
    static func accepted(_ action: String, location: URL, label: String, json: Bool, extra: [(String, JSONValue)] = []) {
        if json {
            printOut(JSONValue.object([("accepted", .bool(true)), ("operationLocation", .string(location.absoluteString))] + extra).serialized)
        } else {
            printOut("Accepted: \(action). It runs on in the service; `portal-migrate site list --environment \(label)` shows its status.")
            printErr("Operation: \(location.absoluteString)")
        }
    }

    final class LastReport: @unchecked Sendable {
        private var status = ""
        private var at = 0
        private let lock = NSLock()

        func shouldReport(_ s: String, _ seconds: Int) -> Bool {
            lock.withLock {
                guard s != status || seconds - at >= 30 else { return false }
                status = s
                at = seconds
                return true
            }
        }
    }
}

/// Asks for confirmation on a terminal; without one, `--yes` is required.
/// - Throws: `UserFacingError` (exit 2) when not confirmed.
func confirmSite(_ question: String, yes: Bool, refusal: String) throws {
    if yes { return }
    guard isatty(0) != 0 else { throw UserFacingError("\(refusal); pass --yes to confirm") }
    Console.shared.write("\(question) [y/N] ", fd: 2)
    guard let answer = readLine(), answer.lowercased().hasPrefix("y") else { throw UserFacingError("nothing changed: not confirmed") }
}

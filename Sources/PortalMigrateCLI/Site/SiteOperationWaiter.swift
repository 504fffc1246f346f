import DataverseWebAPI
import Environments
import Foundation
import PortalModel
import Terminal

/// How the `site` commands show an admin API operation: status lines on stderr while waiting
/// (`SiteEnvironment.wait` decides which), and where to follow one that was not waited for.
enum SiteOperationWaiter {
    /// The first line of a wait, on stderr.
    static func waiting(_ action: String) { printErr("Waiting for \(action) (polling the operation; --no-wait returns at once)…") }

    /// Waits for the operation at `location` with status lines on stderr.
    /// - Throws: what `SiteEnvironment.wait` throws.
    static func wait(_ c: SiteEnvironment, _ location: URL, action: String, options: SiteWaitOptions) async throws -> AdminOperationState {
        waiting(action)
        return try await c.wait(for: location, action: action, wait: try options.siteWait()) { printErr($0) }
    }

    /// Prints where to follow an operation that was not waited for (`--no-wait`).
    static func accepted(_ action: String, location: URL, label: String, json: Bool, extra: [(String, JSONValue)] = []) {
        if json {
            printJSON([("accepted", .bool(true)), ("operationLocation", .string(location.absoluteString))] + extra)
        } else {
            printOut("Accepted: \(action). It runs on in the service; `portal-migrate site list --environment \(label)` shows its status.")
            printErr("Operation: \(location.absoluteString)")
        }
    }
}

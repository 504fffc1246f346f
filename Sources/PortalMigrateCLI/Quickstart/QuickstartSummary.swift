import Foundation

/// Why a quickstart step could not be completed or verified (the message names the command or record).
struct QuickstartError: Error, CustomStringConvertible {
    let message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}

/// One row of the quickstart summary.
///
/// - `written`: records (and N:N links) the step's commands created, updated or deleted in Dataverse
///   environments, as the commands reported them (`--json` results), plus the records provisioning
///   and website deletion wrote, counted by reading the website before and after.
/// - `seconds`: wall-clock time of the whole step.
/// - `verified`: the step's own check passed (for transfers: `verify` exited 0).
struct QuickstartStep: Sendable {
    var number: Int
    var title: String
    var written = 0
    var seconds = 0.0
    var verified = false
    /// What failed, when `verified` is false.
    var problem: String?
}

/// Renders the summary table: step, records written, seconds, verified.
enum QuickstartSummary {
    /// The table's lines, each column padded; a footnote line per step that was not verified.
    static func lines(_ steps: [QuickstartStep]) -> [String] {
        let titles = steps.map { "\($0.number). \($0.title)" }
        let width = max(4, titles.map(\.count).max() ?? 4)
        func pad(_ s: String, _ n: Int, right: Bool = false) -> String {
            let fill = String(repeating: " ", count: max(0, n - s.count))
            return right ? fill + s : s + fill
        }
        var out = [pad("step", width) + "  " + pad("written", 8, right: true) + "  " + pad("seconds", 8, right: true) + "  verified"]
        out.append(String(repeating: "-", count: width + 30))
        for (step, title) in zip(steps, titles) {
            out.append(
                pad(title, width) + "  " + pad(String(step.written), 8, right: true) + "  "
                    + pad(String(format: "%.1f", step.seconds), 8, right: true) + "  " + (step.verified ? "yes" : "no"))
        }
        for step in steps where !step.verified {
            out.append("step \(step.number) not verified: \(step.problem ?? "unknown reason")")
        }
        return out
    }
}

import Foundation
import Scenarios

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

import Foundation
import Scenarios

/// What `quickstart` prints around the procedure: where it runs, then the summary table (step, records
/// written, seconds, verified), where everything was kept and whether every transfer was verified.
enum QuickstartSummary {
    /// The lines before the procedure: what runs, the executable and the folder the commands run in.
    static func intro(_ workspace: Workspace, overHTTP: Bool) -> [String] {
        let directory = workspace.work.path
        return [
            "PortalMigrate quickstart: Microsoft's portal migration procedure on embedded environments\(overHTTP ? ", over HTTP" : "").",
            "`portal-migrate` below is \(workspace.executable.path).",
            "Every command below runs in \(directory) with",
            "  export PORTAL_MIGRATE_HOME=\(directory)/home PORTAL_MIGRATE_CONFIG_HOME=\(directory)/config",
        ]
    }

    /// The lines after it: the table, what was kept in `directory` and how to explore it (`command`: how
    /// the user types this program), and the verdict.
    static func closing(_ outcome: QuickstartOutcome, keep: Bool, directory: URL, command: String) -> [String] {
        var out = [""] + lines(outcome.steps) + [""]
        if outcome.kept {
            out += [
                "\(keep ? "Kept" : "A step failed; kept") everything in \(directory.path): environments in home/environments, the site folder in site/,",
                "schema.xml and data.zip, and each command's output in logs/. To explore:",
                "  export PORTAL_MIGRATE_HOME=\(directory.path)/home", "  \(command) env list", "  \(command) list --environment local:target-pac",
            ]
        }
        guard outcome.allVerified else {
            return out + ["Not verified: step(s) \(outcome.failedSteps.map(String.init).joined(separator: ", ")) (see above)."]
        }
        return out + [
            "Verified: download + upload (target-pac), data export + import (target-cmt) and migrate (target-migrate)",
            "each left its target holding the source's configuration.",
        ]
    }

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

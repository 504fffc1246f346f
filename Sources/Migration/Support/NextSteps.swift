import PortalModel

/// What to do after failed checks, printed last, where the user looks after a long plan (issue 24).
public enum NextSteps {
    /// One line per remedy for `diagnostics` (the failed checks); empty when none failed.
    public static func afterFailedChecks(_ diagnostics: [Diagnostic]) -> [String] {
        guard !diagnostics.isEmpty else { return [] }
        var lines: [String] = []
        let missing = diagnostics.filter { $0.check == "missing-lookup" }.count
        if missing > 0 {
            lines.append(
                "next: \(missing) lookup(s) point to records the target does not have: add those records to the source, "
                    + "or rerun with --missing-lookups drop to clear these lookups and list them (plan and verify take the same flag)")
        }
        let rules = Set(diagnostics.compactMap { PortalRuleID(rawValue: $0.check) }).map(\.rawValue).sorted()
        if !rules.isEmpty {
            lines.append(
                "next: \(rules.joined(separator: ", ")) \(rules.count == 1 ? "is a portal rule" : "are portal rules") (the site would not work as it is; "
                    + "portal-migrate check --list-rules): fix the records named, or rerun with "
                    + rules.map { "--skip-check \($0)" }.joined(separator: " ") + " to write them anyway")
        }
        // --force leaves failing *records* out; it cannot help when the website itself is missing.
        if diagnostics.contains(where: { $0.check != "website-not-found" }) {
            lines.append("next: upload, migrate and data import also take --force: write everything else, leave the failing records out, exit code 1")
        }
        return lines
    }
}

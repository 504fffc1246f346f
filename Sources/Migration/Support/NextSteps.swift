import PortalModel

/// What to do after failed checks, printed last, where the user looks after a long plan (issue 24).
public enum NextSteps {
    /// One line per remedy for `diagnostics` (the failed checks); empty when none failed.
    public static func afterFailedChecks(_ diagnostics: [Diagnostic]) -> [String] {
        guard !diagnostics.isEmpty else { return [] }
        var lines: [String] = []
        let missing = diagnostics.filter { $0.check == "missing-lookup" }.count
        if missing > 0 {
            lines.append("next: \(missing) lookup(s) point to records the target does not have: add those records to the source, "
                         + "or rerun with --missing-lookups drop to clear these lookups and list them (plan and verify take the same flag)")
        }
        lines.append("next: upload, migrate and data import also take --force: write everything else, leave the failing records out, exit code 1")
        return lines
    }
}

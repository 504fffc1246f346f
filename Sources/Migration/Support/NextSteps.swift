import PortalModel

/// What to do after failed checks, printed last, where the user looks after a long plan (issue 24).
public enum NextSteps {
    /// One line per remedy for `diagnostics` (the failed checks); empty when none failed.
    public static func afterFailedChecks(_ diagnostics: [Diagnostic]) -> [String] {
        guard !diagnostics.isEmpty else { return [] }
        var lines: [String] = []
        let missing = diagnostics.filter { $0.check == .missingLookup }.count
        if missing > 0 {
            lines.append(
                "next: \(missing) lookup(s) point to records the target does not have: add those records to the source, "
                    + "or rerun with --missing-lookups drop to clear these lookups and list them (plan and verify take the same flag)")
        }
        let rules = Set(diagnostics.compactMap { d -> String? in if case .rule(let id) = d.check { id.rawValue } else { nil } }).sorted()
        if !rules.isEmpty {
            lines.append(
                "next: \(rules.joined(separator: ", ")) \(rules.count == 1 ? "is a portal rule" : "are portal rules") (the site would not work as it is; "
                    + "portal-migrate check --list-rules): fix the records named, or rerun with "
                    + rules.map { "--skip-check \($0)" }.joined(separator: " ") + " to write them anyway")
        }
        // --force leaves failing *records* out; it cannot help when the website itself is missing.
        if diagnostics.contains(where: { $0.check != .websiteNotFound }) {
            lines.append("next: upload, migrate and data import also take --force: write everything else, leave the failing records out, exit code 1")
        }
        return lines
    }

    /// What to do about `verify`'s differences, printed last (issue 24): records or links only in the
    /// target go with `--prune`; missing or differing ones by running the same upload or migrate again.
    /// Empty when there is no difference.
    public static func afterVerify(_ items: [VerifyDifference]) -> [String] {
        var lines: [String] = []
        let extra = items.filter { $0.kind == .onlyInTarget || $0.kind == .linkOnlyInTarget }.count
        if extra > 0 {
            lines.append(
                "next: \(extra) record(s) or link(s) are only in the target: to delete them, rerun upload or migrate "
                    + "with --prune (plan --prune lists what it would delete); keep them if the target should have them")
        }
        if items.contains(where: { $0.kind != .onlyInTarget && $0.kind != .linkOnlyInTarget }) {
            lines.append("next: to write what is missing or differs, rerun upload or migrate (it writes only what differs)")
        }
        return lines
    }
}

import ArgumentParser
import Migration
import PortalModel

/// `--skip-check RULE` (repeatable, or comma-separated) of `upload`, `migrate`, `data import` and
/// `check`: a portal rule (`PortalRuleID`, `portal-migrate check --list-rules`) not to run. The error
/// rules that find a broken site run before every write (`PortalRules.beforeWriting`).
struct SkipCheckOptions: ParsableArguments {
    @Option(
        name: .customLong("skip-check"),
        help: ArgumentHelp(
            "A portal rule not to run before writing (repeatable; check --list-rules lists them).",
            valueName: "rule"))
    var skipCheck: [String] = []

    init() {}

    /// The rule ids. Validated in `validate()`, so a wrong id is a usage error (exit 64) naming the rules.
    var ids: Set<PortalRuleID> { (try? PortalRules.ids(skipCheck)) ?? [] }

    func validate() throws {
        do { _ = try PortalRules.ids(skipCheck) } catch let e as MigrationError { throw ValidationError(e.description) }
    }
}

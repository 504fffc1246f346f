import ArgumentParser
import Migration

/// The options `upload`, `migrate` and `data import` share, set on `RunChoices` at once: `--dry-run`,
/// `--no-verify`, the mass-delete limits, `--force`, `--skip-check` and `--keep-absent-columns`.
struct WritingRunOptions: ParsableArguments {
    @OptionGroup var write: WriteOptions
    @OptionGroup var massDelete: MassDeleteOptions
    @Flag(name: .long, help: "Proceed without the records that fail a check; exit code 1.")
    var force = false
    @OptionGroup var checks: SkipCheckOptions
    @OptionGroup var absent: KeepAbsentColumnsOption

    init() {}

    /// Sets these options on `choices`.
    func apply(to choices: inout RunChoices) {
        write.apply(to: &choices, force: force)
        choices.massDelete = massDelete.limits
        choices.skipChecks = checks.ids
        choices.keepAbsentColumns = absent.keepAbsentColumns
    }
}

/// `--keep-absent-columns` of `upload`, `migrate`, `plan` and `data import` (issue 16, R02).
struct KeepAbsentColumnsOption: ParsableArguments {
    @Flag(
        name: .customLong("keep-absent-columns"),
        help: ArgumentHelp(
            "Keep the target's value of a column the source leaves out (a folder pruned by hand). "
                + "By default a column the source's format writes for a table (a key pac writes, a field of the CMT schema, "
                + "any column of the source environment's table) but a record leaves out is empty in the source and cleared in the target."
        ))
    var keepAbsentColumns = false

    init() {}
}

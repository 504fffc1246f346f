import Foundation

/// `--keep-absent-columns` of `upload`, `migrate`, `plan` and `data import` (issue 16, R02).
enum KeepAbsentColumns {
    /// The flag's help text.
    static let help =
        "Keep the target's value of a column the source leaves out (a folder pruned by hand). "
        + "By default a column the source's format writes for a table (a key pac writes, a field of the CMT schema, "
        + "any column of the source environment's table) but a record leaves out is empty in the source and cleared in the target."
}

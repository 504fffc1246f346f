import Foundation
import PortalModel

/// Checks of the source's values against what Dataverse accepts, before the first write (issue 17:
/// a 10 MB `adx_name` or `statecode: 7` used to be refused by Dataverse halfway through a run).
///
/// - `value-too-long`: a primary name over `ColumnLimits.singleLineTextMaxLength` characters (a
///   `powerpagecomponent` name over `componentNameMaxLength`), any text over `multilineTextMaxLength`.
/// - `option-out-of-range`: a portal table's `statecode` outside `ColumnLimits.portalStateCodes`.
/// - `empty-id`: a record whose id is the all-zero GUID (no record has it; Dataverse would give the
///   record a new id and every lookup to it would break).
/// - `option-out-of-range` also: a choice column whose options `ColumnLimits.choiceValues` knows, set
///   to another value (red-team F3: `adx_right: 99` on a web page access control rule).
/// - `value-too-long` also: a column with a known maximum (`ColumnLimits.textMaxLength`, e.g.
///   `adx_partialurl` 100).
/// - `state-status-mismatch`: a portal table's statecode/statuscode pair outside
///   `ColumnLimits.portalStatusByState` (statecode 1 with statuscode 1).
/// - `nul-in-text`: a NUL character in a text value (the value itself is not shown).
/// One error per record and column, naming both.
public enum ValueChecks {
    static let zero = UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))

    /// The diagnostics for the source (tables in `definitions` use their primary name column; others
    /// the catalog's).
    public static func run(
        source: PortalSnapshot, definitions: [String: TableDefinition],
        catalog: TableCatalog = .standard
    ) -> [Diagnostic] {
        var out: [Diagnostic] = []
        // The choice values are the standard model's option sets; an enhanced-model site keeps these
        // values in `powerpagecomponent` JSON content with their own numbering (the rcsa corpus site's
        // table permissions have `adx_scope: 1`), which Dataverse does not check as an option set.
        // Told by the enhanced model's sign (PortalFolder.enhancedModelSign): a site language sharing its
        // portal language's id.
        let portalLanguages = Set((source.records["adx_portallanguage"] ?? []).map(\.id))
        let enhanced =
            source.tableNames.contains { $0 == "powerpagecomponent" || $0 == "powerpagesite" }
            || (source.records["adx_websitelanguage"] ?? []).contains { portalLanguages.contains($0.id) }
        for table in source.tableNames {
            let def = definitions[table] ?? catalog.table(table)
            let nameColumn = def?.primaryNameColumn
            for r in source.records[table] ?? [] {
                let name = nameColumn.flatMap { r.columns[$0]?.text }.map { String($0.prefix(80)) }
                if r.id == zero {
                    out.append(
                        Diagnostic(
                            check: .emptyID, message: "the record's id is the all-zero GUID, which no record has; give it its real id",
                            table: table, recordID: r.id, recordName: name))
                }
                for (column, value) in r.columns.sorted(by: { $0.key < $1.key }) {
                    switch value {
                    case .string(let s):
                        let length = s.utf16.count
                        let known = ColumnLimits.textMaxLength(table: table, column: column)
                        let limit =
                            known
                            ?? (column == nameColumn
                                ? (table == "powerpagecomponent" ? ColumnLimits.componentNameMaxLength : ColumnLimits.singleLineTextMaxLength)
                                : ColumnLimits.multilineTextMaxLength)
                        if length > limit {
                            let what = known != nil ? "\(table).\(column)" : column == nameColumn ? "the primary name column" : "a text column"
                            out.append(
                                Diagnostic(
                                    check: .valueTooLong,
                                    message: "\(length) characters; Dataverse accepts at most \(limit) in \(what)",
                                    table: table, recordID: r.id, recordName: name, column: column))
                        }
                        // A NUL character: Dataverse refuses it in text (the value is not shown: it may be a secret).
                        if let at = s.unicodeScalars.firstIndex(of: "\u{0}") {
                            let offset = s.unicodeScalars.distance(from: s.unicodeScalars.startIndex, to: at)
                            out.append(
                                Diagnostic(
                                    check: .nulInText,
                                    message:
                                        "the value holds a NUL character (U+0000) at character \(offset + 1); text columns do not accept it: remove it",
                                    table: table, recordID: r.id, recordName: name, column: column))
                        }
                    case .choice(let v):
                        if !enhanced, let allowed = ColumnLimits.choiceValues[table]?[column], allowed[v] == nil {
                            out.append(
                                Diagnostic(
                                    check: .optionOutOfRange,
                                    message: "\(column) \(v) is not an option of \(table).\(column); allowed: "
                                        + allowed.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "),
                                    table: table, recordID: r.id, recordName: name, column: column))
                        }
                    case .state(let v) where column == "statecode" && ColumnLimits.isPortalTable(table):
                        if !ColumnLimits.portalStateCodes.contains(v) {
                            out.append(
                                Diagnostic(
                                    check: .optionOutOfRange,
                                    message: "statecode \(v) is not a state of \(table) (0 Active, 1 Inactive)",
                                    table: table, recordID: r.id, recordName: name, column: column))
                        }
                    default:
                        continue
                    }
                }
                if ColumnLimits.isPortalTable(table), case .state(let state)? = r.columns["statecode"],
                    case .status(let status)? = r.columns["statuscode"],
                    let allowed = ColumnLimits.portalStatusByState[state], !allowed.contains(status)
                {
                    out.append(
                        Diagnostic(
                            check: .stateStatusMismatch,
                            message: "statecode \(state) with statuscode \(status) is not a valid pair; allowed: "
                                + ColumnLimits.portalStatusByState.sorted { $0.key < $1.key }
                                .map { "statecode \($0.key) with statuscode \($0.value.sorted().map(String.init).joined(separator: "/"))" }.joined(
                                    separator: ", "),
                            table: table, recordID: r.id, recordName: name, column: "statuscode"))
                }
            }
        }
        return out
    }
}

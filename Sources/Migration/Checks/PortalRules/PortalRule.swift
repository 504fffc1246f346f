import Foundation
import PortalModel

// `PortalRuleID`, a rule's stable id, is in PortalModel beside `DiagnosticCheck` (`.rule(id)`).

/// One rule about portal data that breaks the running site or its security (issue 21 "Portal checks"),
/// as data: its id, severity, what it looks for, the research fact behind it, the tables it reads
/// (it is not run when the source did not carry one of them: a CMT package without site markers says
/// nothing about the Home marker) and the function that finds its diagnostics.
public struct PortalRule: Sendable {
    public var id: PortalRuleID
    /// `.error` fails `check` (default `--fail-on error`) and stops `upload`, `migrate` and `data import`
    /// before writing; `.warning` is reported only.
    public var severity: Diagnostic.Severity
    /// What the rule finds, one line (shown by `check --list-rules`).
    public var summary: String
    /// The research note and tag the rule rests on.
    public var source: String
    /// Tables the rule needs the source to have carried.
    public var needs: Set<String>
    /// True when the rule is only meaningful for a pac folder (a file someone may commit).
    public var folderOnly: Bool = false
    /// True when an error of this rule stops `upload`, `migrate` and `data import` before writing: the
    /// rules that find a broken site. Security findings about a site that runs (anonymous write, a
    /// secret in a file) are for the `check` gate only.
    public var beforeWriting: Bool = true
    /// The diagnostics for one input (already with this rule's id and severity).
    public var find: @Sendable (PortalRuleInput, PortalRule) -> [Diagnostic]

    public init(
        id: PortalRuleID, severity: Diagnostic.Severity, summary: String, source: String, needs: Set<String>,
        folderOnly: Bool = false, beforeWriting: Bool = true,
        find: @escaping @Sendable (PortalRuleInput, PortalRule) -> [Diagnostic]
    ) {
        self.id = id
        self.severity = severity
        self.summary = summary
        self.source = source
        self.needs = needs
        self.folderOnly = folderOnly
        self.beforeWriting = beforeWriting
        self.find = find
    }

    /// A diagnostic of this rule.
    func diagnostic(
        _ message: String, _ record: EntityRecord? = nil, column: String? = nil, fix: String? = nil,
        context: [String: String]? = nil
    ) -> Diagnostic {
        Diagnostic(
            check: .rule(id), severity: severity, message: message, table: record?.logicalName,
            recordID: record?.id, recordName: record.flatMap(PortalRuleInput.name), column: column,
            context: context, fix: fix)
    }
}

/// What a rule looks at: the source's records (standard `adx_*` tables; an enhanced-model site through
/// its `adx_*` view), which tables the source carried, and whether it is a pac folder.
public struct PortalRuleInput: Sendable {
    public var snapshot: PortalSnapshot
    /// Tables the source carried (even when empty); `nil` = every table (a folder or an environment).
    public var tablesCarried: Set<String>?
    /// True for a pac folder (the secret rule applies to files only).
    public var isFolder: Bool
    /// True before writing into a target: a lookup to a record the source lacks may name one the target
    /// has (the `missing-lookup` check, which knows the target, reports the others), so the rules report
    /// only records the source has and shows inactive.
    public var targetMayHoldReferences: Bool

    public init(
        snapshot: PortalSnapshot, tablesCarried: Set<String>? = nil, isFolder: Bool = false,
        targetMayHoldReferences: Bool = false
    ) {
        self.snapshot = snapshot
        self.tablesCarried = tablesCarried
        self.isFolder = isFolder
        self.targetMayHoldReferences = targetMayHoldReferences
    }

    /// The input of the checks before writing: the tables the source holds records of count as carried
    /// (a partial upload says nothing about the tables it leaves out), references may be in the target.
    public static func beforeWriting(_ snapshot: PortalSnapshot) -> PortalRuleInput {
        PortalRuleInput(
            snapshot: snapshot, tablesCarried: Set(snapshot.records.filter { !$0.value.isEmpty }.keys),
            targetMayHoldReferences: true)
    }

    /// The records of `table`.
    func rows(_ table: String) -> [EntityRecord] { snapshot.records[table] ?? [] }

    /// Records of `table` by id (the first of a duplicated id).
    func byID(_ table: String) -> [UUID: EntityRecord] {
        Dictionary(rows(table).map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// The website a record belongs to: its `adx_websiteid`, else the snapshot's website.
    func website(_ r: EntityRecord) -> UUID? { r.lookupID("adx_websiteid") ?? snapshot.websiteID }

    /// A record's name for messages (`adx_name`, `name`, `filename`).
    static func name(_ r: EntityRecord) -> String? {
        (r.string("adx_name") ?? r.string("name") ?? r.string("filename")).map { String($0.prefix(80)) }
    }

    /// Active unless `statecode` says otherwise (absent = active, `PlanHints.absentValue`).
    static func isActive(_ r: EntityRecord) -> Bool {
        switch r.columns["statecode"] {
        case .state(let v)?, .choice(let v)?: return v == 0
        case .integer(let v)?: return v == 0
        default: return true
        }
    }

    /// A yes/no column: `true`/`false` whatever the source's spelling; `nil` when absent or null.
    static func flag(_ r: EntityRecord, _ column: String) -> Bool? {
        switch r.columns[column] {
        case .boolean(let b)?: return b
        case .string(let s)?:
            return ["true", "1", "yes"].contains(s.lowercased()) ? true : ["false", "0", "no"].contains(s.lowercased()) ? false : nil
        case .integer(let i)?: return i != 0
        case .choice(let i)?: return i != 0
        default: return nil
        }
    }

    /// An integer or choice column.
    static func number(_ r: EntityRecord, _ column: String) -> Int? {
        switch r.columns[column] {
        case .choice(let v)?, .state(let v)?, .status(let v)?: return v
        case .integer(let v)?: return Int(v)
        case .bigInt(let v)?: return Int(exactly: v)
        case .string(let s)?: return Int(s)
        default: return nil
        }
    }

    /// `table id "name"` for messages.
    static func label(_ r: EntityRecord) -> String {
        "\(r.logicalName) \(r.id.dataverseString)" + (name(r).map { " \"\($0)\"" } ?? "")
    }
}

/// The portal rules and their runner: the checks of `portal-migrate check`, whose error rules also run
/// before `upload`, `migrate` and `data import` write (`PreflightChecks`).
///
/// Example:
/// ```swift
/// let diagnostics = PortalRules.run(PortalRuleInput(snapshot: folder.snapshot, isFolder: true))
/// let exit = DiagnosticExit.code(diagnostics, failOn: .error)
/// ```
public enum PortalRules {
    /// Every rule, in the order they are reported.
    public static let all: [PortalRule] = PageRules.all + TemplateRules.all + SettingRules.all + SecurityRules.all + WebFileRules.all

    /// The rule with `id`.
    public static func rule(_ id: PortalRuleID) -> PortalRule { all.first { $0.id == id }! }

    /// Runs the rules on `input`.
    /// - Parameters:
    ///   - skipping: rule ids not to run (`--skip-check`).
    ///   - minimum: only rules of this severity or worse.
    /// - Returns: the diagnostics, in `Diagnostic.displayOrder`.
    public static func run(
        _ input: PortalRuleInput, skipping: Set<PortalRuleID> = [],
        minimum: Diagnostic.Severity = .warning
    ) -> [Diagnostic] {
        run(input, rules: all.filter { !skipping.contains($0.id) && $0.severity >= minimum })
    }

    /// The checks before writing (`upload`, `migrate`, `data import`): the error rules that find a broken
    /// site (`beforeWriting`), minus `skipping`, on `PortalRuleInput.beforeWriting(snapshot)`.
    public static func beforeWriting(_ snapshot: PortalSnapshot, skipping: Set<PortalRuleID> = []) -> [Diagnostic] {
        run(.beforeWriting(snapshot), rules: all.filter { $0.severity == .error && $0.beforeWriting && !skipping.contains($0.id) })
    }

    static func run(_ input: PortalRuleInput, rules: [PortalRule]) -> [Diagnostic] {
        // Every finding is kept (no limit: `check --json` lists them all); the text shows the first 200.
        var found = ProblemCollector<Diagnostic>(limit: .max)
        for rule in rules {
            if rule.folderOnly && !input.isFolder { continue }
            if let carried = input.tablesCarried, !rule.needs.isSubset(of: carried) { continue }
            found.add(contentsOf: rule.find(input, rule))
        }
        return Diagnostic.inDisplayOrder(found.diagnostics)
    }

    /// Parses `--skip-check` values (rule ids, also comma-separated).
    /// - Throws: `MigrationError.invalid` naming an unknown id (or the id of a check that is not a portal
    ///   rule, which cannot be skipped) and listing the rule ids.
    public static func ids(_ texts: [String]) throws -> Set<PortalRuleID> {
        var out: Set<PortalRuleID> = []
        for text in texts.flatMap({ $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }) where !text.isEmpty {
            guard let id = PortalRuleID(rawValue: text) else {
                let what = DiagnosticCheck(rawValue: text) == nil ? "no such rule" : "a check, not a portal rule (only portal rules can be skipped)"
                throw MigrationError.invalid(
                    "--skip-check \(text): \(what); the rules are " + PortalRuleID.allCases.map(\.rawValue).joined(separator: ", "))
            }
            out.insert(id)
        }
        return out
    }
}

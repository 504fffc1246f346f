import Foundation
import PortalModel

/// What `portal-migrate check` found in one source, and its verdict: the human summary line and the
/// `--json` object (as `CodeSiteUploadReport` is code-site upload's). Built by the library so the command
/// only prints it.
public struct CheckReport: Sendable {
    /// The source as named to the user: the folder or package path, or `ENV website ID`.
    public var source: String
    /// The least severity that fails the check (`--fail-on`).
    public var failOn: Diagnostic.Severity
    /// Every problem found, in the order the rules found them.
    public var diagnostics: [Diagnostic]
    /// The rules switched off (`--skip-check`).
    public var skipped: Set<PortalRuleID>

    public init(source: String, failOn: Diagnostic.Severity, diagnostics: [Diagnostic], skipped: Set<PortalRuleID>) {
        self.source = source
        self.failOn = failOn
        self.diagnostics = diagnostics
        self.skipped = skipped
    }

    /// The exit code (`DiagnosticExit.code`): 2 when a problem of `failOn`'s severity or worse was found, else 0.
    public var exitCode: Int32 { DiagnosticExit.code(diagnostics, failOn: failOn) }
    /// True when nothing of `failOn`'s severity or worse was found.
    public var passed: Bool { exitCode == DiagnosticExit.passed }
    /// How many rules ran: every portal rule less the skipped ones.
    public var rulesRun: Int { PortalRules.all.count - skipped.count }

    /// The text: one line per problem (`DiagnosticRenderer.text`), then
    /// `check passed|failed (--fail-on S): <summary> in <source>; N rule(s) run`.
    public var lines: [String] {
        DiagnosticRenderer.text(diagnostics) + [
            "check \(passed ? "passed" : "failed") (--fail-on \(failOn.rawValue)): \(DiagnosticRenderer.summary(diagnostics)) in \(source); "
                + "\(rulesRun) rule(s) run"
        ]
    }

    /// The `--json` object, keys in this order: `{"source": String, "failOn": "error"|"warning", "passed": Bool,
    /// "errors": Int, "warnings": Int, "skipped": [rule id, sorted], "diagnostics": [DiagnosticRenderer.jsonValue]}`.
    public var json: JSONValue {
        .object([
            ("source", .string(source)), ("failOn", .string(failOn.rawValue)), ("passed", .bool(passed)),
            ("errors", .number(String(diagnostics.filter { $0.severity == .error }.count))),
            ("warnings", .number(String(diagnostics.filter { $0.severity == .warning }.count))),
            ("skipped", .array(skipped.map(\.rawValue).sorted().map { .string($0) })),
            ("diagnostics", DiagnosticRenderer.jsonValue(diagnostics)),
        ])
    }
}

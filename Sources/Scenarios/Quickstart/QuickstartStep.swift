import ChildProcesses
import Foundation

/// One step of the quickstart, as its summary shows it.
///
/// - `written`: records (and N:N links) the step's commands created, updated or deleted in Dataverse
///   environments, as the commands reported them (`--json` results), plus the records provisioning
///   and website deletion wrote, counted by reading the website before and after.
/// - `seconds`: wall-clock time of the whole step.
/// - `verified`: the step's own check passed (for transfers: `verify` exited 0).
public struct QuickstartStep: Sendable {
    public var number: Int
    public var title: String
    public var written = 0
    public var seconds = 0.0
    public var verified = false
    /// What failed, when `verified` is false.
    public var problem: String?

    public init(number: Int, title: String) {
        self.number = number
        self.title = title
    }
}

/// A command the quickstart ran, read the way its steps need it.
struct StepCommand {
    var arguments: [String]
    var result: ChildProcessResult
    var status: Int32 { result.exitCode }

    /// "`portal-migrate SUBCOMMAND` exited with N: <its last error line>".
    var failure: CommandFailure { CommandFailure(arguments: arguments, result: result, reason: "exited with \(status)") }

    /// The first lines `verify` printed about differences, joined with "; ".
    var differences: String {
        (result.stdout + "\n" + result.stderr).split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasSuffix("difference(s):") }.prefix(3).joined(separator: "; ")
    }

    /// The standard output parsed as a JSON object.
    /// - Throws: `CommandFailure` when the command failed, `ScenarioSetupError` when it printed no JSON object.
    func jsonObject() throws -> [String: Any] {
        if status != 0 { throw failure }
        guard let object = try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] else {
            throw ScenarioSetupError("`portal-migrate \(arguments.joined(separator: " "))` printed no JSON object: \(result.stdout.prefix(300))")
        }
        return object
    }

    /// The standard output parsed as a JSON array of objects.
    /// - Throws: `CommandFailure` when the command failed, `ScenarioSetupError` when it printed no JSON array.
    func jsonArray() throws -> [[String: Any]] {
        if status != 0 { throw failure }
        guard let array = try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]] else {
            throw ScenarioSetupError("`portal-migrate \(arguments.joined(separator: " "))` printed no JSON array: \(result.stdout.prefix(300))")
        }
        return array
    }
}

import ArgumentParser
import Environments
import Foundation
import PortalModel
import Terminal

// What every command prints goes through these: credentials in URLs removed (`CredentialRedaction`),
// human text on stderr when `--json` owns stdout, one way to ask before destroying something.

/// Writes a line on stdout, credentials in URLs removed (`CredentialRedaction`).
func printOut(_ s: String) { Console.shared.write(CredentialRedaction.redact(s) + "\n", fd: 1) }
/// Writes a line on stderr, credentials in URLs removed (`CredentialRedaction`).
func printErr(_ s: String) { Console.shared.write(CredentialRedaction.redact(s) + "\n", fd: 2) }

/// Writes human text on stdout, or on stderr when `--json` owns stdout.
func printHuman(_ text: String, json: Bool) {
    if json { printErr(text) } else { printOut(text) }
}

/// Writes one JSON object on stdout (`JSONValue`, keys in the order given).
func printJSON(_ fields: [(String, JSONValue)]) { printOut(JSONValue.object(fields).serialized) }

/// Asks `question` with `[y/N]` on a terminal and goes on only after an answer starting with y;
/// `yes` (the command's `--yes`) skips the question.
/// - Parameters:
///   - refusal: what would have happened, for the error when stdin is no terminal (`…; pass --yes to confirm`).
///   - declined: the error's message when the answer is not yes.
/// - Throws: `UserFacingError` (exit 2) when not confirmed.
func confirmOrRefuse(_ question: String, yes: Bool, refusal: String, declined: String = "nothing changed: not confirmed") throws {
    if yes { return }
    guard isatty(0) != 0 else { throw UserFacingError(refusal) }
    Console.shared.write("\(question) [y/N] ", fd: 2)
    guard let answer = readLine(), answer.lowercased().hasPrefix("y") else { throw UserFacingError(declined) }
}

/// Runs a library rule in a command's `validate()`: a usage error it throws (`EnvironmentsError.isUsage`)
/// becomes ArgumentParser's `ValidationError`, printed with the command's usage line (exit 64).
@discardableResult
func usageRule<T>(_ rule: () throws -> T) throws -> T {
    do { return try rule() } catch let e as EnvironmentsError where e.isUsage { throw ValidationError(e.description) }
}

import ArgumentParser
import Foundation
@testable import PortalMigrateCLI
import Testing
import TestSupport

/// The README and the built-in help agree with the parser (issue 24 item 7): every `portal-migrate …`
/// line in the README's shell blocks and every `Example:` in a command's help parses with the real
/// parser, and every command a user runs shows an example in its help.
@Suite struct ReadmeCommandsTests {
    /// Every `portal-migrate` command line in a fenced `sh` block of the README, continuation lines
    /// joined, comments and prompts removed, split into shell words.
    static func readmeCommands() throws -> [(line: Int, words: [String])] {
        let text = try String(contentsOf: TestPaths.repositoryRoot.appendingPathComponent("README.md"), encoding: .utf8)
        var commands: [(Int, [String])] = []
        var inShell = false
        var pending: (line: Int, text: String)?
        for (index, raw) in text.components(separatedBy: "\n").enumerated() {
            let trimmed = raw.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("```") {
                inShell = !inShell && (trimmed == "```sh" || trimmed == "```bash" || trimmed == "```shell")
                pending = nil
                continue
            }
            guard inShell else { continue }
            var line = pending.map { $0.text + " " + trimmed } ?? trimmed
            let start = pending?.line ?? index + 1
            if line.hasSuffix("\\") {
                line.removeLast()
                pending = (start, line)
                continue
            }
            pending = nil
            commands += shellCommands(in: line).map { (start, $0) }
        }
        return commands
    }

    /// The `portal-migrate` invocations in one shell line (after `&&`, `;`, `|`, `&`, env assignments,
    /// `swift run`, `time`, a `$ ` prompt), each as the words after the program name. Optional parts
    /// written `[--flag value]` in a synopsis are kept without their brackets.
    static func shellCommands(in line: String) -> [[String]] {
        var result: [[String]] = []
        var current: [String]?
        var atStart = true
        for word in shellWords(line) {
            if ["&&", "||", ";", "|", "&", ">", ">>", "2>&1", "2>"].contains(word) {
                if let c = current { result.append(c) }
                current = nil
                atStart = true
                continue
            }
            if word.hasPrefix("#") { break }
            if current == nil {
                guard atStart else { continue }
                if word == "portal-migrate" || word.hasSuffix("/portal-migrate") {
                    current = []
                } else if !(word == "$" || word == "swift" || word == "run" || word == "time"
                    || (word.contains("=") && !word.hasPrefix("-")))
                {
                    atStart = false // another program (install, echo, export …): its arguments are not ours
                }
                continue
            }
            var stripped = word
            if stripped.hasPrefix("[") { stripped.removeFirst() }
            if stripped.hasSuffix("]") { stripped.removeLast() }
            if !stripped.isEmpty { current?.append(stripped) }
        }
        if let c = current { result.append(c) }
        return result
    }

    /// Splits a shell line into words: single and double quotes group, a backslash escapes one character.
    /// Redirection targets and substitutions are kept as plain words (the parser sees them only after a
    /// separator, where they end the command).
    static func shellWords(_ line: String) -> [String] {
        var words: [String] = []
        var word = ""
        var inWord = false
        var quote: Character?
        var escape = false
        for ch in line {
            if escape { word.append(ch); escape = false; inWord = true; continue }
            if let q = quote {
                if ch == q { quote = nil } else { word.append(ch) }
                continue
            }
            switch ch {
            case "\\": escape = true
            case "'", "\"": quote = ch; inWord = true
            case " ", "\t":
                if inWord { words.append(word); word = ""; inWord = false }
            default: word.append(ch); inWord = true
            }
        }
        if inWord { words.append(word) }
        return words
    }

    /// Every command type reachable from the root, with its full command path (`["env", "create"]`).
    static func allCommands() -> [(path: [String], type: any ParsableCommand.Type)] {
        var result: [([String], any ParsableCommand.Type)] = []
        func walk(_ type: any ParsableCommand.Type, _ path: [String]) {
            result.append((path, type))
            for sub in type.configuration.subcommands {
                let name = sub.configuration.commandName ?? String(describing: sub).lowercased()
                walk(sub, path + [name])
            }
        }
        walk(PortalMigrateCommand.self, [])
        return result
    }

    /// The `portal-migrate …` lines after `Example:`/`Examples:` in a help discussion.
    static func helpExamples(_ discussion: String) -> [[String]] {
        var examples: [[String]] = []
        for raw in discussion.components(separatedBy: "\n") {
            let line = raw.trimmingCharacters(in: .whitespaces)
            guard let range = line.range(of: "portal-migrate ") else { continue }
            // An example quoted inside prose ends at its closing backtick.
            let body = line[range.lowerBound...].prefix { $0 != "`" }
            // Only lines that are an example (not prose naming the tool): they start with it or with "Example".
            guard line.hasPrefix("portal-migrate ") || line.hasPrefix("Example") || line.hasPrefix("$ ") else { continue }
            examples += shellCommands(in: String(body))
        }
        return examples
    }

    /// Parses `words` with the real root parser; returns the error text or nil. `--help` and
    /// `--version` parse as requests for help, which count as parsed.
    static func parseError(_ words: [String]) -> String? {
        do {
            _ = try PortalMigrateCommand.parseAsRoot(words)
            return nil
        } catch {
            let code = PortalMigrateCommand.exitCode(for: error)
            if code == .success { return nil }
            return PortalMigrateCommand.message(for: error)
        }
    }

    @Test func everyReadmeCommandParses() throws {
        let commands = try Self.readmeCommands()
        #expect(commands.count >= 20, "found only \(commands.count) README commands: the extractor is broken")
        for (line, words) in commands {
            if let error = Self.parseError(words) {
                Issue.record("README.md:\(line): `portal-migrate \(words.joined(separator: " "))` does not parse: \(error)")
            }
        }
    }

    @Test func everyHelpExampleParses() {
        var seen = 0
        for (path, type) in Self.allCommands() {
            for example in Self.helpExamples(type.configuration.discussion) {
                seen += 1
                if let error = Self.parseError(example) {
                    Issue.record(
                        "help of `\(path.joined(separator: " "))`: `portal-migrate \(example.joined(separator: " "))` does not parse: \(error)")
                }
            }
        }
        #expect(seen >= 15, "found only \(seen) help examples: the extractor is broken")
    }

    /// Every command a user runs (a command without subcommands) shows at least one example whose
    /// words start with that command's own path, so `--help` answers "how do I call this?".
    @Test func everyRunnableCommandHasAnExample() {
        for (path, type) in Self.allCommands() where type.configuration.subcommands.isEmpty && !path.isEmpty {
            // `paportal list|download|upload` are pac's names for the same command types.
            let names = path.first == "paportal" ? Array(path.dropFirst()) : path
            let own = Self.helpExamples(type.configuration.discussion).contains { Array($0.prefix(names.count)) == names }
            #expect(own, "`portal-migrate \(path.joined(separator: " ")) --help` shows no example of itself")
        }
    }

    /// pac's short forms (research/pac-portal-format.md §6: `-p`, `-id`, `-dp`, `-mv`, `-env`) wherever
    /// the long option exists, so a pac command line works whichever command it is typed into.
    @Test func pacShortFormsEverywhereTheLongOptionIs() {
        let pairs = [
            ("--webSiteId", "-id"), ("--deploymentProfile", "-dp"), ("--modelVersion", "-mv"), ("--environment", "-env"),
            ("--path", "-p"),
        ]
        for (path, type) in Self.allCommands() where type.configuration.subcommands.isEmpty && !path.isEmpty {
            let help = type.helpMessage(columns: 400)
            for (long, short) in pairs where help.contains(long + " <") || help.contains(long + ",") {
                #expect(
                    help.contains(short + " <") || help.contains(short + ",") || help.contains(", " + short),
                    "`portal-migrate \(path.joined(separator: " ")) --help` has \(long) without pac's \(short)")
            }
        }
    }

    /// `migrate --help` offers --path: migrate takes a site folder as its source, as plan and verify do.
    @Test func migrateTakesTheSiteFolderItsHelpOffers() async throws {
        let home = try TestPaths.temporaryDirectory("pm-migrate-path")
        defer { try? FileManager.default.removeItem(at: home) }
        let site = home.appendingPathComponent("ejada")
        try FileManager.default.copyItem(at: TestPaths.pacFolder("ejada-starter-2022"), to: site)
        #expect(try await CLI.run(["env", "create", "t"], home: home).status == 0)
        let migrate = try await CLI.run(["migrate", "-p", site.path, "--to", "local:t", "--yes", "--unblock-extensions", "svg"], home: home)
        #expect(migrate.status == 0, "\(migrate.err)")
        #expect(migrate.out.contains("Verified: read back"), "\(migrate.out)")
    }

    @Test func shellWordSplitting() {
        #expect(Self.shellWords(#"a "b c" 'd e' f\ g"#) == ["a", "b c", "d e", "f g"])
        #expect(
            Self.shellCommands(in: "X=1 portal-migrate env list && portal-migrate list --json # all")
                == [["env", "list"], ["list", "--json"]])
        #expect(Self.shellCommands(in: "swift run portal-migrate quickstart --keep") == [["quickstart", "--keep"]])
        #expect(Self.shellCommands(in: "install .build/release/portal-migrate ~/.local/bin/").isEmpty)
        #expect(
            Self.shellCommands(in: "portal-migrate env serve t --port 0 & portal-migrate plan --to x [--yes]")
                == [["env", "serve", "t", "--port", "0"], ["plan", "--to", "x", "--yes"]])
    }
}

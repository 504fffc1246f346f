import Foundation
@testable import PortalMigrateCLI
import PortalModel
import Testing
import TestSupport

/// The pipeline examples (`examples/github-actions.yml`, `examples/azure-pipelines.yml`, issue 21 "Done
/// when": every command in them is run by a test). Each file's `portal-migrate …` commands are taken
/// from the file as written, their variables set to local values (the target: an embedded environment
/// served on 127.0.0.1 that requires a token, signed in to with client credentials as in the pipeline;
/// the site: a copy of a corpus folder), and run in order with the built binary. Every command must
/// parse with the real parser and succeed.
@Suite("Pipeline examples")
struct PipelineExamplesTests {
    /// The `portal-migrate` commands of a pipeline file, in order, each as its words after the program
    /// name (quotes removed, variables left as written). Comment lines are skipped.
    static func commands(in file: String) throws -> [[String]] {
        let text = try String(contentsOf: TestPaths.repositoryRoot.appendingPathComponent(file), encoding: .utf8)
        return text.components(separatedBy: "\n").flatMap { raw -> [[String]] in
            let line = raw.trimmingCharacters(in: .whitespaces)
            guard !line.hasPrefix("#"), line.contains("portal-migrate ") else { return [] }
            return ReadmeCommandsTests.shellCommands(in: line)
        }
    }

    /// `word` with `$NAME` / `${NAME}` replaced from `values`; an unknown variable is left as written.
    static func substitute(_ word: String, _ values: [String: String]) -> String {
        var out = word
        for (name, value) in values.sorted(by: { $0.key.count > $1.key.count }) {
            out = out.replacingOccurrences(of: "${\(name)}", with: value).replacingOccurrences(of: "$\(name)", with: value)
        }
        return out
    }

    @Test("the examples hold the whole gate: sign-in, check, plan --report, upload, diff --junit")
    func examplesHoldTheGate() throws {
        for file in ["examples/github-actions.yml", "examples/azure-pipelines.yml"] {
            let verbs = try Self.commands(in: file).map { $0.first ?? "" }
            #expect(verbs == ["auth", "check", "plan", "upload", "diff"], "\(file): \(verbs)")
            let all = try Self.commands(in: file).flatMap { $0 }
            for option in ["--fail-on", "--report", "--junit", "--clientSecretEnv"] { #expect(all.contains(option), "\(file) lacks \(option)") }
            // The secret is never on a command line: it comes from the environment.
            #expect(!all.contains("--clientSecret"), "\(file)")
        }
    }

    @Test(
        "every portal-migrate command of each example runs against a served embedded environment",
        arguments: [
            "examples/github-actions.yml", "examples/azure-pipelines.yml",
        ])
    func runEveryCommand(_ file: String) async throws {
        let s = try Scenario("pm-pipeline")
        defer { s.remove() }
        try await s.createEnvironment("target", blockedAttachments: "exe;bat")
        let server = try await s.serve("target", ["--require-token", "--client-credentials", "pipeline-app:pipeline-secret"])
        defer { Task { await server.terminate() } }
        let site = try s.copyCorpusFolder("ejada-starter-2022", as: "site")
        let artifacts = s.work.appendingPathComponent("portal-reports", isDirectory: true)
        try FileManager.default.createDirectory(at: artifacts, withIntermediateDirectories: true)
        let values = [
            "SITE_PATH": site.path, "ARTIFACTS": artifacts.path, "TARGET_URL": server.origin,
            "TENANT_ID": "11111111-2222-3333-4444-555555555555", "CLIENT_ID": "pipeline-app",
        ]
        let secret = ["PORTAL_CLIENT_SECRET": "pipeline-secret"]

        let commands = try Self.commands(in: file)
        #expect(commands.count == 5)
        for words in commands {
            let arguments = words.map { Self.substitute($0, values) }
            let shown = "portal-migrate " + arguments.joined(separator: " ")
            #expect(!arguments.contains { $0.contains("$") }, "\(file): a variable the test does not set: \(shown)")
            // Parsed in-process first: a usage error here is the example's fault, named with the parser's message.
            if case .failure(let message, let code) = CLI.parse(arguments), code != 0 {
                Issue.record("\(file): `\(shown)` does not parse (exit \(code)): \(message)")
                continue
            }
            let r = try await s.run(arguments, environment: secret)
            #expect(r.status == 0, "\(file): `\(shown)` exited \(r.status):\n\(r.out.suffix(2000))\n\(r.err.suffix(2000))")
            #expect(!r.out.contains("pipeline-secret") && !r.err.contains("pipeline-secret"), "the secret was printed")
        }
        // What the reviewer and the dashboard get.
        for artifact in ["plan.html", "drift.html", "drift.xml"] {
            #expect(FileManager.default.fileExists(atPath: artifacts.appendingPathComponent(artifact).path), "\(file): no \(artifact)")
        }
        let junit = (try? String(contentsOf: artifacts.appendingPathComponent("drift.xml"), encoding: .utf8)) ?? ""
        #expect(junit.contains("<testsuite") && !junit.contains("<failure"), "after the upload the folder and the target agree: \(junit.prefix(800))")
    }
}

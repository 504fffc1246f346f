import Foundation
import Testing
import TestSupport

/// Shell completion offers the values a user would otherwise look up (issue 24 item 8): built-in
/// templates, portal types and model versions in the generated script, and the embedded environments
/// and auth profile names (not created here: creating one signs in) of *this* machine when the shell asks the binary (`---completion`).
@Suite struct CompletionTests {
    @Test func scriptListsTemplatesPortalTypesAndModelVersions() async throws {
        for shell in ["bash", "zsh", "fish"] {
            let script = try await CLI.run(["--generate-completion-script", shell])
            #expect(script.status == 0, "\(script.err)")
            for value in ["starter", "customer-self-service", "community", "enhanced"] {
                #expect(script.out.contains(value), "\(shell) completion script lacks \(value)")
            }
        }
    }

    @Test func environmentNamesComeFromThisMachine() async throws {
        let home = try TestPaths.temporaryDirectory("pm-completion")
        defer { try? FileManager.default.removeItem(at: home) }
        for name in ["alpha", "beta"] { #expect(try await CLI.run(["env", "create", name], home: home).status == 0) }

        // What the generated bash script runs for `portal-migrate env delete <TAB>` and `list --environment <TAB>`.
        let names = try await CLI.run(
            [
                "---completion", "env", "delete", "--", "positional@0", "3", "0",
                "portal-migrate", "env", "delete", "",
            ], home: home)
        #expect(names.out.split(separator: "\n").map(String.init) == ["alpha", "beta"], "\(names.out)\(names.err)")
        let environments = try await CLI.run(
            [
                "---completion", "list", "--", "--environment", "3", "0",
                "portal-migrate", "list", "--environment", "",
            ], home: home)
        #expect(
            environments.out.split(separator: "\n").map(String.init) == ["local:alpha", "local:beta"],
            "\(environments.out)\(environments.err)")
    }
}

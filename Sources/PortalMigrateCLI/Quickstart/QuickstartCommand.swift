import ArgumentParser
import Foundation
import Environments
import Scenarios

/// `portal-migrate quickstart [--keep] [--over-http] [--template T] [--verbose]`: Microsoft's portal
/// migration procedure end to end on embedded environments in a temporary directory, printing every
/// command it runs, then a summary table. Exit code 0 only when every step was verified, else 1.
/// The procedure is `Scenarios.QuickstartProcedure`; this command maps its options and renders.
struct QuickstartCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quickstart",
        abstract: "Run Microsoft's portal migration procedure end to end on embedded environments, printing each command.",
        discussion: """
            Creates a source environment with a provisioned and edited portal, prepares targets as Microsoft documents \
            (provision the same template, delete the website record, delete the portal app), and transfers the portal three \
            ways: download + upload with a deployment profile, data schema + export + import, and migrate into a target that \
            was provisioned and not cleaned. Each transfer ends with verify.

            Everything happens in a temporary directory (PORTAL_MIGRATE_HOME points there for every command), deleted at \
            the end unless --keep. --over-http runs the same commands against `env serve` Web API servers on 127.0.0.1 and \
            prepares the targets with the site commands. Exit code 0 only when every step was verified.

            Example: portal-migrate quickstart --keep
            """)

    @Flag(name: .long, help: "Leave the environments, site folder, package and logs, and print where they are.")
    var keep = false

    @Flag(name: .customLong("over-http"), help: "Serve each environment over the Web API on 127.0.0.1 and run the transfers against the URLs.")
    var overHTTP = false

    @Option(help: "Template provisioned in every environment: starter or customer-self-service.")
    var template = "starter"

    @Flag(name: [.long, .customShort("v")], help: "Echo everything the commands print.")
    var verbose = false

    func validate() throws {
        try usageRule { try LocalProvisioning(template: template, existingWebsite: nil) }
    }

    func run() async throws {
        let procedure = try QuickstartProcedure(
            inNewDirectoryUnder: FileManager.default.temporaryDirectory, executable: try Workspace.currentExecutable(),
            template: template.lowercased(), overHTTP: overHTTP, verbose: verbose, say: { printOut($0) })
        for line in QuickstartSummary.intro(procedure.workspace, overHTTP: overHTTP) { printOut(line) }
        let outcome = await procedure.run(keep: keep)
        let command = Workspace.commandName(for: procedure.workspace.executable)
        for line in QuickstartSummary.closing(outcome, keep: keep, directory: procedure.workspace.work, command: command) { printOut(line) }
        guard outcome.allVerified else { throw ExitCode(1) }
    }
}

import ArgumentParser
import Foundation
import PortalModel

/// `portal-migrate env`: embedded environments kept under the data directory
/// (`$PORTAL_MIGRATE_HOME`, else `$XDG_DATA_HOME/portal-migrate`, else `~/.local/share/portal-migrate`;
/// files `environments/NAME.sqlite`). Other commands reach them with `--environment local:NAME`.
public struct EnvCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "env",
        abstract: "Create and manage embedded (local) Dataverse-compatible environments.",
        discussion: """
            Example:
              portal-migrate env create dev
              portal-migrate env provision dev --template starter
              portal-migrate list --environment local:dev
            """,
        subcommands: [
            EnvCreateCommand.self, EnvListCommand.self, EnvSettingsCommand.self, EnvProvisionCommand.self,
            EnvDeleteWebsiteCommand.self, EnvDeletePortalAppCommand.self, EnvResetCommand.self, EnvDeleteCommand.self,
            EnvServeCommand.self, EnvApproveDeviceCodeCommand.self,
        ])
    public init() {}
}

/// The `NAME` argument shared by env subcommands.
struct EnvName: ParsableArguments {
    @Argument(help: "The environment's name (letters, digits, '-', '_', '.').", completion: Completions.localEnvironmentNames)
    var name: String
}

/// `NAME --webSiteId ID`: one website of an embedded environment (`delete-website`, `delete-portal-app`, `reset`).
struct EnvWebsite: ParsableArguments {
    @OptionGroup var env: EnvName
    @Option(name: [.customLong("webSiteId"), .customLong("id", withSingleDash: true)], help: "The website id.") var webSiteId: String

    func validate() throws { _ = try id() }

    /// `--webSiteId` as a GUID. - Throws: `ValidationError` naming the value.
    func id() throws -> UUID {
        guard let id = UUID(dataverse: webSiteId) else { throw ValidationError("'\(webSiteId)' is not a GUID (--webSiteId)") }
        return id
    }
}

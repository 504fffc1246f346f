import ArgumentParser
import Foundation

/// `portal-migrate code-site …`: single-page-application sites ("code sites", pac's
/// `upload-code-site` / `download-code-site`; issue 23).
public struct CodeSiteCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "code-site",
        abstract: "Upload or download a code site (a single-page application: powerpages.config.json, .powerpages-site/, a build output).",
        discussion: """
            A code site is an enhanced-data-model site whose compiled single-page application is served as web files. \
            `upload` writes the project and its build output through the same plan, checks, journal and verify as \
            `upload`; `download` writes a site as a project folder (the current .powerpages-site layout).

            Example: portal-migrate code-site upload --rootPath ./car-sales --environment local:test --unblock-extensions js --yes
            """,
        subcommands: [CodeSiteUploadCommand.self, CodeSiteDownloadCommand.self])

    public init() {}
}

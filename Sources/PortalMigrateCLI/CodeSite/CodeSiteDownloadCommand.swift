import ArgumentParser
import CodeSite
import Foundation
import Migration
import PortalFolder
import PortalModel

/// `portal-migrate code-site download`: a code site as a project folder (`.powerpages-site/` in the current layout).
public struct CodeSiteDownloadCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "download",
        abstract: "Download a code site into ROOTPATH/.powerpages-site/ (the current layout).",
        discussion: """
            Writes the site's records as pac's download-code-site does since August 2025 (one file per record, \
            unprefixed keys, a folder per web file). Into a project that already has .powerpages-site/, records keep \
            their file names and the files of records gone from the site are removed; other files are left alone. \
            A download followed by `code-site upload` of the same build changes nothing.

            Example: portal-migrate code-site download --rootPath ./car-sales --webSiteId 6f0c… --environment local:dev
            """)

    @OptionGroup var global: GlobalOptions
    @Option(
        name: [.customLong("rootPath"), .customLong("rp", withSingleDash: true), .customLong("path"), .customShort("p")],
        help: "The project folder to write .powerpages-site/ into.")
    var rootPath: String
    @Option(name: [.customLong("webSiteId"), .customLong("id", withSingleDash: true)], help: "The site's id (powerpagesite).")
    var webSiteId: String

    public init() {}

    public func run() async throws {
        try await MigrationCommandSupport.run(json: global.json) {
            let websiteID = try WebsiteIDOption.required(webSiteId, option: "--webSiteId")
            let environment = try MigrationCommandSupport.service(global.environment, verbose: global.verbose)
            let result = try await CodeSiteDownload.download(
                websiteID: websiteID, from: environment, environmentName: global.environment ?? "the environment",
                into: URL(fileURLWithPath: rootPath), environmentHost: PortalFolder.manifestHost(environment: global.environment ?? "default"))
            try Self.render(result, json: global.json)
        }
    }

    /// What was written (`CodeSiteDownload.Result.summaryLines`), the records left out, and the
    /// `--json` object (`CodeSiteDownload.Result.jsonText`).
    static func render(_ result: CodeSiteDownload.Result, json: Bool) throws {
        for line in result.summaryLines { printHuman(line, json: json) }
        if !result.site.skipped.isEmpty { printErr("Not in the code-site folder format (left out): \(result.site.skipped.count) record(s)") }
        if json { printOut(try result.jsonText()) }
    }
}

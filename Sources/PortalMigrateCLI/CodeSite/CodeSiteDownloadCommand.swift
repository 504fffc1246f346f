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

    /// What was written: the site's files, server logic and source files, and the `--json` object
    /// `{"folder", "records", "written", "unchanged", "removed", "skipped", "sourceFiles": {"rows", "written", "removed"}}`.
    static func render(_ result: CodeSiteDownload.Result, json: Bool) throws {
        let summary = result.site, logic = result.serverLogic, sources = result.sourceFiles
        MigrationCommandSupport.say(
            "Downloaded \(result.records) record(s) into \(summary.siteFolder.path): \(summary.written.count) file(s) "
                + "written, \(summary.unchanged) unchanged, \(summary.removed.count) removed.", json: json)
        for f in summary.removed { MigrationCommandSupport.say("  removed \(f) (its record is gone from the site)", json: json) }
        if !logic.written.isEmpty || logic.unchanged > 0 {
            MigrationCommandSupport.say(
                "Server logic: \(logic.written.count) file(s) written, \(logic.unchanged) unchanged", json: json)
        }
        if sources.rows > 0 || !sources.removed.isEmpty {
            MigrationCommandSupport.say(
                "Source files: \(sources.rows) (\(sources.written.count) file(s) written, \(sources.unchanged) unchanged, "
                    + "\(sources.removed.count) removed)", json: json)
            for f in sources.removed { MigrationCommandSupport.say("  removed \(f) (its row is gone from the site)", json: json) }
            for p in sources.withoutContent {
                MigrationCommandSupport.say("  \(p): the site keeps no bytes for it; only its source-files/ entry is written", json: json)
            }
        }
        if !summary.skipped.isEmpty { printErr("Not in the code-site folder format (left out): \(summary.skipped.count) record(s)") }
        if json {
            let obj: [String: Any] = [
                "folder": summary.siteFolder.path, "records": result.records, "written": summary.written,
                "unchanged": summary.unchanged, "removed": summary.removed, "skipped": summary.skipped,
                "sourceFiles": ["rows": sources.rows, "written": sources.written, "removed": sources.removed] as [String: Any],
            ]
            printOut(String(decoding: try JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys]), as: UTF8.self))
        }
    }
}

import ArgumentParser
import FileFormats
import Foundation
import Migration
import PortalFolder
import PortalModel

/// `portal-migrate download`: writes one website as a pac site folder (`pac paportal download`'s flags).
public struct DownloadCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "download",
        abstract: "Download a website into a pac-compatible site folder.",
        discussion: """
            Writes PATH/<site-folder>/ exactly as `pac paportal download` does (YAML, content files, web files, \
            .portalconfig manifests).

            Without --overwrite a folder with content is refused; with it, records keep their existing file names \
            and files of deleted records are removed (and listed in manifest.yml).

            Example: portal-migrate download --path ./site --webSiteId 6f0c… --environment local:dev
            """)

    @OptionGroup var global: GlobalOptions
    @Option(name: [.customLong("path"), .customShort("p")], help: "The folder to download into.")
    var path: String
    @Option(name: [.customLong("webSiteId"), .customLong("id", withSingleDash: true)], help: "The website's id.")
    var webSiteId: String
    @Flag(name: [.customLong("overwrite"), .customShort("o")], help: "Write into a site folder that already has content.")
    var overwrite = false
    @Option(
        name: [.customLong("includeEntities"), .customLong("ie", withSingleDash: true)], help: "Only these tables (comma-separated logical names).")
    var includeEntities: String?
    @Option(
        name: [.customLong("excludeEntities"), .customLong("xe", withSingleDash: true)],
        help: "Leave out these tables (comma-separated logical names).")
    var excludeEntities: String?
    @Flag(
        name: .customLong("mask-profile-values"),
        help:
            "With --overwrite: keep the folder's own value for every column a deployment profile of the folder sets, instead of the environment's (often a secret the profile put there)."
    )
    var maskProfileValues = false
    @OptionGroup var modelVersion: ModelVersionOptions

    public init() {}

    static func names(_ list: String?) -> Set<String>? {
        list.map { Set($0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { !$0.isEmpty }) }
    }

    /// `--includeEntities` / `--excludeEntities` as logical names (`nil`: every table).
    /// - Throws: `UserFacingError` naming the tables the catalog does not know, and the option.
    func tableFilter() throws -> (include: Set<String>?, exclude: Set<String>) {
        for (option, list) in [("--includeEntities", includeEntities), ("--excludeEntities", excludeEntities)] {
            let unknown = TableCatalog.standard.unknownTables(Self.names(list) ?? [])
            if !unknown.isEmpty { throw UserFacingError(TableCatalog.standard.unknownTablesMessage(unknown, option: option)) }
        }
        return (Self.names(includeEntities), Self.names(excludeEntities) ?? [])
    }

    public func run() async throws {
        try await MigrationCommandSupport.run(json: global.json) {
            var download = FolderDownload(websiteID: try WebsiteIDOption.required(webSiteId, option: "--webSiteId"), into: URL(fileURLWithPath: path))
            (download.includeTables, download.excludeTables) = try tableFilter()
            download.overwrite = overwrite
            download.maskProfileValues = maskProfileValues
            download.model = try modelVersion.model()
            download.environmentName = global.environment
            try Self.refuse(download.pathRefusal)
            let environment = try MigrationCommandSupport.service(global.environment, verbose: global.verbose)
            let pending: PendingDownload
            switch try await download.read(from: environment) {
            case .refused(let refusal): return try Self.refuse(refusal)
            case .ready(let ready): pending = ready
            }
            Self.render(pending, verbose: global.verbose)
            let (folder, summary) = try pending.write()
            try Self.render(folder: folder, summary: summary, records: pending.snapshot.recordCount, json: global.json)
        }
    }

    /// Throws `refusal` (`DownloadDestination`) as the user sees it: exit 64 for a mistaken `--path`, else 2.
    static func refuse(_ refusal: DownloadDestination.Refusal?) throws {
        guard let refusal else { return }
        throw UserFacingError(refusal.message, exitCode: refusal.isUsage ? PortalMigrateExit.usage : PortalMigrateExit.checkFailed)
    }

    /// What the download is about to write, on stderr: per-table counts under -v only (pac prints one line
    /// per table, most of them zero; the summary says how many records and files, issue 24 item 4), and
    /// each column a deployment profile sets that the download writes or kept (table, record, column,
    /// profile files; never the value).
    static func render(_ pending: PendingDownload, verbose: Bool) {
        if verbose {
            for (table, records) in pending.tableCounts { printErr("Downloaded \(records) record(s) for table: \(table)") }
        }
        let exposure = pending.exposure, exposed = exposure.exposed
        guard !exposed.isEmpty else { return }
        if exposure.masked {
            printErr("Kept the folder's value of \(exposed.count) column(s) a deployment profile sets (--mask-profile-values):")
        } else {
            printErr(
                "warning: \(exposed.count) column(s) a deployment profile of this folder sets are written with the environment's value, in clear text:"
            )
        }
        for key in exposed {
            printErr("  \(Diagnostic.record(key.table, key.id, column: key.column)) (\((exposure.profileFiles[key] ?? []).joined(separator: ", ")))")
        }
        if !exposure.masked { printErr("  if these are secrets, run again with --mask-profile-values to keep the folder's values for them") }
    }

    /// The download's summary: counts, files removed and kept, and the `--json` object
    /// `{"folder", "records", "written", "unchanged", "removed", "kept", "skipped"}`.
    static func render(folder: URL, summary: FolderWriteSummary, records: Int, json: Bool) throws {
        let text =
            "Downloaded \(records) record(s) into \(folder.path): \(summary.written.count) file(s) written, \(summary.unchanged) unchanged, \(summary.removed.count) removed."
        printHuman(text, json: json)
        if !summary.skipped.isEmpty { printErr("Not in pac's folder format (left out): \(summary.skipped.count) record(s)") }
        for file in summary.removed { printHuman("  removed \(file) (its record is gone from the environment)", json: json) }
        for file in summary.kept {
            printHuman("  kept \(file) (its record is not in the environment and no earlier download from it listed it)", json: json)
        }
        guard json else { return }
        let obj: [String: Any] = [
            "folder": folder.path, "records": records, "written": summary.written.count,
            "unchanged": summary.unchanged, "removed": summary.removed, "kept": summary.kept, "skipped": summary.skipped,
        ]
        let data = try JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys])
        printOut(String(decoding: data, as: UTF8.self))
    }
}

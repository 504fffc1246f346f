import ArgumentParser
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
    @Option(name: [.customLong("includeEntities"), .customLong("ie", withSingleDash: true)], help: "Only these tables (comma-separated logical names).")
    var includeEntities: String?
    @Option(name: [.customLong("excludeEntities"), .customLong("xe", withSingleDash: true)], help: "Leave out these tables (comma-separated logical names).")
    var excludeEntities: String?
    @Option(name: [.customLong("modelVersion"), .customLong("mv", withSingleDash: true)], help: ArgumentHelp(ModelVersionOption.help))
    var modelVersion: String?

    public init() {}

    static func names(_ list: String?) -> Set<String>? {
        list.map { Set($0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { !$0.isEmpty }) }
    }

    public func run() async throws {
        try await MigrationCommandSupport.run(json: global.json) {
            let websiteID = try WebsiteIDOption.required(webSiteId, option: "--webSiteId")
            for (option, list) in [("--includeEntities", includeEntities), ("--excludeEntities", excludeEntities)] {
                let unknown = TableCatalog.standard.unknownTables(Self.names(list) ?? [])
                if !unknown.isEmpty { throw UserFacingError(TableCatalog.standard.unknownTablesMessage(unknown, option: option)) }
            }
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
                throw UserFacingError("--path \(path) is a file; give the folder to download the site into", exitCode: PortalMigrateExit.usage)
            }
            let environment = try MigrationCommandSupport.service(global.environment, verbose: global.verbose)
            let model = try await DataModelPolicy.siteModel(websiteID, in: environment, requested: try ModelVersionOption.parse(modelVersion),
                                                            environment: global.environment ?? "the environment")
            let service = DataModelPolicy.service(environment, model: model)
            // pac writes a few system columns too (importsequencenumber, timezoneruleversionnumber, …).
            var reader = SnapshotReader(service: service)
            reader.keptSystemColumns = PacFolderFormat.downloadedSystemColumns
            reader.keptSystemColumnsByTable = PacFolderFormat.downloadedSystemColumnsByTable
            var snapshot = try await reader.read(websiteID: websiteID)
            snapshot.websiteID = websiteID
            guard snapshot.record("adx_website", websiteID) != nil else {
                throw UserFacingError("website \(websiteID.dataverseString) was not found in the environment")
            }
            // File names keep their language code even when the website languages are filtered out.
            let languageCodes = PortalFolder.languageCodes(snapshot)
            snapshot = PortalFolder.filtered(snapshot, include: Self.names(includeEntities), exclude: Self.names(excludeEntities) ?? [])
            if !global.json || global.verbose {
                for table in snapshot.tableNames { printErr("Downloaded \(snapshot.records[table]?.count ?? 0) record(s) for table: \(table)") }
            }
            let host = PortalFolder.manifestHost(environment: global.environment ?? "default")
            let (folder, summary) = try FolderCommandSupport.folderErrors {
                try FolderDownload.write(snapshot, model: model, into: URL(fileURLWithPath: path), overwrite: overwrite, environmentHost: host,
                                               languageCodes: languageCodes)
            }
            let text = "Downloaded \(snapshot.recordCount) record(s) into \(folder.path): \(summary.written.count) file(s) written, \(summary.unchanged) unchanged, \(summary.removed.count) removed."
            MigrationCommandSupport.say(text, json: global.json)
            if !summary.skipped.isEmpty { printErr("Not in pac's folder format (left out): \(summary.skipped.count) record(s)") }
            for file in summary.removed { MigrationCommandSupport.say("  removed \(file) (its record is gone from the environment)", json: global.json) }
            for file in summary.kept { MigrationCommandSupport.say("  kept \(file) (its record is not in the environment and no earlier download from it listed it)", json: global.json) }
            if global.json {
                let obj: [String: Any] = ["folder": folder.path, "records": snapshot.recordCount, "written": summary.written.count,
                                          "unchanged": summary.unchanged, "removed": summary.removed, "kept": summary.kept, "skipped": summary.skipped]
                let data = try JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys])
                printOut(String(decoding: data, as: UTF8.self))
            }
        }
    }
}

/// Shared by the folder commands.
enum FolderCommandSupport {
    static func requireStandardModel(_ version: String) throws {
        guard ["1", "standard"].contains(version.lowercased()) else {
            throw UserFacingError("--modelVersion \(version): enhanced data model (v2) folders are not supported yet", exitCode: PortalMigrateExit.usage)
        }
    }

    /// Maps `PortalFolderError` to a user-facing error (exit code 2, nothing written), carrying the
    /// file and line it names into the `--json` error object.
    static func folderErrors<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as PortalFolderError {
            throw UserFacingError(e.description, file: e.file, line: e.line)
        }
    }
}

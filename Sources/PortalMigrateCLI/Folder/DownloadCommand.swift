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
    @Option(
        name: [.customLong("modelVersion"), .customLong("mv", withSingleDash: true)], help: ArgumentHelp(ModelVersionOption.help),
        completion: Completions.modelVersions)
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
            try Self.refuseSiteFolder(URL(fileURLWithPath: path))
            let environment = try MigrationCommandSupport.service(global.environment, verbose: global.verbose)
            if !overwrite { try await Self.refuseFilledFolder(parent: URL(fileURLWithPath: path), websiteID: websiteID, in: environment) }
            let site = try await MigrationUseCases.readWebsite(
                environment, name: global.environment ?? "the environment", websiteID: websiteID,
                model: try ModelVersionOption.parse(modelVersion),
                keptSystemColumns: PacFolderFormat.downloadedSystemColumns,
                keptSystemColumnsByTable: PacFolderFormat.downloadedSystemColumnsByTable)
            var snapshot = site.snapshot
            // File names keep their language code even when the website languages are filtered out.
            let languageCodes = PortalFolder.languageCodes(snapshot)
            snapshot = PortalFolder.filtered(snapshot, include: Self.names(includeEntities), exclude: Self.names(excludeEntities) ?? [])
            // Per-table counts under -v only (pac prints one line per table, most of them zero); the summary
            // below says how many records and files (issue 24 item 4).
            if global.verbose {
                for table in snapshot.tableNames { printErr("Downloaded \(snapshot.records[table]?.count ?? 0) record(s) for table: \(table)") }
            }
            if overwrite { try Self.guardProfileValues(&snapshot, model: site.model, parent: URL(fileURLWithPath: path), mask: maskProfileValues) }
            let host = PortalFolder.manifestHost(environment: global.environment ?? "default")
            let (folder, summary) = try FolderDownload.write(
                snapshot, model: site.model, into: URL(fileURLWithPath: path), overwrite: overwrite,
                environmentHost: host, languageCodes: languageCodes)
            try Self.render(folder: folder, summary: summary, records: snapshot.recordCount, json: global.json)
        }
    }

    /// Values a deployment profile of the existing site folder sets (issue 24 item 5): downloaded from an
    /// environment the profile was applied to, they are the profile's values (secrets, often) and would
    /// land in the folder in clear text. Names each one on stderr (table, record, column, profile file;
    /// never the value) and, with `mask`, keeps the folder's value instead (`ProfileValues.mask`).
    /// - Throws: `UserFacingError` for a profile file that cannot be read.
    static func guardProfileValues(_ snapshot: inout PortalSnapshot, model: DataModel, parent: URL, mask: Bool) throws {
        guard let name = try? PortalFolder.siteFolderName(snapshot) else { return }
        let folder = parent.appendingPathComponent(name, isDirectory: true)
        let profiles = try ProfileValues.read(siteFolder: folder)
        guard !profiles.keys.isEmpty else { return }
        let existing = try? PortalFolder().read(folder, model: model).content.snapshot
        let exposed = profiles.exposed(in: snapshot, existing: existing)
        guard !exposed.isEmpty else { return }
        if mask {
            ProfileValues.mask(exposed, in: &snapshot, existing: existing)
            printErr("Kept the folder's value of \(exposed.count) column(s) a deployment profile sets (--mask-profile-values):")
        } else {
            printErr(
                "warning: \(exposed.count) column(s) a deployment profile of this folder sets are written with the environment's value, in clear text:"
            )
        }
        for key in exposed {
            printErr("  \(Diagnostic.record(key.table, key.id, column: key.column)) (\((profiles.keys[key] ?? []).joined(separator: ", ")))")
        }
        if !mask { printErr("  if these are secrets, run again with --mask-profile-values to keep the folder's values for them") }
    }

    /// Refuses a `--path` that is itself a downloaded site folder (it holds `website.yml`): `download`
    /// writes `PATH/<site-folder>/`, so the new copy would land silently inside the old one (issue 19,
    /// newcomer trial). Names the parent folder to give instead.
    /// - Throws: `UserFacingError` (usage, exit 64) before anything is read or written.
    static func refuseSiteFolder(_ folder: URL) throws {
        guard PortalFolder.isSiteFolder(folder) else { return }
        let parent = folder.standardizedFileURL.deletingLastPathComponent().path
        throw UserFacingError(
            "--path \(folder.path) is a site folder already (it holds website.yml); download writes the site into a folder "
                + "named after the website inside --path, so it would nest a second copy there. To update this folder, give its "
                + "parent: --path \(parent) --overwrite; nothing was read or written", exitCode: PortalMigrateExit.usage)
    }

    /// Refuses, before any table is read (issue 24 item 5), to download into a site folder that already has
    /// content: the folder's name comes from the website's name (`PortalFolder.siteFolderName`), read alone
    /// from `adx_website` or, for an enhanced-model site, `powerpagesite`. A website found in neither is
    /// left to the full read, which names it as missing.
    /// - Throws: `UserFacingError` (exit 2) naming the folder and `--overwrite`.
    static func refuseFilledFolder(parent: URL, websiteID: UUID, in environment: any DataverseService) async throws {
        var name: String?
        for (table, column, nameColumn) in [("adx_website", "adx_websiteid", "adx_name"), ("powerpagesite", "powerpagesiteid", "name")] {
            guard let rows = try? await environment.retrieveAll(RecordQuery(table, columns: [nameColumn], filter: .equal(column, .guid(websiteID)))),
                let row = rows.first
            else { continue }
            name = row.columns[nameColumn]?.text ?? websiteID.dataverseString
            break
        }
        guard let name else { return }
        let website = EntityRecord("adx_website", id: websiteID, columns: ["adx_name": .string(name)])
        let folderName = try PortalFolder.siteFolderName(PortalSnapshot(records: ["adx_website": [website]], websiteID: websiteID))
        let folder = parent.appendingPathComponent(folderName, isDirectory: true)
        if let contents = try? FileManager.default.contentsOfDirectory(atPath: folder.path), !contents.isEmpty {
            throw UserFacingError(PortalFolderError.folderNotEmpty(path: folder.path).description + "; nothing was read or written")
        }
    }

    /// The download's summary: counts, files removed and kept, and the `--json` object
    /// `{"folder", "records", "written", "unchanged", "removed", "kept", "skipped"}`.
    static func render(folder: URL, summary: FolderWriteSummary, records: Int, json: Bool) throws {
        let text =
            "Downloaded \(records) record(s) into \(folder.path): \(summary.written.count) file(s) written, \(summary.unchanged) unchanged, \(summary.removed.count) removed."
        MigrationCommandSupport.say(text, json: json)
        if !summary.skipped.isEmpty { printErr("Not in pac's folder format (left out): \(summary.skipped.count) record(s)") }
        for file in summary.removed { MigrationCommandSupport.say("  removed \(file) (its record is gone from the environment)", json: json) }
        for file in summary.kept {
            MigrationCommandSupport.say("  kept \(file) (its record is not in the environment and no earlier download from it listed it)", json: json)
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

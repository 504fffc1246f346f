import Foundation
import PortalModel

extension PortalFolder {
    /// The site folder name pac makes for a website: its `adx_name` sanitised and lower-cased
    /// (`Customer Self Service - Comet` → `customer-self-service---comet`, research/pac-portal-format.md §1.1).
    /// - Throws: `PortalFolderError.noWebsite` when the snapshot has no website record.
    public static func siteFolderName(_ snapshot: PortalSnapshot) throws -> String {
        let sites = snapshot.records["adx_website"] ?? []
        guard let site = sites.first(where: { $0.id == snapshot.websiteID }) ?? sites.first else { throw PortalFolderError.noWebsite }
        let name = site.columns["adx_name"]?.text ?? site.id.dataverseString
        return PacNames.folder(PacNames.fitted(PacNames.sanitize(name), id: site.id, longestAddition: 0))
    }

    /// The snapshot restricted like pac's `--includeEntities` / `--excludeEntities` (comma-separated
    /// logical names, research/pac-portal-format.md §6): with `include`, only those tables (plus the
    /// website, which names the folder); then without the `exclude` tables. Web-file notes
    /// (`annotation`) follow `adx_webfile` unless named themselves. N:N links are kept when both
    /// their tables are.
    public static func filtered(_ snapshot: PortalSnapshot, include: Set<String>?, exclude: Set<String>) -> PortalSnapshot {
        func keep(_ table: String) -> Bool {
            let t =
                table == "annotation" && !(include?.contains("annotation") ?? false) && !exclude.contains("annotation")
                ? "adx_webfile" : table
            if t == "adx_website" { return true }
            if let inc = include, !inc.contains(t) { return false }
            return !exclude.contains(t)
        }
        var out = PortalSnapshot(websiteID: snapshot.websiteID)
        for (table, records) in snapshot.records where keep(table) { out.records[table] = records }
        for (name, links) in snapshot.links {
            let kept = links.filter { keep($0.first.logicalName) && keep($0.second.logicalName) }
            if !kept.isEmpty { out.links[name] = kept }
        }
        for (key, body) in snapshot.bodies where keep(key.logicalName) { out.bodies[key] = body }
        return out
    }

    /// Writes a downloaded snapshot as `parent/<site-folder>/`, as `pac paportal download` does.
    ///
    /// Without `overwrite` a site folder that already has content is refused. With it, records keep
    /// the file names they have there, files of records no longer present are removed, files that
    /// are not pac's are left alone. When `environmentHost` is given the environment manifest is
    /// written and records gone since the last download are added to `manifest.yml` as deleted.
    /// - Returns: the site folder and what was written.
    /// - Throws: `PortalFolderError.folderNotEmpty`, `.noWebsite`, and what `write` throws.
    /// - Parameter languageCodes: `FolderWriteOptions.languageCodes`, for a snapshot `filtered` without
    ///   its website languages (`PortalFolder.languageCodes` of the unfiltered snapshot).
    public func download(
        _ snapshot: PortalSnapshot, into parent: URL, overwrite: Bool,
        environmentHost: String?, languageCodes: [UUID: String] = [:]
    ) throws -> (folder: URL, summary: FolderWriteSummary) {
        let name = try Self.siteFolderName(snapshot)
        let folder = parent.appendingPathComponent(name, isDirectory: true)
        // The site folder is below the destination the user named: it must be a real folder, not a link.
        do { try SafeFileWriter.check(name + "/website.yml", under: parent) } catch let e as SafeWriteError {
            throw PortalFolderError.refusedWrites([e])
        }
        let contents = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        if !contents.isEmpty && !overwrite { throw PortalFolderError.folderNotEmpty(path: folder.path) }
        var options = FolderWriteOptions(generation: contents.isEmpty ? .new : nil, environmentHost: environmentHost)
        options.languageCodes = languageCodes
        let summary = try write(snapshot, to: folder, options: options)
        return (folder, summary)
    }

    /// The `<env-host>` of `.portalconfig/<env-host>-manifest.yml` for an environment given as a URL
    /// (its host, `org.crm4.dynamics.com`; `127.0.0.1-5555` with a port), `local:NAME` (`local-NAME`)
    /// or an auth profile name (sanitised).
    public static func manifestHost(environment spec: String) -> String {
        if let url = URL(string: spec), let host = url.host, url.scheme != nil {
            return url.port.map { "\(host)-\($0)" } ?? host
        }
        return PacNames.sanitize(spec.replacingOccurrences(of: ":", with: "-")).lowercased()
    }
}

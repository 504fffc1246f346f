import Foundation
import PortalModel

extension MigrationUseCases {
    /// `download`: reads website `websiteID` of an environment in its data model (`DataModelPolicy.siteModel`,
    /// through the enhanced view for a `powerpagesite`), for an adapter to write in its format.
    ///
    /// - Parameters:
    ///   - name: the environment as the user named it (in messages).
    ///   - model: `--modelVersion`; `nil` detects.
    ///   - keptSystemColumns, keptSystemColumnsByTable: system columns the format writes too (pac writes
    ///     `importsequencenumber`, `timezoneruleversionnumber`, …: `PacFolderFormat.downloadedSystemColumns`).
    /// - Returns: the snapshot (its `websiteID` set) and the site's model.
    /// - Throws: `MigrationError.invalid` when the website is not in the environment;
    ///   `DataModelMismatchError` when `model` differs from the site's; `DataverseError` from the environment.
    public static func readWebsite(
        _ service: any DataverseService, name: String, websiteID: UUID, model requested: DataModel?,
        keptSystemColumns: Set<String> = [], keptSystemColumnsByTable: [String: Set<String>] = [:],
        catalog: TableCatalog = .standard
    ) async throws -> SourceRead {
        let model = try await DataModelPolicy.siteModel(websiteID, in: service, requested: requested, environment: name)
        var reader = SnapshotReader(service: DataModelPolicy.service(service, model: model), catalog: catalog)
        reader.keptSystemColumns = keptSystemColumns
        reader.keptSystemColumnsByTable = keptSystemColumnsByTable
        var snapshot = try await reader.read(websiteID: websiteID)
        snapshot.websiteID = websiteID
        guard snapshot.record("adx_website", websiteID) != nil else {
            throw MigrationError.invalid("website \(websiteID.dataverseString) was not found in the environment")
        }
        return SourceRead(snapshot: snapshot, model: model, meaning: SourceMeaning())
    }
}

extension MigrationUseCases {
    /// The name of website `websiteID` of an environment, read alone (its `adx_name` in `adx_website`,
    /// else its `name` in `powerpagesite`; the id when it has none), so that `download` can refuse a
    /// filled site folder before any table is read (`DownloadDestination`). `nil` when the website is in
    /// neither table, or a table cannot be read: the full read names what is wrong.
    public static func websiteName(_ websiteID: UUID, in service: any DataverseService) async -> String? {
        for (table, column, nameColumn) in [("adx_website", "adx_websiteid", "adx_name"), ("powerpagesite", "powerpagesiteid", "name")] {
            let query = RecordQuery(table, columns: [nameColumn], filter: .equal(column, .guid(websiteID)))
            guard let rows = try? await service.retrieveAll(query), let row = rows.first else { continue }
            return row.columns[nameColumn]?.text ?? websiteID.dataverseString
        }
        return nil
    }

    /// What `download --overwrite` does with the columns a deployment profile of the site folder sets
    /// (issue 24 item 5): downloaded from an environment the profile was applied to, they hold the
    /// profile's values (secrets, often) and would land in the folder in clear text.
    public struct ProfileExposure: Sendable, Equatable {
        /// The profile-set columns whose downloaded value differs from the folder's (`ProfileValues.exposed`), sorted.
        public var exposed: [ProfileValues.Key] = []
        /// The profile files (names) that set each column.
        public var profileFiles: [ProfileValues.Key: [String]] = [:]
        /// True when the folder's values were kept for them (`mask`).
        public var masked = false

        /// Nothing exposed by default (a download into a new folder, or a folder without deployment profiles).
        public init(exposed: [ProfileValues.Key] = [], profileFiles: [ProfileValues.Key: [String]] = [:], masked: Bool = false) {
            self.exposed = exposed
            self.profileFiles = profileFiles
            self.masked = masked
        }
    }

    /// Finds the columns of `snapshot` a deployment profile of `siteFolder` sets and the download would
    /// change, and with `mask` keeps the folder's value for each (`ProfileValues.mask`; empty when the
    /// folder has none). Values are never returned, only where they are.
    /// - Parameter existing: reads the folder's own records (called only when a profile sets a column).
    /// - Throws: `MigrationError.deploymentProfile` naming a profile file that cannot be read.
    public static func profileExposure(
        _ snapshot: inout PortalSnapshot, siteFolder: URL, mask: Bool, existing: () -> PortalSnapshot?
    ) throws -> ProfileExposure {
        let profiles = try ProfileValues.read(siteFolder: siteFolder)
        guard !profiles.keys.isEmpty else { return ProfileExposure() }
        let folder = existing()
        let exposed = profiles.exposed(in: snapshot, existing: folder)
        guard !exposed.isEmpty else { return ProfileExposure() }
        if mask { ProfileValues.mask(exposed, in: &snapshot, existing: folder) }
        return ProfileExposure(exposed: exposed, profileFiles: profiles.keys.filter { exposed.contains($0.key) }, masked: mask)
    }
}

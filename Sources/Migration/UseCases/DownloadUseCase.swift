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

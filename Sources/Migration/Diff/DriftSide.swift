import Foundation
import PortalModel

/// One side of a drift comparison (`portal-migrate diff`): a website read from an environment, a pac
/// folder or a Configuration Migration Tool package, already converted to a `PortalSnapshot`.
///
/// - `label`: how the side is named in output (`local:dev`, `folder ./site`, `package data.zip`).
/// - `snapshot`: the side's records, N:N links and file bodies (adx_* shape for both data models:
///   an enhanced site is read through `EnhancedModelService` or `PortalFolder.readEnhanced`).
/// - `carried`: what the side's format can say about columns (`CarriedColumns`): `.environment` for an
///   environment, `PacFolderFormat.carriedColumns()` for a pac folder, the schema's fields for a package.
/// - `model`: the side's data model (standard or enhanced), shown in the report.
public struct DriftSide: Sendable {
    public var label: String
    public var snapshot: PortalSnapshot
    public var carried: CarriedColumns
    public var model: DataModel

    public init(label: String, snapshot: PortalSnapshot, carried: CarriedColumns = .environment, model: DataModel = .standard) {
        self.label = label
        self.snapshot = snapshot
        self.carried = carried
        self.model = model
    }

    /// The website id of the side: the snapshot's, else the first record of a website table; `nil` for a
    /// package of tables without a website.
    public var websiteID: UUID? {
        snapshot.websiteID ?? PortalTables.websiteTables.sorted().compactMap { snapshot.records[$0]?.first?.id }.first
    }
}

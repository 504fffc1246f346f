import Foundation

extension PacFolderFormat {
    /// System columns a pac download writes into every table's YAML when set: `importsequencenumber`
    /// and `timezoneruleversionnumber` (research/pac-portal-format.md §2 "Columns that are written").
    /// A reader of the environment keeps them so a download writes what pac writes.
    public static let downloadedSystemColumns: Set<String> = ["importsequencenumber", "timezoneruleversionnumber"]

    /// System columns a pac download writes for one table only: `versionnumber` on `adx_botconsumer` rows
    /// (research/pac-portal-format.md §2; corpus comet-selfservice-2023 and medical-webfiles-2023). The value
    /// is the environment's row version, which no upload can set.
    public static let downloadedSystemColumnsByTable: [String: Set<String>] = ["adx_botconsumer": ["versionnumber"]]
}

import Foundation

extension ColumnDefinition {
    /// The single-valued navigation property to use in `<name>@odata.bind` when this lookup points
    /// at a record of `target`.
    ///
    /// - Single-target lookups and owners: `navigationProperty` (case-sensitive, for example
    ///   `adx_WebsiteId` on `adx_websitelanguage`; research/dataverse-webapi.md §1.3).
    /// - Polymorphic lookups (several targets, such as `annotation.objectid`): `<column>_<target>`,
    ///   for example `objectid_adx_webfile` (research/dataverse-webapi.md §9.1 [V S17]).
    /// - Returns `nil` for non-lookups and for a target the column cannot point to.
    public func navigationProperty(forTarget target: String) -> String? {
        guard isLookup, targets.contains(target) else { return nil }
        if type == .owner || targets.count == 1 { return navigationProperty ?? logicalName }
        return "\(logicalName)_\(target)"
    }
}

extension TableDefinition {
    /// The lookup column and target table a single-valued navigation property name stands for, as
    /// used in `<name>@odata.bind` (the inverse of `ColumnDefinition.navigationProperty(forTarget:)`).
    ///
    /// - `adx_WebsiteId` on `adx_websitelanguage` → (`adx_websiteid`, `adx_website`).
    /// - `objectid_adx_webfile` on `annotation` → (`objectid`, `adx_webfile`) (polymorphic lookups,
    ///   research/dataverse-webapi.md §9.1).
    /// - `ownerid` → (`ownerid`, `nil`): an owner's target comes from the bound URL's entity set.
    /// - Returns `nil` when no lookup of this table has that navigation property. Case-sensitive, as
    ///   Dataverse is (research/dataverse-webapi.md §1.3).
    public func lookup(navigationProperty name: String) -> (column: ColumnDefinition, target: String?)? {
        for column in lookups {
            if column.targets.count > 1 && column.type != .owner {
                for target in column.targets where "\(column.logicalName)_\(target)" == name { return (column, target) }
            } else if (column.navigationProperty ?? column.logicalName) == name {
                return (column, column.type == .owner ? nil : column.targets.first)
            }
        }
        return nil
    }
}

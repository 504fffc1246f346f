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

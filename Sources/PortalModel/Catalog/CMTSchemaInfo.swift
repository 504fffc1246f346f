import Foundation

/// What a Configuration Migration Tool schema `<entity>` element carries beyond the table's names and
/// columns, as Microsoft's six portal schema files have it (corpus/cmt/schemas/microsoft,
/// research/cmt-format.md §1, §5 and appendix). Lets the CMT module regenerate each portal type's schema.
///
/// - `objectTypeCode`: the `etc` attribute (for example 10017 for `adx_webpage`).
/// - `disablePlugins`: the `disableplugins="true"` attribute.
/// - `skipUpdate`: the `skipupdate="true"` attribute (none of Microsoft's portal files set it).
/// - `importOrder`: the 0-based position of the `<entity>` element in each portal type's file; a
///   portal type whose file lacks the table has no entry. Microsoft's portal files have no
///   `<entityImportOrder>` element, so CMT imports in this schema order (research/cmt-format.md §5;
///   §4 for the import algorithm).
/// - `fieldOrder`: the order of `<field>` elements in a portal type's file, only where it differs
///   from the table's column order filtered to that portal type (see `TableDefinition.columns(for:)`).
public struct CMTEntityInfo: Hashable, Sendable, Codable {
    public var objectTypeCode: Int?
    public var disablePlugins: Bool
    public var skipUpdate: Bool
    public var importOrder: [PortalType: Int]
    public var fieldOrder: [PortalType: [String]]

    public init(
        objectTypeCode: Int? = nil, disablePlugins: Bool = false, skipUpdate: Bool = false,
        importOrder: [PortalType: Int] = [:], fieldOrder: [PortalType: [String]] = [:]
    ) {
        self.objectTypeCode = objectTypeCode
        self.disablePlugins = disablePlugins
        self.skipUpdate = skipUpdate
        self.importOrder = importOrder
        self.fieldOrder = fieldOrder
    }
}

/// What a CMT schema `<field>` element carries beyond name, display name, type and lookup targets.
///
/// - `updateCompare`, `primaryKey`: the `updateCompare="true"` / `primaryKey="true"` attributes (in
///   Microsoft's portal files only the primary id field has them, identically in all six files).
/// - `customField`: the `customfield="true"` attribute.
/// - `lookupTypes`: a portal type's own `lookupType` list where it differs from the column's
///   `targets` (only `annotation.objectid` differs between the six files).
public struct CMTFieldInfo: Hashable, Sendable, Codable {
    public var updateCompare: Bool
    public var primaryKey: Bool
    public var customField: Bool
    public var lookupTypes: [PortalType: [String]]

    public init(
        updateCompare: Bool = false, primaryKey: Bool = false, customField: Bool = false,
        lookupTypes: [PortalType: [String]] = [:]
    ) {
        self.updateCompare = updateCompare
        self.primaryKey = primaryKey
        self.customField = customField
        self.lookupTypes = lookupTypes
    }
}

extension ColumnDefinition {
    /// The lookup targets Microsoft's schema file for `portalType` lists for this column (its
    /// `lookupType` attribute split on `|`), falling back to `targets`.
    public func lookupTargets(for portalType: PortalType) -> [String] {
        cmt?.lookupTypes[portalType] ?? targets
    }
}

extension TableDefinition {
    /// The columns Microsoft's schema file for `portalType` lists for this table, in that file's
    /// `<field>` order. Empty when the file does not include the table.
    public func columns(for portalType: PortalType) -> [ColumnDefinition] {
        let included = columns.filter { $0.portalTypes.contains(portalType) }
        guard let order = cmt?.fieldOrder[portalType] else { return included }
        let byName = Dictionary(included.map { ($0.logicalName, $0) }, uniquingKeysWith: { a, _ in a })
        return order.compactMap { byName[$0] }
    }

    /// The N:N relationships Microsoft's schema file for `portalType` lists under this table's
    /// `<relationships>` (those whose `entity1` is this table), in catalog order.
    public func relationships(for portalType: PortalType) -> [ManyToManyRelationship] {
        relationships.filter { $0.entity1 == logicalName && $0.portalTypes.contains(portalType) }
    }
}

extension TableCatalog {
    /// The tables of Microsoft's schema file for `portalType`, in the file's `<entity>` order.
    public func cmtTables(for portalType: PortalType) -> [TableDefinition] {
        tables.values
            .compactMap { t in t.cmt?.importOrder[portalType].map { ($0, t) } }
            .sorted { $0.0 < $1.0 }
            .map(\.1)
    }
}

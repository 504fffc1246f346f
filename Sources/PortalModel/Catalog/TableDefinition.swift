import Foundation

/// The six portal types of Microsoft's published CMT schema files
/// (`../shared/corpus/cmt/schemas/microsoft`, research/cmt-format.md appendix).
public enum PortalType: String, Codable, Sendable, CaseIterable, Hashable, Comparable {
    /// `Custom_Portal.xml`.
    case custom
    /// `CommonDataService_Starter_Portal.xml` (the Dataverse-only custom portal).
    case starter
    /// `Community_Portal.xml`.
    case community
    /// `Customer_SelfService_Portal.xml`.
    case customerSelfService = "customer-self-service"
    /// `Partner_Portal.xml`.
    case partner
    /// `Employee_SelfService_Portal.xml`.
    case employeeSelfService = "employee-self-service"

    /// The file name of Microsoft's schema for this portal type.
    public var schemaFileName: String {
        switch self {
        case .custom: return "Custom_Portal.xml"
        case .starter: return "CommonDataService_Starter_Portal.xml"
        case .community: return "Community_Portal.xml"
        case .customerSelfService: return "Customer_SelfService_Portal.xml"
        case .partner: return "Partner_Portal.xml"
        case .employeeSelfService: return "Employee_SelfService_Portal.xml"
        }
    }

    public static func < (a: PortalType, b: PortalType) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// Which portal data model a table belongs to (research/dataverse-webapi.md §11).
public enum DataModel: String, Codable, Sendable, Hashable {
    /// The `adx_*` tables of the portal solution.
    case standard
    /// `powerpagesite`, `powerpagesitelanguage`, `powerpagecomponent`.
    case enhanced
    /// Dataverse system tables portal lookups point to (contact, account, systemuser, …).
    case system
}

/// A column of a table.
///
/// - `targets`: for lookups and owners, the logical names of the tables it may point to.
/// - `navigationProperty`: the single-valued navigation property used in `@odata.bind`, case-sensitive
///   (research/dataverse-webapi.md §1.3); `nil` for non-lookups. A polymorphic lookup has one per
///   target (`objectid_adx_webfile`, `objectid_adx_webpage`, …; §9.1): this holds the one of its main
///   target; use `navigationProperty(forTarget:)` and `TableDefinition.lookup(navigationProperty:)`.
/// - `portalTypes`: the portal types whose Microsoft schema includes this column; empty when the
///   column comes from elsewhere (pac folders, system tables).
/// - `source`: where the facts come from (a schema file, a corpus folder, a research note section).
public struct ColumnDefinition: Hashable, Sendable, Codable {
    public var logicalName: String
    public var displayName: String?
    public var type: AttributeType
    public var targets: [String]
    public var navigationProperty: String?
    public var portalTypes: Set<PortalType>
    public var source: String?
    /// Where `navigationProperty` comes from (a research note section; `[I]` when inferred).
    public var navigationPropertySource: String?
    /// What a CMT schema `<field>` carries beyond name, type and lookup targets; `nil` when no
    /// Microsoft schema file lists the column.
    public var cmt: CMTFieldInfo?

    public init(
        _ logicalName: String, _ type: AttributeType, displayName: String? = nil, targets: [String] = [],
        navigationProperty: String? = nil, portalTypes: Set<PortalType> = [], source: String? = nil,
        navigationPropertySource: String? = nil, cmt: CMTFieldInfo? = nil
    ) {
        self.logicalName = logicalName
        self.displayName = displayName
        self.type = type
        self.targets = targets
        self.navigationProperty = navigationProperty
        self.portalTypes = portalTypes
        self.source = source
        self.navigationPropertySource = navigationPropertySource
        self.cmt = cmt
    }

    /// True for lookups and owners.
    public var isLookup: Bool { type.isReference }
}

/// An N:N relationship as seen from one of its tables.
///
/// - `name`: the relationship schema name (`adx_webpage_webrole`), also the collection-valued
///   navigation property on both sides (research/dataverse-webapi.md §1.3).
/// - `entity1`/`entity2`: the two tables (entity-1 is the side CMT lists the relationship under).
/// - `intersectEntity`: the intersect table's logical name.
/// - `entity1IDColumn`/`entity2IDColumn`: the intersect table's columns holding each side's id
///   (equal to the tables' primary id columns except for self-referencing relationships).
public struct ManyToManyRelationship: Hashable, Sendable, Codable {
    public var name: String
    public var entity1: String
    public var entity2: String
    public var intersectEntity: String
    public var entity1IDColumn: String
    public var entity2IDColumn: String
    public var entity1NavigationProperty: String?
    public var entity2NavigationProperty: String?
    public var portalTypes: Set<PortalType>
    public var source: String?

    public init(
        name: String, entity1: String, entity2: String, intersectEntity: String,
        entity1IDColumn: String, entity2IDColumn: String,
        entity1NavigationProperty: String? = nil, entity2NavigationProperty: String? = nil,
        portalTypes: Set<PortalType> = [], source: String? = nil
    ) {
        self.name = name
        self.entity1 = entity1
        self.entity2 = entity2
        self.intersectEntity = intersectEntity
        self.entity1IDColumn = entity1IDColumn
        self.entity2IDColumn = entity2IDColumn
        self.entity1NavigationProperty = entity1NavigationProperty
        self.entity2NavigationProperty = entity2NavigationProperty
        self.portalTypes = portalTypes
        self.source = source
    }
}

/// A table: names, key columns, columns, N:N relationships, natural key and data model.
///
/// - `entitySetName`: the Web API URL segment (`adx_webpages`); never computed by pluralising.
/// - `naturalKey`: the columns that identify the record across environments when ids differ (web page:
///   website, parent page, partial URL, language). Empty when records only match by id.
/// - `portalTypes`: the portal types whose Microsoft schema includes the table.
public struct TableDefinition: Hashable, Sendable, Codable {
    public var logicalName: String
    public var displayName: String
    public var entitySetName: String
    public var primaryIDColumn: String
    public var primaryNameColumn: String?
    public var columns: [ColumnDefinition]
    public var relationships: [ManyToManyRelationship]
    public var naturalKey: [String]
    public var dataModel: DataModel
    public var portalTypes: Set<PortalType>
    public var source: String?
    /// Where `entitySetName` comes from (a research note section; `[I]` when inferred).
    public var entitySetNameSource: String?
    /// What a CMT schema `<entity>` carries beyond names and columns; `nil` when no Microsoft schema
    /// file lists the table.
    public var cmt: CMTEntityInfo?

    public init(
        logicalName: String, displayName: String, entitySetName: String, primaryIDColumn: String,
        primaryNameColumn: String?, columns: [ColumnDefinition], relationships: [ManyToManyRelationship] = [],
        naturalKey: [String] = [], dataModel: DataModel = .standard, portalTypes: Set<PortalType> = [],
        source: String? = nil, entitySetNameSource: String? = nil, cmt: CMTEntityInfo? = nil
    ) {
        self.entitySetNameSource = entitySetNameSource
        self.cmt = cmt
        self.logicalName = logicalName
        self.displayName = displayName
        self.entitySetName = entitySetName
        self.primaryIDColumn = primaryIDColumn
        self.primaryNameColumn = primaryNameColumn
        self.columns = columns
        self.relationships = relationships
        self.naturalKey = naturalKey
        self.dataModel = dataModel
        self.portalTypes = portalTypes
        self.source = source
    }

    /// The column with a logical name, if the table has it.
    public func column(_ logicalName: String) -> ColumnDefinition? {
        columns.first { $0.logicalName == logicalName }
    }

    /// The lookup and owner columns.
    public var lookups: [ColumnDefinition] { columns.filter(\.isLookup) }
}

import Foundation
import PortalModel

/// A Configuration Migration Tool schema file (`data_schema.xml`, or a portal schema such as
/// `Customer_SelfService_Portal.xml`): the tables, columns and N:N relationships a package holds.
///
/// Shape from CMT's embedded XSD (research/cmt-format.md §1.1): root `<entities dateMode?>`, optional
/// `<entityImportOrder>`, then `<entity>` elements each with `<fields>`, optional `<relationships>` and an
/// optional `<filter>` holding FetchXML as escaped text. Optional boolean attributes keep the difference
/// between absent and `false` so a file reads and writes back without loss.
public struct CMTSchema: Hashable, Sendable {
    /// The root `dateMode` (`absolute`, `relative`, newer `relativeDaily`), `nil` when absent.
    public var dateMode: String?
    /// True when the root declares `xmlns:xsi` (Microsoft's portal files do; CMT GUI files do not).
    public var declaresXSINamespace: Bool
    /// `<entityImportOrder>`'s `<entityName>` values, `nil` when the element is absent.
    public var entityImportOrder: [String]?
    /// The entities in file order.
    public var entities: [CMTEntity]

    public init(
        dateMode: String? = nil, declaresXSINamespace: Bool = true, entityImportOrder: [String]? = nil,
        entities: [CMTEntity] = []
    ) {
        self.dateMode = dateMode
        self.declaresXSINamespace = declaresXSINamespace
        self.entityImportOrder = entityImportOrder
        self.entities = entities
    }

    /// The entity with this logical name.
    public func entity(_ name: String) -> CMTEntity? { entities.first { $0.name == name } }
}

/// One `<entity>` of a schema (research/cmt-format.md §1.2).
public struct CMTEntity: Hashable, Sendable {
    /// Logical name.
    public var name: String
    /// Display label (informational).
    public var displayName: String
    /// Object type code (`etc`); required by CMT's XSD, meaningless across organisations, not unique.
    public var objectTypeCode: Int?
    /// Primary id column.
    public var primaryIDField: String
    /// Primary name column.
    public var primaryNameField: String
    /// `disableplugins`: bypass custom plug-ins while importing this table.
    public var disablePlugins: Bool
    /// `skipupdate`: leave matching target records unchanged; `nil` when absent.
    public var skipUpdate: Bool?
    /// `forcecreate` (newer engines, unverified); `nil` when absent.
    public var forceCreate: Bool?
    /// The columns in file order.
    public var fields: [CMTField]
    /// The relationships (in portal schemas all N:N) in file order.
    public var relationships: [CMTRelationship]
    /// The `<filter>` text: FetchXML, already unescaped, whitespace kept; `nil` when absent.
    public var filter: String?
    /// Where `filter` was read from (schema file and line of `<filter>`), for errors; empty when built in
    /// code. Not part of the entity's value: two entities differing only here are equal.
    public var filterSource = SourceLocation()

    /// A file and line, ignored by `==` and `hash` (it says where a value came from, not what it is).
    public struct SourceLocation: Hashable, Sendable {
        public var file: String?
        public var line: Int?
        public init(file: String? = nil, line: Int? = nil) { self.file = file; self.line = line }
        public static func == (a: SourceLocation, b: SourceLocation) -> Bool { true }
        public func hash(into hasher: inout Hasher) {}
    }

    public init(
        name: String, displayName: String, objectTypeCode: Int?, primaryIDField: String, primaryNameField: String,
        disablePlugins: Bool = true, skipUpdate: Bool? = nil, forceCreate: Bool? = nil,
        fields: [CMTField] = [], relationships: [CMTRelationship] = [], filter: String? = nil
    ) {
        self.name = name
        self.displayName = displayName
        self.objectTypeCode = objectTypeCode
        self.primaryIDField = primaryIDField
        self.primaryNameField = primaryNameField
        self.disablePlugins = disablePlugins
        self.skipUpdate = skipUpdate
        self.forceCreate = forceCreate
        self.fields = fields
        self.relationships = relationships
        self.filter = filter
    }

    /// The field with this logical name.
    public func field(_ name: String) -> CMTField? { fields.first { $0.name == name } }

    /// The columns CMT matches existing target records on (`updateCompare="true"`).
    public var comparisonKeys: [String] { fields.filter { $0.updateCompare == true }.map(\.name) }
}

/// One `<field>` of an entity (research/cmt-format.md §1.3, §1.4).
public struct CMTField: Hashable, Sendable {
    /// Logical name.
    public var name: String
    /// Display label (informational).
    public var displayName: String
    /// The `type` attribute as written (`string`, `entityreference`, `number`, …).
    public var typeName: String
    /// `lookupType` split on `|`: the lookup's target tables; empty when absent.
    public var lookupTypes: [String]
    /// `updateCompare`: a comparison key; `nil` when absent.
    public var updateCompare: Bool?
    /// `primaryKey`; `nil` when absent.
    public var primaryKey: Bool?
    /// `customfield` (informational); `nil` when absent.
    public var customField: Bool?
    /// Per-field `dateMode`; `nil` when absent.
    public var dateMode: String?

    public init(
        name: String, displayName: String, typeName: String, lookupTypes: [String] = [],
        updateCompare: Bool? = nil, primaryKey: Bool? = nil, customField: Bool? = nil, dateMode: String? = nil
    ) {
        self.name = name
        self.displayName = displayName
        self.typeName = typeName
        self.lookupTypes = lookupTypes
        self.updateCompare = updateCompare
        self.primaryKey = primaryKey
        self.customField = customField
        self.dateMode = dateMode
    }

    /// The project's column type for `typeName` (`AttributeType(cmtType:)`); `nil` for an unknown name.
    /// `partylist` maps to `.lookup` there; `isPartyList` tells the two apart.
    public var type: AttributeType? { AttributeType(cmtType: typeName) }

    /// True for `type="partylist"` (activity parties, nested records in `data.xml`).
    public var isPartyList: Bool { typeName.lowercased() == "partylist" }

    /// True for `type="imagedata"`: an image column carried as base64 text.
    public var isImageData: Bool { typeName.lowercased() == "imagedata" }
}

/// One `<relationship>` (research/cmt-format.md §1.5). Portal schemas only use N:N relationships
/// declared on one side, with the other side in `m2mTargetEntity`.
public struct CMTRelationship: Hashable, Sendable {
    public var name: String
    public var manyToMany: Bool
    public var isReflexive: Bool?
    /// The intersect entity's name (equal to `name` in portal schemas).
    public var relatedEntityName: String?
    public var m2mTargetEntity: String?
    public var m2mTargetEntityPrimaryKey: String?
    public var referencedAttribute: String?
    public var referencedEntity: String?
    public var referencingAttribute: String?
    public var referencingEntity: String?
    /// Nested `<fields>` of an N:1 descriptor (allowed by the XSD, not seen in portal files).
    public var fields: [CMTField]

    public init(
        name: String, manyToMany: Bool = true, isReflexive: Bool? = false, relatedEntityName: String? = nil,
        m2mTargetEntity: String? = nil, m2mTargetEntityPrimaryKey: String? = nil,
        referencedAttribute: String? = nil, referencedEntity: String? = nil,
        referencingAttribute: String? = nil, referencingEntity: String? = nil, fields: [CMTField] = []
    ) {
        self.name = name
        self.manyToMany = manyToMany
        self.isReflexive = isReflexive
        self.relatedEntityName = relatedEntityName
        self.m2mTargetEntity = m2mTargetEntity
        self.m2mTargetEntityPrimaryKey = m2mTargetEntityPrimaryKey
        self.referencedAttribute = referencedAttribute
        self.referencedEntity = referencedEntity
        self.referencingAttribute = referencingAttribute
        self.referencingEntity = referencingEntity
        self.fields = fields
    }
}

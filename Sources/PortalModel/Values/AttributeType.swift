/// The Dataverse type of a column, as the catalog, metadata and format adapters name it.
///
/// Raw values are the project's own spellings. `init(cmtType:)` maps the `type` attribute of a
/// Configuration Migration Tool schema `<field>` (research/cmt-format.md §2), and `init(attributeType:)`
/// maps the Web API's `AttributeType` metadata value (research/dataverse-webapi.md §7).
public enum AttributeType: String, Codable, Sendable, CaseIterable, Hashable {
    /// Single line of text (`StringType`).
    case string
    /// Multiple lines of text (`MemoType`).
    case memo
    /// Whole number, 32-bit (`IntegerType`).
    case integer
    /// Big integer, 64-bit (`BigIntType`); `versionnumber` is one.
    case bigInt
    /// Decimal number (`DecimalType`), exact.
    case decimal
    /// Floating point number (`DoubleType`).
    case double
    /// Currency (`MoneyType`), exact.
    case money
    /// Two options, yes/no (`BooleanType`).
    case boolean
    /// Date and time, kept in UTC (`DateTimeType`).
    case dateTime
    /// Unique identifier (`UniqueidentifierType`), including the primary id column.
    case uniqueIdentifier
    /// Choice (`PicklistType`), an integer option value.
    case choice
    /// Multi-select choice (`MultiSelectPicklistType`), integer option values.
    case multiChoice
    /// Lookup (`LookupType` or `CustomerType`): a reference to one record of one of the target tables.
    case lookup
    /// Owner (`OwnerType`): a reference to a system user or team.
    case owner
    /// State (`StateType`), the `statecode` integer.
    case state
    /// Status reason (`StatusType`), the `statuscode` integer.
    case status
    /// A file column (`FileType`): the body is transferred separately, the column holds a file id.
    case file
    /// An image column (`ImageType`).
    case image
    /// The logical name of a table (`EntityNameType`), such as `annotation.objecttypecode`.
    case entityName

    /// Maps the `type` attribute of a CMT schema `<field>`: `string`, `memo`, `number`, `bigint`,
    /// `decimal`, `float`, `money`, `bool`, `datetime`, `guid`, `optionsetvalue`,
    /// `optionsetvaluecollection`, `entityreference`, `owner`, `state`, `status`, `partylist`,
    /// `image`, `file` (research/cmt-format.md §2). Returns `nil` for any other spelling.
    public init?(cmtType: String) {
        switch cmtType.lowercased() {
        case "string": self = .string
        case "memo": self = .memo
        case "number", "integer": self = .integer
        case "bigint": self = .bigInt
        case "decimal": self = .decimal
        case "float", "double": self = .double
        case "money": self = .money
        case "bool", "boolean": self = .boolean
        case "datetime": self = .dateTime
        case "guid", "uniqueidentifier": self = .uniqueIdentifier
        case "optionsetvalue", "picklist": self = .choice
        case "optionsetvaluecollection": self = .multiChoice
        case "entityreference", "customer", "lookup", "partylist": self = .lookup
        case "owner": self = .owner
        case "state": self = .state
        case "status": self = .status
        case "file": self = .file
        case "image": self = .image
        case "entityname": self = .entityName
        default: return nil
        }
    }

    /// The `type` attribute CMT writes for this column type (research/cmt-format.md §2).
    public var cmtType: String {
        switch self {
        case .string, .entityName: return "string"
        case .memo: return "string"
        case .integer: return "number"
        case .bigInt: return "bigint"
        case .decimal: return "decimal"
        case .double: return "float"
        case .money: return "money"
        case .boolean: return "bool"
        case .dateTime: return "datetime"
        case .uniqueIdentifier: return "guid"
        case .choice: return "optionsetvalue"
        case .multiChoice: return "optionsetvaluecollection"
        case .lookup: return "entityreference"
        case .owner: return "owner"
        case .state: return "state"
        case .status: return "status"
        case .file: return "file"
        case .image: return "image"
        }
    }

    /// Maps the Web API `AttributeType` metadata value (`String`, `Memo`, `Integer`, `BigInt`,
    /// `Decimal`, `Double`, `Money`, `Boolean`, `DateTime`, `Uniqueidentifier`, `Picklist`, `Lookup`,
    /// `Customer`, `Owner`, `State`, `Status`, `EntityName`, `Virtual` for multi-select and file/image).
    /// Returns `nil` for types the tool does not migrate (`CalendarRules`, `ManagedProperty`, …).
    public init?(attributeType: String, attributeTypeName: String? = nil) {
        switch attributeType {
        case "String": self = .string
        case "Memo": self = .memo
        case "Integer": self = .integer
        case "BigInt": self = .bigInt
        case "Decimal": self = .decimal
        case "Double": self = .double
        case "Money": self = .money
        case "Boolean": self = .boolean
        case "DateTime": self = .dateTime
        case "Uniqueidentifier": self = .uniqueIdentifier
        case "Picklist": self = .choice
        case "Lookup", "Customer": self = .lookup
        case "Owner": self = .owner
        case "State": self = .state
        case "Status": self = .status
        case "EntityName": self = .entityName
        case "Virtual":
            switch attributeTypeName {
            case "MultiSelectPicklistType": self = .multiChoice
            case "FileType": self = .file
            case "ImageType": self = .image
            default: return nil
            }
        default: return nil
        }
    }

    /// The Web API `AttributeType` metadata value for this type (inverse of `init(attributeType:)`).
    public var webAPIAttributeType: String {
        switch self {
        case .string: return "String"
        case .memo: return "Memo"
        case .integer: return "Integer"
        case .bigInt: return "BigInt"
        case .decimal: return "Decimal"
        case .double: return "Double"
        case .money: return "Money"
        case .boolean: return "Boolean"
        case .dateTime: return "DateTime"
        case .uniqueIdentifier: return "Uniqueidentifier"
        case .choice: return "Picklist"
        case .lookup: return "Lookup"
        case .owner: return "Owner"
        case .state: return "State"
        case .status: return "Status"
        case .entityName: return "EntityName"
        case .multiChoice, .file, .image: return "Virtual"
        }
    }

    /// True for the reference types whose values are `EntityReference`s.
    public var isReference: Bool { self == .lookup || self == .owner }
}

import Foundation

/// One Dataverse record: the table's logical name, the primary id, and the columns present.
///
/// `columns` maps column logical names to values. A column that is absent was not read or is not
/// to be written; a column mapped to `.null` is explicitly empty. The primary id column is not
/// repeated in `columns`.
public struct EntityRecord: Hashable, Sendable {
    public var logicalName: String
    public var id: UUID
    public var columns: [String: FieldValue]

    public init(_ logicalName: String, id: UUID, columns: [String: FieldValue] = [:]) {
        self.logicalName = logicalName
        self.id = id
        self.columns = columns
    }

    /// The value of a column, `nil` when absent.
    public subscript(column: String) -> FieldValue? {
        get { columns[column] }
        set { columns[column] = newValue }
    }

    /// A reference to this record.
    public var reference: EntityReference { EntityReference(logicalName, id) }

    /// The string value of a column, `nil` when absent, null or not a string.
    public func string(_ column: String) -> String? {
        if case .string(let s)? = columns[column] { return s }
        return nil
    }

    /// The referenced id of a lookup column, `nil` when absent, null or not a reference.
    public func lookupID(_ column: String) -> UUID? { columns[column]?.reference?.id }
}

import Foundation

/// A problem with a Configuration Migration Tool schema file, data file or package.
///
/// Every case names where the problem is: the file (as given by the caller, e.g. `data.xml` or a path),
/// and when known the line, the table (entity), the record id and the column (field).
public struct CMTError: Error, CustomStringConvertible, Equatable, Sendable {
    /// What kind of problem it is.
    public enum Kind: String, Sendable {
        /// The bytes are not well-formed XML, or not in a supported encoding.
        case malformedXML
        /// The XML is well formed but does not have CMT's shape (a required attribute is missing, an
        /// element is misplaced, a number is not a number).
        case invalidSchema
        /// A value in `data.xml` does not fit its column's type.
        case invalidValue
        /// Something the reader refuses for safety: a DTD, an entity declaration, a zip entry with `..`
        /// or an absolute path, an entry larger than the limit.
        case unsafeInput
        /// A file the package needs is missing (`data.xml`, `data_schema.xml`).
        case missingFile
        /// A FetchXML element, attribute or operator outside the supported subset.
        case unsupportedFetchXML
        /// A value type the adapter does not carry (`partylist`).
        case unsupportedValue
        /// Writing failed (file system or zip error).
        case writeFailed
    }

    public var kind: Kind
    public var message: String
    public var file: String?
    public var line: Int?
    public var entity: String?
    public var recordID: String?
    public var field: String?

    public init(
        _ kind: Kind, _ message: String, file: String? = nil, line: Int? = nil, entity: String? = nil,
        recordID: String? = nil, field: String? = nil
    ) {
        self.kind = kind
        self.message = message
        self.file = file
        self.line = line
        self.entity = entity
        self.recordID = recordID
        self.field = field
    }

    /// `file:line: entity record column: message`, leaving out what is unknown.
    public var description: String {
        var place: [String] = []
        if let f = file { place.append(line.map { "\(f):\($0)" } ?? f) }
        if let e = entity { place.append("entity \(e)") }
        if let r = recordID { place.append("record \(r)") }
        if let c = field { place.append("field \(c)") }
        return place.isEmpty ? message : place.joined(separator: ", ") + ": " + message
    }

    /// The same error with the file (and line when not yet set) filled in.
    func at(file: String?, line: Int? = nil) -> CMTError {
        var e = self
        if e.file == nil { e.file = file }
        if e.line == nil { e.line = line }
        return e
    }
}

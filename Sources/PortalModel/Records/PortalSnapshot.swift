import Foundation

/// One N:N link: a row of the relationship's intersect table, as two record references.
///
/// `first` is on the relationship's entity-1 side, `second` on the entity-2 side, as the catalog's
/// `ManyToManyRelationship` names them.
public struct ManyToManyLink: Hashable, Sendable, Comparable {
    public var first: EntityReference
    public var second: EntityReference

    public init(_ first: EntityReference, _ second: EntityReference) {
        self.first = first
        self.second = second
    }

    public static func < (a: ManyToManyLink, b: ManyToManyLink) -> Bool {
        (a.first.id.dataverseString, a.second.id.dataverseString) < (b.first.id.dataverseString, b.second.id.dataverseString)
    }
}

/// Where a file body (an annotation's `documentbody`, a file column) lives: in memory or in a file on
/// disk that is read only when needed, so large web files need not be held in memory.
public enum FileBody: Hashable, Sendable {
    case data(Data)
    case file(URL)

    /// The body's bytes. - Throws: `FileBytes.Failure` when a `.file` cannot be read.
    public func load() throws -> Data {
        switch self {
        case .data(let d): return d
        case .file(let url): return try FileBytes.read(url)
        }
    }

    /// The body's size in bytes. - Throws: the file system error when a `.file` cannot be examined.
    public func size() throws -> Int {
        switch self {
        case .data(let d): return d.count
        case .file(let url):
            let attrs = try FileManager.default.attributesOfItem(atPath: url.path)
            return (attrs[.size] as? NSNumber)?.intValue ?? 0
        }
    }
}

/// Identifies a file body: the record and the column holding it (`annotation`/`documentbody`,
/// `powerpagecomponent`/`filecontent`).
public struct FileBodyKey: Hashable, Sendable, Comparable {
    public var logicalName: String
    public var id: UUID
    public var column: String

    public init(_ logicalName: String, _ id: UUID, _ column: String) {
        self.logicalName = logicalName
        self.id = id
        self.column = column
    }

    public static func < (a: FileBodyKey, b: FileBodyKey) -> Bool {
        (a.logicalName, a.id.dataverseString, a.column) < (b.logicalName, b.id.dataverseString, b.column)
    }
}

/// The portal configuration of one website in a format-independent form: every format adapter reads
/// into it and writes from it, and the migration engine plans from it (DESIGN.md, "Data flow").
///
/// - `records`: by table logical name, each table's records.
/// - `links`: by N:N relationship schema name, the links.
/// - `bodies`: file bodies by record and column, referenced rather than loaded.
/// - `websiteID`: the website the snapshot describes, when known.
public struct PortalSnapshot: Sendable {
    public var records: [String: [EntityRecord]]
    public var links: [String: Set<ManyToManyLink>]
    public var bodies: [FileBodyKey: FileBody]
    public var websiteID: UUID?

    public init(
        records: [String: [EntityRecord]] = [:], links: [String: Set<ManyToManyLink>] = [:],
        bodies: [FileBodyKey: FileBody] = [:], websiteID: UUID? = nil
    ) {
        self.records = records
        self.links = links
        self.bodies = bodies
        self.websiteID = websiteID
    }

    /// Appends a record to its table.
    public mutating func add(_ record: EntityRecord) {
        records[record.logicalName, default: []].append(record)
    }

    /// Adds an N:N link under its relationship.
    public mutating func link(_ relationship: String, _ link: ManyToManyLink) {
        links[relationship, default: []].insert(link)
    }

    /// The record of a table with the given id, if present.
    public func record(_ logicalName: String, _ id: UUID) -> EntityRecord? {
        records[logicalName]?.first { $0.id == id }
    }

    /// The number of records over all tables.
    public var recordCount: Int { records.values.reduce(0) { $0 + $1.count } }

    /// Table logical names in sorted order, for deterministic output.
    public var tableNames: [String] { records.keys.sorted() }
}

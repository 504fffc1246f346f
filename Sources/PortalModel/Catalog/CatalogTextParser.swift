import Foundation

/// A line of the built-in catalog text that cannot be read. The catalog is compiled into the binary,
/// so this only happens when someone edits the data wrongly; the tests parse every block.
///
/// - `block`: the name of the text block (`schemaTables`, `systemTables`, …).
/// - `line`: the 1-based line number inside the block.
public struct CatalogTextError: Error, CustomStringConvertible, Sendable {
    public var block: String
    public var line: Int
    public var message: String

    public var description: String { "catalog block \(block), line \(line): \(message)" }
}

/// Reads the catalog's own line format (described in CATALOG.md) into `TableDefinition`s.
///
/// One record per line, fields separated by `|`; blank lines and lines starting with `#` are ignored:
///
///     S key|text                                    source abbreviation, referenced as @key
///     T logical|display|entitySet|entitySetSource|primaryId|primaryName|model|portalTypes|naturalKey|cmtFlags|source
///     + logical                                     add the following C/R lines to a table defined earlier
///     C logical|type|display|portalTypes|targets|navigation|navigationSource|cmtFlags|source
///     L portalType|targets                          CMT lookupType of the previous column for one portal type
///     R name|entity1|entity2|intersect|entity1Id|entity2Id|nav1|nav2|portalTypes|source
///     F portalType|column,column,…                  CMT field order of the current table for one portal type
///     O portalType|table,table,…                    CMT entity order of one portal type's file
///
/// Portal types are letters `c` custom, `s` starter, `m` community, `x` customer self-service,
/// `p` partner, `e` employee self-service; `*` is all six and `-` none. Types are `AttributeType`
/// raw values. CMT flags: `u` updateCompare, `k` primaryKey, `c` customfield (columns);
/// `etc=N`, `plugins`, `skipupdate` (tables). Empty column sources inherit the table's source.
enum CatalogTextParser {
    static let portalTypeCodes: [Character: PortalType] = [
        "c": .custom, "s": .starter, "m": .community, "x": .customerSelfService, "p": .partner,
        "e": .employeeSelfService,
    ]

    /// Parses named blocks in order (later blocks may extend tables of earlier ones) and returns the
    /// tables with every N:N relationship also attached to its second table.
    ///
    /// The steps: each line of each block is split into a `Line` (kind and fields) and read into the
    /// `Assembly` (sources, tables in order, the current table and column, entity orders); then the
    /// entity orders are set on their tables (`applyEntityOrders`) and each N:N relationship is added
    /// to its second table (`attachRelationshipsToSecondTables`).
    /// - Throws: `CatalogTextError` naming the block and line.
    static func parse(_ blocks: [(name: String, text: String)]) throws -> [TableDefinition] {
        var assembly = Assembly()
        for (blockName, text) in blocks {
            assembly.startBlock()
            for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                guard let line = try Line(rawLine, block: blockName, number: index + 1) else { continue }
                try assembly.read(line)
            }
        }
        try assembly.applyEntityOrders()
        assembly.attachRelationshipsToSecondTables()
        return assembly.orderedTables
    }

    // MARK: Lines

    /// One record line: its kind letter and its `|`-separated fields, with where it is (for errors).
    struct Line {
        var block: String
        /// 1-based, within the block.
        var number: Int
        /// `S`, `T`, `+`, `C`, `L`, `R`, `F` or `O`.
        var kind: Character
        /// Everything after the kind and its space.
        var body: String
        /// `body` split at every `|` (empty fields kept).
        var fields: [String]

        /// The line `raw` trimmed and split, or `nil` for a blank line or a `#` comment.
        /// - Throws: `CatalogTextError` when it does not start with a one-letter kind and a space.
        init?(_ raw: Substring, block: String, number: Int) throws {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { return nil }
            self.block = block
            self.number = number
            guard line.count >= 2, let kind = line.first, line.dropFirst().first == " " else {
                self.kind = " "
                self.body = ""
                self.fields = []
                throw error("expected a one-letter record kind and a space: \(line)")
            }
            self.kind = kind
            body = String(line.dropFirst(2))
            fields = body.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        }

        /// A `CatalogTextError` at this line.
        func error(_ message: String) -> CatalogTextError { CatalogTextError(block: block, line: number, message: message) }

        /// Field `i`, `""` when the line has fewer fields.
        func field(_ i: Int) -> String { i < fields.count ? fields[i] : "" }
        /// Field `i`, `nil` when empty.
        func optional(_ i: Int) -> String? { field(i).isEmpty ? nil : field(i) }
        /// Field `i` split at commas (`[]` when empty).
        func list(_ i: Int) -> [String] { field(i).split(separator: ",").map(String.init) }

        /// Field `i` as a source: `@key` is the text of an `S key|…` line read earlier, anything else is
        /// itself, empty is `nil`.
        /// - Throws: `CatalogTextError` for an unknown `@key`.
        func source(_ i: Int, _ sources: [String: String]) throws -> String? {
            guard let s = optional(i) else { return nil }
            guard s.hasPrefix("@") else { return s }
            guard let text = sources[String(s.dropFirst())] else { throw error("unknown source \(s)") }
            return text
        }

        /// Field `i` as a set of portal types: `*` all six, `-` or empty none, else one letter each.
        /// - Throws: `CatalogTextError` for an unknown letter.
        func portalTypes(_ i: Int) throws -> Set<PortalType> {
            let s = field(i)
            if s == "*" { return Set(PortalType.allCases) }
            if s == "-" || s.isEmpty { return [] }
            var result: Set<PortalType> = []
            for c in s {
                guard let t = portalTypeCodes[c] else { throw error("unknown portal type code \(c)") }
                result.insert(t)
            }
            return result
        }

        /// Field `i` as exactly one portal type letter.
        /// - Throws: `CatalogTextError` for anything else.
        func portalType(_ i: Int) throws -> PortalType {
            let s = field(i)
            guard s.count == 1, let c = s.first, let t = portalTypeCodes[c] else { throw error("unknown portal type code \(s)") }
            return t
        }

        /// Field `i` as a table's CMT flags (`etc=N`, `plugins`, `skipupdate`, comma-separated); `nil`
        /// when there are none.
        /// - Throws: `CatalogTextError` for an unknown flag.
        func tableFlags(_ i: Int) throws -> CMTEntityInfo? {
            let flags = list(i)
            guard !flags.isEmpty else { return nil }
            var info = CMTEntityInfo()
            for flag in flags {
                if flag == "plugins" {
                    info.disablePlugins = true
                } else if flag == "skipupdate" {
                    info.skipUpdate = true
                } else if flag.hasPrefix("etc="), let n = Int(flag.dropFirst(4)) {
                    info.objectTypeCode = n
                } else {
                    throw error("unknown table flag \(flag)")
                }
            }
            return info
        }

        /// Field `i` as a column's CMT flags (letters `u` updateCompare, `k` primaryKey, `c`
        /// customfield); `nil` when there are none.
        /// - Throws: `CatalogTextError` for an unknown letter.
        func columnFlags(_ i: Int) throws -> CMTFieldInfo? {
            let flags = field(i)
            guard !flags.isEmpty else { return nil }
            var info = CMTFieldInfo()
            for c in flags {
                switch c {
                case "u": info.updateCompare = true
                case "k": info.primaryKey = true
                case "c": info.customField = true
                default: throw error("unknown column flag \(c)")
                }
            }
            return info
        }
    }

    // MARK: Assembly

    /// What the lines read so far have built: sources by key, tables by name and in the order defined,
    /// the table and column that `C`, `L`, `R` and `F` lines add to, and each portal type's entity order.
    struct Assembly {
        var sources: [String: String] = [:]
        var tables: [String: TableDefinition] = [:]
        /// Table names in the order their `T` lines came.
        var order: [String] = []
        /// `O` lines: each portal type's CMT entity order.
        var entityOrders: [PortalType: [String]] = [:]
        /// The table `C`, `L`, `R`, `F` lines add to (the last `T` or `+`), within the current block.
        var current: String?
        /// The index of the last `C` line's column in `current` (what an `L` line refers to).
        var lastColumn: Int?

        /// The tables in the order defined.
        var orderedTables: [TableDefinition] { order.compactMap { tables[$0] } }

        /// A new block: no current table or column (a block starts with `T` or `+`).
        mutating func startBlock() {
            current = nil
            lastColumn = nil
        }

        /// Reads one line by its kind.
        /// - Throws: `CatalogTextError` naming the line.
        mutating func read(_ line: Line) throws {
            switch line.kind {
            case "S": try addSource(line)
            case "T": try addTable(line)
            case "+": try extendTable(line)
            case "C": try addColumn(line)
            case "L": try addLookupTypes(line)
            case "R": try addRelationship(line)
            case "F": try addFieldOrder(line)
            case "O": entityOrders[try line.portalType(0)] = line.list(1)
            default: throw line.error("unknown record kind \(line.kind)")
            }
        }

        /// `S key|text`: a source, referenced later as `@key` (the text may hold `|`).
        mutating func addSource(_ line: Line) throws {
            let f = line.fields
            guard f.count >= 2, !f[0].isEmpty else { throw line.error("source needs key|text") }
            sources[f[0]] = f.dropFirst().joined(separator: "|")
        }

        /// `T logical|display|entitySet|entitySetSource|primaryId|primaryName|model|portalTypes|naturalKey|cmtFlags|source`:
        /// a new table, which becomes the current one.
        mutating func addTable(_ line: Line) throws {
            guard line.fields.count >= 11 else { throw line.error("table needs 11 fields, has \(line.fields.count)") }
            let name = line.field(0)
            guard tables[name] == nil else { throw line.error("table \(name) defined twice") }
            guard let model = DataModel(rawValue: line.field(6)) else { throw line.error("unknown data model \(line.field(6))") }
            let cmt = try line.tableFlags(9)
            tables[name] = TableDefinition(
                logicalName: name, displayName: line.field(1), entitySetName: line.field(2), primaryIDColumn: line.field(4),
                primaryNameColumn: line.optional(5), columns: [], relationships: [], naturalKey: line.list(8),
                dataModel: model, portalTypes: try line.portalTypes(7), source: try line.source(10, sources),
                entitySetNameSource: try line.source(3, sources), cmt: cmt)
            order.append(name)
            current = name
            lastColumn = nil
        }

        /// `+ logical`: the following lines add to a table defined earlier.
        mutating func extendTable(_ line: Line) throws {
            guard tables[line.body] != nil else { throw line.error("+ names unknown table \(line.body)") }
            current = line.body
            lastColumn = nil
        }

        /// `C logical|type|display|portalTypes|targets|navigation|navigationSource|cmtFlags|source`: a column
        /// of the current table. Without flags, a column of a CMT table that some portal type carries gets
        /// empty CMT info; an empty source is the table's.
        mutating func addColumn(_ line: Line) throws {
            guard let t = current, var table = tables[t] else { throw line.error("column outside a table") }
            guard line.fields.count >= 4 else { throw line.error("column needs at least 4 fields, has \(line.fields.count)") }
            guard let type = AttributeType(rawValue: line.field(1)) else { throw line.error("unknown type \(line.field(1))") }
            guard table.column(line.field(0)) == nil else { throw line.error("column \(t).\(line.field(0)) defined twice") }
            let columnTypes = try line.portalTypes(3)
            var cmt = try line.columnFlags(7)
            if cmt == nil && table.cmt != nil && !columnTypes.isEmpty { cmt = CMTFieldInfo() }
            table.columns.append(
                ColumnDefinition(
                    line.field(0), type, displayName: line.optional(2), targets: line.list(4),
                    navigationProperty: line.optional(5), portalTypes: columnTypes,
                    source: try line.source(8, sources) ?? table.source,
                    navigationPropertySource: try line.source(6, sources), cmt: cmt))
            lastColumn = table.columns.count - 1
            tables[t] = table
        }

        /// `L portalType|targets`: the CMT lookup types of the last column for one portal type.
        mutating func addLookupTypes(_ line: Line) throws {
            guard let t = current, var table = tables[t], let c = lastColumn else { throw line.error("L must follow a column") }
            let portalType = try line.portalType(0)
            var info = table.columns[c].cmt ?? CMTFieldInfo()
            info.lookupTypes[portalType] = line.list(1)
            table.columns[c].cmt = info
            tables[t] = table
        }

        /// `R name|entity1|entity2|intersect|entity1Id|entity2Id|nav1|nav2|portalTypes|source`: an N:N
        /// relationship of the current table.
        mutating func addRelationship(_ line: Line) throws {
            guard let t = current, var table = tables[t] else { throw line.error("relationship outside a table") }
            guard line.fields.count >= 10 else { throw line.error("relationship needs 10 fields, has \(line.fields.count)") }
            table.relationships.append(
                ManyToManyRelationship(
                    name: line.field(0), entity1: line.field(1), entity2: line.field(2), intersectEntity: line.field(3),
                    entity1IDColumn: line.field(4), entity2IDColumn: line.field(5),
                    entity1NavigationProperty: line.optional(6), entity2NavigationProperty: line.optional(7),
                    portalTypes: try line.portalTypes(8), source: try line.source(9, sources)))
            tables[t] = table
        }

        /// `F portalType|column,column,…`: the CMT field order of the current table for one portal type.
        mutating func addFieldOrder(_ line: Line) throws {
            guard let t = current, var table = tables[t] else { throw line.error("field order outside a table") }
            var info = table.cmt ?? CMTEntityInfo()
            info.fieldOrder[try line.portalType(0)] = line.list(1)
            table.cmt = info
            tables[t] = table
        }

        /// Sets each table's CMT import position per portal type from the `O` lines.
        /// - Throws: `CatalogTextError` (block `entity order`, line = position) for a table not defined.
        mutating func applyEntityOrders() throws {
            for (portalType, names) in entityOrders {
                for (position, name) in names.enumerated() {
                    guard var table = tables[name] else {
                        throw CatalogTextError(
                            block: "entity order", line: position + 1, message: "unknown table \(name) for \(portalType)")
                    }
                    var info = table.cmt ?? CMTEntityInfo()
                    info.importOrder[portalType] = position
                    table.cmt = info
                    tables[name] = table
                }
            }
        }

        /// Adds each N:N relationship to its second table too (once; a relationship of a table with itself
        /// stays single).
        mutating func attachRelationshipsToSecondTables() {
            for name in order {
                guard let table = tables[name] else { continue }
                for rel in table.relationships where rel.entity1 == name && rel.entity2 != name {
                    if var other = tables[rel.entity2], !other.relationships.contains(where: { $0.name == rel.name }) {
                        other.relationships.append(rel)
                        tables[rel.entity2] = other
                    }
                }
            }
        }
    }
}

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
    /// - Throws: `CatalogTextError` naming the block and line.
    static func parse(_ blocks: [(name: String, text: String)]) throws -> [TableDefinition] {
        var sources: [String: String] = [:]
        var tables: [String: TableDefinition] = [:]
        var order: [String] = []
        var orders: [PortalType: [String]] = [:]

        for (blockName, text) in blocks {
            var current: String?
            var lastColumn: Int?
            for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let line = rawLine.trimmingCharacters(in: .whitespaces)
                if line.isEmpty || line.hasPrefix("#") { continue }
                func fail(_ message: String) -> CatalogTextError {
                    CatalogTextError(block: blockName, line: index + 1, message: message)
                }
                guard line.count >= 2, let kind = line.first, line.dropFirst().first == " " else {
                    throw fail("expected a one-letter record kind and a space: \(line)")
                }
                let body = String(line.dropFirst(2))
                let f = body.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
                func field(_ i: Int) -> String { i < f.count ? f[i] : "" }
                func optional(_ i: Int) -> String? { field(i).isEmpty ? nil : field(i) }
                func source(_ i: Int) throws -> String? {
                    guard let s = optional(i) else { return nil }
                    guard s.hasPrefix("@") else { return s }
                    guard let text = sources[String(s.dropFirst())] else { throw fail("unknown source \(s)") }
                    return text
                }
                func types(_ i: Int) throws -> Set<PortalType> {
                    let s = field(i)
                    if s == "*" { return Set(PortalType.allCases) }
                    if s == "-" || s.isEmpty { return [] }
                    var result: Set<PortalType> = []
                    for c in s {
                        guard let t = portalTypeCodes[c] else { throw fail("unknown portal type code \(c)") }
                        result.insert(t)
                    }
                    return result
                }
                func singleType(_ s: String) throws -> PortalType {
                    guard s.count == 1, let c = s.first, let t = portalTypeCodes[c] else {
                        throw fail("unknown portal type code \(s)")
                    }
                    return t
                }
                func list(_ i: Int) -> [String] { field(i).split(separator: ",").map(String.init) }

                switch kind {
                case "S":
                    guard f.count >= 2, !f[0].isEmpty else { throw fail("source needs key|text") }
                    sources[f[0]] = f.dropFirst().joined(separator: "|")
                case "T":
                    guard f.count >= 11 else { throw fail("table needs 11 fields, has \(f.count)") }
                    let name = field(0)
                    guard tables[name] == nil else { throw fail("table \(name) defined twice") }
                    guard let model = DataModel(rawValue: field(6)) else { throw fail("unknown data model \(field(6))") }
                    var cmt: CMTEntityInfo?
                    let flags = list(9)
                    if !flags.isEmpty {
                        var info = CMTEntityInfo()
                        for flag in flags {
                            if flag == "plugins" {
                                info.disablePlugins = true
                            } else if flag == "skipupdate" {
                                info.skipUpdate = true
                            } else if flag.hasPrefix("etc="), let n = Int(flag.dropFirst(4)) {
                                info.objectTypeCode = n
                            } else {
                                throw fail("unknown table flag \(flag)")
                            }
                        }
                        cmt = info
                    }
                    tables[name] = TableDefinition(
                        logicalName: name, displayName: field(1), entitySetName: field(2), primaryIDColumn: field(4),
                        primaryNameColumn: optional(5), columns: [], relationships: [], naturalKey: list(8),
                        dataModel: model, portalTypes: try types(7), source: try source(10),
                        entitySetNameSource: try source(3), cmt: cmt)
                    order.append(name)
                    current = name
                    lastColumn = nil
                case "+":
                    guard tables[body] != nil else { throw fail("+ names unknown table \(body)") }
                    current = body
                    lastColumn = nil
                case "C":
                    guard let t = current, var table = tables[t] else { throw fail("column outside a table") }
                    guard f.count >= 4 else { throw fail("column needs at least 4 fields, has \(f.count)") }
                    guard let type = AttributeType(rawValue: field(1)) else { throw fail("unknown type \(field(1))") }
                    guard table.column(field(0)) == nil else { throw fail("column \(t).\(field(0)) defined twice") }
                    var cmt: CMTFieldInfo?
                    let columnTypes = try types(3)
                    let flags = field(7)
                    if !flags.isEmpty {
                        var info = CMTFieldInfo()
                        for c in flags {
                            switch c {
                            case "u": info.updateCompare = true
                            case "k": info.primaryKey = true
                            case "c": info.customField = true
                            default: throw fail("unknown column flag \(c)")
                            }
                        }
                        cmt = info
                    } else if table.cmt != nil && !columnTypes.isEmpty {
                        cmt = CMTFieldInfo()
                    }
                    table.columns.append(
                        ColumnDefinition(
                            field(0), type, displayName: optional(2), targets: list(4), navigationProperty: optional(5),
                            portalTypes: columnTypes, source: try source(8) ?? table.source,
                            navigationPropertySource: try source(6), cmt: cmt))
                    lastColumn = table.columns.count - 1
                    tables[t] = table
                case "L":
                    guard let t = current, var table = tables[t], let c = lastColumn else {
                        throw fail("L must follow a column")
                    }
                    let pt = try singleType(field(0))
                    var info = table.columns[c].cmt ?? CMTFieldInfo()
                    info.lookupTypes[pt] = list(1)
                    table.columns[c].cmt = info
                    tables[t] = table
                case "R":
                    guard let t = current, var table = tables[t] else { throw fail("relationship outside a table") }
                    guard f.count >= 10 else { throw fail("relationship needs 10 fields, has \(f.count)") }
                    table.relationships.append(
                        ManyToManyRelationship(
                            name: field(0), entity1: field(1), entity2: field(2), intersectEntity: field(3),
                            entity1IDColumn: field(4), entity2IDColumn: field(5), entity1NavigationProperty: optional(6),
                            entity2NavigationProperty: optional(7), portalTypes: try types(8), source: try source(9)))
                    tables[t] = table
                case "F":
                    guard let t = current, var table = tables[t] else { throw fail("field order outside a table") }
                    var info = table.cmt ?? CMTEntityInfo()
                    info.fieldOrder[try singleType(field(0))] = list(1)
                    table.cmt = info
                    tables[t] = table
                case "O":
                    orders[try singleType(field(0))] = list(1)
                default:
                    throw fail("unknown record kind \(kind)")
                }
            }
        }
        for (portalType, names) in orders {
            for (position, name) in names.enumerated() {
                guard var table = tables[name] else {
                    throw CatalogTextError(
                        block: "entity order", line: position + 1,
                        message: "unknown table \(name) for \(portalType)")
                }
                var info = table.cmt ?? CMTEntityInfo()
                info.importOrder[portalType] = position
                table.cmt = info
                tables[name] = table
            }
        }
        // Attach each relationship to its second table too.
        for name in order {
            guard let table = tables[name] else { continue }
            for rel in table.relationships where rel.entity1 == name && rel.entity2 != name {
                if var other = tables[rel.entity2], !other.relationships.contains(where: { $0.name == rel.name }) {
                    other.relationships.append(rel)
                    tables[rel.entity2] = other
                }
            }
        }
        return order.compactMap { tables[$0] }
    }
}

import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import PortalModel

/// Reads the tables a Configuration Migration Tool schema file describes, minimally: entities
/// (`name`, `displayname`, `primaryidfield`, `primarynamefield`), fields (`name`, `displayname`,
/// `type`, `lookupType` with `|`-separated targets) and N:N relationships (`name`, `relatedEntityName`
/// as the intersect table, `m2mTargetEntity`, `m2mTargetEntityPrimaryKey`) (research/cmt-format.md §1).
///
/// Entity set names and navigation properties are not in CMT schemas: they are taken from the
/// built-in catalog when it has the table or column, else the entity set is the logical name plus `s`
/// and a lookup's navigation property is its logical name (the usual spelling for custom tables).
public enum CMTSchemaReader {
    /// A schema file that cannot be read.
    public struct ReadError: Error, CustomStringConvertible, Sendable {
        public let file: String
        public let line: Int?
        public let message: String
        public var description: String { "\(file)\(line.map { ":\($0)" } ?? ""): \(message)" }
    }

    /// Parses a schema file.
    /// - Throws: `ReadError` naming the file (and line when the XML is malformed or an entity/field lacks
    ///   a required attribute or has an unknown type).
    public static func read(_ url: URL, catalog: TableCatalog = .standard) throws -> [TableDefinition] {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw ReadError(file: url.path, line: nil, message: "cannot read the file: \(error.localizedDescription)")
        }
        return try read(data, file: url.path, catalog: catalog)
    }

    /// Parses schema XML bytes; `file` names the source in errors.
    public static func read(_ data: Data, file: String, catalog: TableCatalog = .standard) throws -> [TableDefinition] {
        let delegate = Delegate(file: file, catalog: catalog)
        let parser = XMLParser(data: data)
        parser.delegate = delegate
        let ok = parser.parse()
        if let e = delegate.error { throw e }
        if !ok {
            throw ReadError(file: file, line: parser.lineNumber,
                            message: "malformed XML: \(parser.parserError.map { "\($0)" } ?? "unknown error")")
        }
        if delegate.tables.isEmpty {
            throw ReadError(file: file, line: nil, message: "no <entity> elements: not a CMT schema file")
        }
        return delegate.tables
    }

    private final class Delegate: NSObject, XMLParserDelegate {
        let file: String
        let catalog: TableCatalog
        var tables: [TableDefinition] = []
        var current: TableDefinition?
        var error: ReadError?

        init(file: String, catalog: TableCatalog) {
            self.file = file
            self.catalog = catalog
        }

        func fail(_ parser: XMLParser, _ message: String) {
            if error == nil { error = ReadError(file: file, line: parser.lineNumber, message: message) }
            parser.abortParsing()
        }

        func parser(_ parser: XMLParser, didStartElement element: String, namespaceURI: String?,
                    qualifiedName: String?, attributes a: [String: String] = [:]) {
            switch element {
            case "entity":
                guard let name = a["name"], !name.isEmpty, let idField = a["primaryidfield"], !idField.isEmpty else {
                    return fail(parser, "<entity> needs name and primaryidfield")
                }
                let known = catalog.table(name)
                current = TableDefinition(
                    logicalName: name, displayName: a["displayname"] ?? name,
                    entitySetName: known?.entitySetName ?? name + "s", primaryIDColumn: idField,
                    primaryNameColumn: a["primarynamefield"].flatMap { $0.isEmpty ? nil : $0 } ?? known?.primaryNameColumn,
                    columns: [], relationships: [], naturalKey: known?.naturalKey ?? [],
                    dataModel: known?.dataModel ?? (name.hasPrefix("adx_") ? .standard : name.hasPrefix("powerpage") ? .enhanced : .system),
                    portalTypes: known?.portalTypes ?? [], source: file)
            case "field":
                guard current != nil else { return fail(parser, "<field> outside an <entity>") }
                guard let name = a["name"], !name.isEmpty, let typeText = a["type"] else {
                    return fail(parser, "<field> needs name and type")
                }
                guard let type = AttributeType(cmtType: typeText) else {
                    return fail(parser, "field \(name): unknown type '\(typeText)'")
                }
                let targets = (a["lookupType"] ?? "").split(separator: "|").map(String.init).filter { !$0.isEmpty }
                let known = catalog.table(current!.logicalName)?.column(name)
                var column = ColumnDefinition(name, type, displayName: a["displayname"], targets: targets,
                                              navigationProperty: nil, source: file)
                if type.isReference {
                    if column.targets.isEmpty { column.targets = known?.targets ?? (type == .owner ? ["systemuser", "team"] : []) }
                    column.navigationProperty = known?.navigationProperty ?? name
                }
                current!.columns.append(column)
            case "relationship":
                guard let table = current else { return fail(parser, "<relationship> outside an <entity>") }
                guard (a["manyToMany"] ?? "true").lowercased() == "true" else { return }
                guard let name = a["name"], let target = a["m2mTargetEntity"] else {
                    return fail(parser, "<relationship> needs name and m2mTargetEntity")
                }
                let known = catalog.relationship(name)
                let targetKey = a["m2mTargetEntityPrimaryKey"] ?? target + "id"
                let rel = known ?? ManyToManyRelationship(
                    name: name, entity1: table.logicalName, entity2: target,
                    intersectEntity: a["relatedEntityName"] ?? name,
                    entity1IDColumn: table.primaryIDColumn,
                    entity2IDColumn: target == table.logicalName ? targetKey + "two" : targetKey,
                    entity1NavigationProperty: name, entity2NavigationProperty: name, source: file)
                current!.relationships.append(rel)
            default:
                break
            }
        }

        func parser(_ parser: XMLParser, didEndElement element: String, namespaceURI: String?, qualifiedName: String?) {
            if element == "entity", let t = current {
                tables.append(t)
                current = nil
            }
        }
    }
}

import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import TestSupport
@testable import PortalModel

/// Checks `TableCatalog.standard` against each of Microsoft's six portal schema files
/// (corpus/cmt/schemas/microsoft), read with FoundationXML: every entity, field (type, display name,
/// lookup targets, CMT flags, order) and N:N relationship is in the catalog and attributed to that
/// portal type, and the catalog attributes nothing else to it.
@Suite struct CatalogSchemaTests {
    /// One `<entity>` of a schema file.
    struct SchemaEntity {
        var attributes: [String: String]
        var fields: [[String: String]]
        var relationships: [[String: String]]
    }

    static func readSchema(_ portalType: PortalType) throws -> [SchemaEntity] {
        let url = TestPaths.cmt("schemas/microsoft/\(portalType.schemaFileName)")
        let doc = try XMLDocument(contentsOf: url, options: [])
        let root = try #require(doc.rootElement())
        func attrs(_ e: XMLElement) -> [String: String] {
            var d: [String: String] = [:]
            for a in e.attributes ?? [] { if let n = a.name { d[n] = a.stringValue ?? "" } }
            return d
        }
        return root.elements(forName: "entity").map { e in
            SchemaEntity(
                attributes: attrs(e),
                fields: e.elements(forName: "fields").flatMap { $0.elements(forName: "field") }.map(attrs),
                relationships: e.elements(forName: "relationships").flatMap { $0.elements(forName: "relationship") }
                    .map(attrs))
        }
    }

    @Test(arguments: PortalType.allCases)
    func everySchemaEntityFieldAndRelationshipIsInTheCatalog(_ portalType: PortalType) throws {
        let catalog = TableCatalog.standard
        let entities = try Self.readSchema(portalType)
        #expect(entities.count > 30)
        var problems: [String] = []
        for entity in entities {
            let name = entity.attributes["name"] ?? "?"
            guard let table = catalog.table(name) else { problems.append("missing table \(name)"); continue }
            if !table.portalTypes.contains(portalType) { problems.append("\(name) not attributed to \(portalType)") }
            if table.displayName != entity.attributes["displayname"] { problems.append("\(name) display name \(table.displayName)") }
            if table.primaryIDColumn != entity.attributes["primaryidfield"] { problems.append("\(name) primary id") }
            if table.primaryNameColumn != entity.attributes["primarynamefield"] { problems.append("\(name) primary name") }
            if table.cmt?.objectTypeCode.map(String.init) != entity.attributes["etc"] { problems.append("\(name) etc") }
            if (table.cmt?.disablePlugins ?? false) != (entity.attributes["disableplugins"] == "true") {
                problems.append("\(name) disableplugins")
            }
            if (table.cmt?.skipUpdate ?? false) != (entity.attributes["skipupdate"] == "true") {
                problems.append("\(name) skipupdate")
            }
            for field in entity.fields {
                let fname = field["name"] ?? "?"
                guard let column = table.column(fname) else { problems.append("missing column \(name).\(fname)"); continue }
                let where_ = "\(name).\(fname)"
                if !column.portalTypes.contains(portalType) { problems.append("\(where_) not attributed to \(portalType)") }
                if column.type.cmtType != field["type"] { problems.append("\(where_) type \(column.type) vs \(field["type"] ?? "")") }
                if column.displayName != field["displayname"] { problems.append("\(where_) display name") }
                let targets = field["lookupType"].map { $0.split(separator: "|").map(String.init) } ?? []
                if column.lookupTargets(for: portalType) != targets { problems.append("\(where_) lookup targets") }
                if column.isLookup != (field["type"] == "entityreference" || field["type"] == "owner") {
                    problems.append("\(where_) lookup-ness")
                }
                if (column.cmt?.updateCompare ?? false) != (field["updateCompare"] == "true") { problems.append("\(where_) updateCompare") }
                if (column.cmt?.primaryKey ?? false) != (field["primaryKey"] == "true") { problems.append("\(where_) primaryKey") }
                if (column.cmt?.customField ?? false) != (field["customfield"] == "true") { problems.append("\(where_) customfield") }
            }
            let fileOrder = entity.fields.compactMap { $0["name"] }
            let catalogOrder = table.columns(for: portalType).map(\.logicalName)
            if fileOrder != catalogOrder {
                problems.append("\(name) field order/extra columns: catalog \(Set(catalogOrder).subtracting(fileOrder).sorted())")
            }
            for rel in entity.relationships {
                let rname = rel["name"] ?? "?"
                guard let r = table.relationships.first(where: { $0.name == rname }) else {
                    problems.append("missing N:N \(name).\(rname)"); continue
                }
                if catalog.relationship(rname) == nil { problems.append("N:N \(rname) not indexed") }
                if !r.portalTypes.contains(portalType) { problems.append("N:N \(rname) not attributed to \(portalType)") }
                if r.entity1 != name || r.entity2 != rel["m2mTargetEntity"] { problems.append("N:N \(rname) tables") }
                if r.intersectEntity != rel["relatedEntityName"] { problems.append("N:N \(rname) intersect") }
                if r.entity2IDColumn != rel["m2mTargetEntityPrimaryKey"] { problems.append("N:N \(rname) target key") }
                if r.entity1IDColumn != table.primaryIDColumn { problems.append("N:N \(rname) own key") }
            }
            let relOrder = entity.relationships.compactMap { $0["name"] }
            if table.relationships(for: portalType).map(\.name) != relOrder {
                problems.append("\(name) N:N list differs: \(table.relationships(for: portalType).map(\.name)) vs \(relOrder)")
            }
        }
        // Nothing else attributed to this portal type, and the file's entity order is kept.
        let fileNames = entities.compactMap { $0.attributes["name"] }
        let attributed = catalog.tables(for: portalType).map(\.logicalName)
        let extra = Set(attributed).subtracting(fileNames)
        if !extra.isEmpty { problems.append("tables attributed to \(portalType) but not in its file: \(extra.sorted())") }
        if catalog.cmtTables(for: portalType).map(\.logicalName) != fileNames { problems.append("entity order differs") }
        #expect(problems.isEmpty, "\(portalType.schemaFileName): \(problems.count) problems:\n\(problems.joined(separator: "\n"))")
    }

    /// The ten tables whose columns differ between the six files keep that difference.
    @Test func columnsThatDifferBetweenPortalTypes() throws {
        let catalog = TableCatalog.standard
        var differing: [String] = []
        for table in catalog.tables.values where !table.portalTypes.isEmpty {
            let sets = Set(table.portalTypes.map { Set(table.columns(for: $0).map(\.logicalName)) })
            if sets.count > 1 { differing.append(table.logicalName) }
        }
        #expect(
            differing.sorted() == [
                "adx_contentsnippet", "adx_entityform", "adx_entityformmetadata", "adx_entitylist",
                "adx_shortcut", "adx_webfile", "adx_webformstep", "adx_weblink", "adx_webpage",
                "annotation",
            ])
        let objectid = try #require(catalog.table("annotation")?.column("objectid"))
        // The Dataverse-only starter file's note targets lack the Dynamics 365 tables (incident, quote, …).
        #expect(objectid.lookupTargets(for: .customerSelfService).contains("incident"))
        #expect(!objectid.lookupTargets(for: .starter).contains("incident"))
        #expect(objectid.targets.contains("incident"))
    }
}

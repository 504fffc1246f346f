import Foundation
import Testing
import TestSupport
@testable import ConfigurationMigration

/// Every schema file in the corpus: parses, writes back losslessly, Microsoft's files byte for byte.
@Suite struct CMTSchemaTests {
    static let schemaFiles: [String] = {
        var files: [String] = []
        for dir in ["schemas/microsoft", "schemas/filtered"] {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: TestPaths.cmt(dir).path)) ?? []
            files += names.filter { $0.hasSuffix(".xml") }.sorted().map { "\(dir)/\($0)" }
        }
        return files + ["packages/css-portal-2020/data_schema.xml", "packages/typed-2025/data_schema.xml"]
    }()

    @Test func corpusHasTheExpectedFiles() {
        #expect(Self.schemaFiles.count == 14)
    }

    @Test(arguments: schemaFiles)
    func parsesAndRoundTrips(_ path: String) throws {
        let data = try Data(contentsOf: TestPaths.cmt(path))
        let schema = try CMTSchema(data: data, file: path)
        #expect(schema.entities.count >= 3)
        for e in schema.entities {
            #expect(!e.fields.isEmpty, "\(e.name) has fields")
            #expect(e.fields.contains { $0.name == e.primaryIDField && $0.primaryKey == true }, "\(e.name) has its PK field")
            for f in e.fields { #expect(f.type != nil, "\(e.name).\(f.name) type \(f.typeName) is known") }
        }
        let written = schema.xmlData()
        let again = try CMTSchema(data: written, file: "written \(path)")
        #expect(again == schema)
        // CMT's own files come back byte for byte.
        #expect(written == data, "byte-exact rewrite of \(path)")
    }

    @Test func microsoftPortalSchemaFacts() throws {
        let schema = try CMTSchema(contentsOf: TestPaths.cmt("schemas/microsoft/Community_Portal.xml"))
        #expect(schema.entities.count == 43)
        #expect(schema.dateMode == nil && schema.entityImportOrder == nil && schema.declaresXSINamespace)
        #expect(schema.entities.allSatisfy { $0.disablePlugins })
        #expect(schema.entities.allSatisfy { $0.comparisonKeys == [$0.primaryIDField] })
        let annotation = try #require(schema.entity("annotation"))
        let objectid = try #require(annotation.field("objectid"))
        #expect(objectid.typeName == "entityreference" && objectid.lookupTypes.count > 80)
        #expect(objectid.lookupTypes.contains("adx_webfile"))
        let webpage = try #require(schema.entity("adx_webpage"))
        #expect(webpage.field("adx_parentpageid")?.lookupTypes == ["adx_webpage"])
        let tag = try #require(schema.entity("adx_tag"))
        let rel = try #require(tag.relationships.first { $0.name == "adx_webpage_tag" })
        #expect(rel.manyToMany && rel.isReflexive == false && rel.m2mTargetEntity == "adx_webpage")
        #expect(rel.m2mTargetEntityPrimaryKey == "adx_webpageid")
    }

    @Test func filterTextIsKeptExactly() throws {
        let schema = try CMTSchema(contentsOf: TestPaths.cmt("schemas/filtered/Custom_Portal.xml"))
        let snippet = try #require(schema.entity("adx_contentsnippet"))
        let filter = try #require(snippet.filter)
        #expect(filter.contains("<condition attribute=\"adx_websiteid\" operator=\"eq\""))
        #expect(filter.hasPrefix("\n"))
    }

    @Test func optionalAttributesAndCaseTolerance() throws {
        let xml = """
            <?xml version="1.0" encoding="utf-8"?>
            <entities dateMode="relative">
              <entityImportOrder><entityName>b</entityName><entityName>a</entityName></entityImportOrder>
              <entity name="a" displayname="A" etc="1" primaryidfield="aid" primarynamefield="n" disableplugins="True" skipupdate="FALSE">
                <fields>
                  <field displayname="A" name="aid" type="guid" primaryKey="true" updateCompare="True" />
                  <field displayname="When" name="w" type="datetime" dateMode="relativeDaily" />
                </fields>
              </entity>
            </entities>
            """
        let schema = try CMTSchema(data: Data(xml.utf8))
        #expect(schema.dateMode == "relative")
        #expect(schema.entityImportOrder == ["b", "a"])
        #expect(!schema.declaresXSINamespace)
        let a = try #require(schema.entity("a"))
        #expect(a.disablePlugins && a.skipUpdate == false)
        #expect(a.field("aid")?.updateCompare == true)
        #expect(a.field("w")?.dateMode == "relativeDaily")
        let text = schema.xmlText()
        #expect(text.hasPrefix("<entities  dateMode=\"relative\">"))
        #expect(text.contains("disableplugins=\"true\" skipupdate=\"false\""))
        #expect(!text.contains("True"))
        #expect(try CMTSchema(data: Data(text.utf8)) == schema)
    }

    @Test func badSchemasGiveClearErrors() throws {
        let noName = "<entities><entity displayname=\"x\" etc=\"1\" primaryidfield=\"a\"><fields /></entity></entities>"
        #expect { try CMTSchema(data: Data(noName.utf8), file: "s.xml") } throws: { error in
            guard let e = error as? CMTError else { return false }
            return e.kind == .invalidSchema && e.file == "s.xml" && e.line == 1 && e.message.contains("name")
        }
        let badBool = """
            <entities>
              <entity name="x" displayname="x" etc="1" primaryidfield="a" primarynamefield="n" disableplugins="maybe"><fields /></entity>
            </entities>
            """
        #expect { try CMTSchema(data: Data(badBool.utf8), file: "s.xml") } throws: { error in
            (error as? CMTError).map { $0.kind == .invalidSchema && $0.entity == "x" && $0.line == 2 } ?? false
        }
        #expect { try CMTSchema(data: Data("<entities><entity".utf8), file: "s.xml") } throws: { error in
            (error as? CMTError)?.kind == .malformedXML
        }
    }
}

import Foundation
import PortalModel
import Testing
import TestSupport
@testable import ConfigurationMigration

/// The schema generated from the catalog for each portal type against Microsoft's file.
@Suite struct CMTSchemaGeneratorTests {
    struct FieldFacts: Hashable, CustomStringConvertible {
        var name: String, type: String, lookupTypes: Set<String>, updateCompare: Bool, primaryKey: Bool
        var description: String {
            "\(name):\(type)\(lookupTypes.isEmpty ? "" : "→\(lookupTypes.sorted().joined(separator: "|"))")\(updateCompare ? " uc" : "")\(primaryKey ? " pk" : "")"
        }
    }
    struct RelationshipFacts: Hashable { var name: String, target: String?, targetKey: String?, manyToMany: Bool, reflexive: Bool }

    static func facts(_ e: CMTEntity) -> (Set<FieldFacts>, Set<RelationshipFacts>) {
        let fields = Set(
            e.fields.map {
                FieldFacts(
                    name: $0.name, type: $0.typeName, lookupTypes: Set($0.lookupTypes),
                    updateCompare: $0.updateCompare == true, primaryKey: $0.primaryKey == true)
            })
        let rels = Set(
            e.relationships.map {
                RelationshipFacts(
                    name: $0.name, target: $0.m2mTargetEntity, targetKey: $0.m2mTargetEntityPrimaryKey,
                    manyToMany: $0.manyToMany, reflexive: $0.isReflexive == true)
            })
        return (fields, rels)
    }

    @Test(arguments: PortalType.allCases)
    func generatedSchemaMatchesMicrosofts(_ portalType: PortalType) throws {
        let bytes = try Data(contentsOf: TestPaths.cmt("schemas/microsoft/\(portalType.schemaFileName)"))
        let microsoft = try CMTSchema(data: bytes, file: portalType.schemaFileName)
        let generated = try CMTSchemaGenerator.schema(for: portalType)
        #expect(Set(generated.entities.map(\.name)) == Set(microsoft.entities.map(\.name)))
        for m in microsoft.entities {
            guard let g = generated.entity(m.name) else { continue }
            #expect(g.primaryIDField == m.primaryIDField, "\(m.name) primary id")
            #expect(g.primaryNameField == m.primaryNameField, "\(m.name) primary name")
            #expect(g.disablePlugins == m.disablePlugins && g.skipUpdate == m.skipUpdate, "\(m.name) plug-ins")
            #expect(g.objectTypeCode == m.objectTypeCode, "\(m.name) etc")
            let (gf, gr) = Self.facts(g)
            let (mf, mr) = Self.facts(m)
            #expect(
                gf.subtracting(mf).isEmpty && mf.subtracting(gf).isEmpty,
                "\(portalType) \(m.name): extra \(gf.subtracting(mf)) missing \(mf.subtracting(gf))")
            #expect(gr == mr, "\(portalType) \(m.name) relationships")
        }
        // Written back, the generated schema reads as itself; with the catalog's order and display names
        // it is Microsoft's file byte for byte.
        #expect(try CMTSchema(data: generated.xmlData()) == generated)
        #expect(generated.xmlData() == bytes, "byte-identical to \(portalType.schemaFileName)")
    }

    /// The real binary prints the same bytes.
    @Test func commandPrintsTheSchema() async throws {
        let binary = TestPaths.portalMigrateBinary
        try #require(FileManager.default.isExecutableFile(atPath: binary.path), "build portal-migrate first")
        let good = try await CLI.run(["data", "schema", "--portalType", "customer-self-service"])
        #expect(good.exitCode == 0)
        #expect(good.stdoutData == (try Data(contentsOf: TestPaths.cmt("schemas/microsoft/Customer_SelfService_Portal.xml"))))

        let bad = try await CLI.run(["data", "schema", "--portalType", "intranet"])
        #expect(bad.exitCode == 64)
        #expect(bad.stderr.contains("customer-self-service"))
    }

    @Test func unknownPortalTypeCatalogIsAnError() {
        #expect(throws: CMTError.self) { try CMTSchemaGenerator.schema(for: .custom, catalog: TableCatalog(tables: [])) }
    }
}

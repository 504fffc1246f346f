import ConfigurationMigration
import Foundation
import Testing
import PortalModel
import LocalEnvironment
import TestSupport

/// Environments from a CMT schema and from the catalog minus columns, and concurrent writers.
@Suite struct SchemaAndConcurrencyTests {
    static let customSchema = """
        <entities xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
          <entity name="xyz_project" displayname="Project" etc="10500" primaryidfield="xyz_projectid" primarynamefield="xyz_name" disableplugins="false">
            <fields>
              <field displayname="Project" name="xyz_projectid" type="guid" primaryKey="true" />
              <field displayname="Name" name="xyz_name" type="string" customfield="true" />
              <field displayname="Budget" name="xyz_budget" type="money" customfield="true" />
              <field displayname="Start" name="xyz_start" type="datetime" customfield="true" />
              <field displayname="Website" name="xyz_websiteid" type="entityreference" lookupType="adx_website" customfield="true" />
              <field displayname="Tags" name="xyz_tags" type="optionsetvaluecollection" customfield="true" />
            </fields>
            <relationships>
              <relationship name="xyz_project_webrole" manyToMany="true" isreflexive="false" relatedEntityName="xyz_project_webrole" m2mTargetEntity="adx_webrole" m2mTargetEntityPrimaryKey="adx_webroleid" />
            </relationships>
          </entity>
          <entity name="adx_website" displayname="Website" etc="10019" primaryidfield="adx_websiteid" primarynamefield="adx_name">
            <fields>
              <field displayname="Website" name="adx_websiteid" type="guid" primaryKey="true" />
              <field displayname="Name" name="adx_name" type="string" />
            </fields>
          </entity>
          <entity name="adx_webrole" displayname="Web Role" etc="10018" primaryidfield="adx_webroleid" primarynamefield="adx_name">
            <fields>
              <field displayname="Web Role" name="adx_webroleid" type="guid" primaryKey="true" />
              <field displayname="Name" name="adx_name" type="string" />
            </fields>
          </entity>
        </entities>
        """

    @Test func cmtSchemaEnvironmentAcceptsCustomTablesAndRefusesUnknownColumns() async throws {
        let dir = try TestPaths.temporaryDirectory("pm-cmt")
        let schema = dir.appendingPathComponent("schema.xml")
        try Data(SchemaAndConcurrencyTests.customSchema.utf8).write(to: schema)
        let env = try LocalEnvironment.create(
            at: dir.appendingPathComponent("env.sqlite"),
            options: LocalEnvironmentOptions(name: "cmt", tables: .cmtSchema(schema)))
        let tables = try await env.tableDefinitions()
        let project = try #require(tables.first { $0.logicalName == "xyz_project" })
        #expect(project.entitySetName == "xyz_projects")
        #expect(project.column("xyz_websiteid")?.targets == ["adx_website"])
        #expect(project.column("xyz_tags")?.type == .multiChoice)
        // Only the schema's columns: the catalog's adx_website columns are not there.
        #expect(tables.first { $0.logicalName == "adx_website" }?.column("adx_primarydomainname") == nil)
        #expect(!tables.contains { $0.logicalName == "adx_webpage" })

        let site = EntityRecord("adx_website", id: UUID(), columns: ["adx_name": .string("S")])
        let role = EntityRecord("adx_webrole", id: UUID(), columns: ["adx_name": .string("R")])
        let p = EntityRecord(
            "xyz_project", id: UUID(),
            columns: [
                "xyz_name": .string("P"), "xyz_budget": .money(try #require(ExactDecimal("1000.50"))),
                "xyz_tags": .multiChoice([3, 1]), "xyz_websiteid": .lookup(site.reference),
            ])
        let results = try await env.execute([
            .create(site), .create(role), .create(p),
            .associate(relationship: "xyz_project_webrole", ManyToManyLink(p.reference, role.reference)),
        ])
        #expect(results.allSatisfy { $0.isSuccess }, "\(results.compactMap(\.error))")
        let read = try await env.retrieve("xyz_project", id: p.id)
        #expect(read["xyz_tags"] == .multiChoice([3, 1]))
        #expect(read["xyz_budget"]?.text == "1000.50")
        #expect(try await env.retrieveLinks(relationship: "xyz_project_webrole", firstIDs: [p.id]).count == 1)
        let unknown = try await env.execute([.create(EntityRecord("adx_website", id: UUID(), columns: ["adx_primarydomainname": .string("x")]))])
        #expect(unknown.first?.error?.code == "0x80048d19")
        // Provisioning needs the portal tables: with only a website table it writes what the schema has.
        let bad = dir.appendingPathComponent("bad.xml")
        try Data("<entities><entity name=\"x\"><fields/></entity></entities>".utf8).write(to: bad)
        #expect(throws: CMTError.self) {
            try LocalEnvironment.create(at: dir.appendingPathComponent("bad.sqlite"), options: LocalEnvironmentOptions(tables: .cmtSchema(bad)))
        }
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("bad.sqlite").path))
    }

    @Test func microsoftSchemaFileMakesAnEnvironment() async throws {
        let schema = TestPaths.cmt("schemas/microsoft/Customer_SelfService_Portal.xml")
        let env = try LocalEnvironmentSupport.make(LocalEnvironmentOptions(name: "css", tables: .cmtSchema(schema)))
        let names = Set(try await env.tableDefinitions().map(\.logicalName))
        #expect(names.isSuperset(of: ["adx_webpage", "adx_website", "adx_webfile", "adx_contentsnippet"]))
        let site = try await env.provision(template: "customer-self-service")
        #expect(site.recordCounts["adx_webpage", default: 0] > 10)
    }

    @Test func catalogMinusAColumnReproducesSchemaDrift() async throws {
        let env = try LocalEnvironmentSupport.make(
            LocalEnvironmentOptions(
                name: "drift", tables: .catalog(excludingTables: ["adx_ad"], excludingColumns: ["adx_webpage": ["adx_sharedpageconfiguration"]])))
        let tables = try await env.tableDefinitions()
        #expect(!tables.contains { $0.logicalName == "adx_ad" })
        let page = try #require(tables.first { $0.logicalName == "adx_webpage" })
        #expect(page.column("adx_sharedpageconfiguration") == nil)
        #expect(page.column("adx_partialurl") != nil)
        let site = try await env.provision(template: "starter")
        let write = EntityRecord(
            "adx_webpage", id: UUID(),
            columns: [
                "adx_websiteid": .lookup(EntityReference("adx_website", site.websiteId)), "adx_partialurl": .string("/"),
                "adx_sharedpageconfiguration": .boolean(true),
            ])
        #expect(try await env.execute([.create(write)]).first?.error?.code == "0x80048d19")
    }

    @Test func twoIndependentWritersDoNotCorruptTheFile() async throws {
        let dir = try TestPaths.temporaryDirectory("pm-two")
        let url = dir.appendingPathComponent("env.sqlite")
        try LocalEnvironment.create(at: url, options: LocalEnvironmentOptions(tables: .tables(LocalEnvironmentSupport.customTables())))
        let writerA = try LocalEnvironment(opening: url)
        let writerB = try LocalEnvironment(opening: url)
        let perWriter = 40, perBatch = 25
        async let a = write(writerA, tag: "a", batches: perWriter, size: perBatch)
        async let b = write(writerB, tag: "b", batches: perWriter, size: perBatch)
        let (idsA, idsB) = try await (a, b)
        let reader = try LocalEnvironment(opening: url)
        let all = try await reader.retrieveAll(RecordQuery("xyz_parent"), pageSize: 700)
        #expect(all.count == 2 * perWriter * perBatch)
        #expect(Set(all.map(\.id)) == idsA.union(idsB))
        // Row versions are unique across both writers.
        let versions = all.compactMap { r -> Int64? in
            if case .bigInt(let v)? = r["versionnumber"] { return v }; return nil
        }
        #expect(Set(versions).count == all.count)
        #expect(try await reader.integrityCheck() == ["ok"])
    }

    func write(_ env: LocalEnvironment, tag: String, batches: Int, size: Int) async throws -> Set<UUID> {
        var ids = Set<UUID>()
        for batch in 0..<batches {
            var ops: [DataverseOperation] = []
            for i in 0..<size {
                let id = UUID()
                ids.insert(id)
                ops.append(.create(EntityRecord("xyz_parent", id: id, columns: ["xyz_name": .string("\(tag)-\(batch)-\(i)")])))
            }
            let results = try await env.execute(ops, atomic: true)
            #expect(results.allSatisfy { $0.isSuccess })
            await Task.yield()
        }
        return ids
    }
}

import Foundation
import LocalEnvironment
import PortalModel
import Testing
import TestSupport
@testable import ConfigurationMigration

/// `partylist` columns (activity parties, research/cmt-format.md §2.5) are not carried: an empty party
/// list reads as no value, a non-empty one is refused naming file, line, entity, record and column, and
/// an export whose schema names a party list column of a table with records is refused the same way.
@Suite struct CMTPartyListTests {
    static let schema = """
        <entities><entity name="adx_alertsubscription" displayname="Alert Subscription" etc="10001" primaryidfield="activityid" primarynamefield="subject" disableplugins="false"><fields>
        <field displayname="Activity" name="activityid" type="guid" primaryKey="true" /><field displayname="Subject" name="subject" type="string" />
        <field displayname="Customers" name="customers" type="partylist" />
        </fields></entity></entities>
        """

    @Test func emptyPartyListIsNoValue() throws {
        let schema = try CMTSchema(data: Data(Self.schema.utf8))
        let xml = """
            <entities><entity name="adx_alertsubscription"><records>
            <record id="5b0b1a4e-0d3f-4a57-9d1e-3c2f4c5e6a01"><field name="subject" value="Alert" /><field name="customers" value="" lookupentity="" lookupentityname="" /></record>
            </records></entity></entities>
            """
        let file = try CMTDataFile(data: Data(xml.utf8), schema: schema)
        let r = try #require(file.snapshot.records["adx_alertsubscription"]?.first)
        #expect(r["subject"] == .string("Alert"))
        #expect(r.columns["customers"] == nil)
    }

    @Test func partiesAreRefusedNamingTheirPlace() throws {
        let schema = try CMTSchema(data: Data(Self.schema.utf8))
        let xml = """
            <entities><entity name="adx_alertsubscription"><records>
            <record id="5b0b1a4e-0d3f-4a57-9d1e-3c2f4c5e6a01"><field name="subject" value="Alert" />
            <field name="customers" value="" lookupentity="" lookupentityname="">
              <activitypointerrecords id="{7c1d2e3f-0000-4000-8000-000000000001}">
                <field name="partyid" value="0d7b6c1e-1111-4222-8333-444455556666" lookupentity="contact" lookupentityname="Ana" />
                <field name="participationtypemask" value="11" />
              </activitypointerrecords>
            </field></record>
            </records></entity></entities>
            """
        #expect { try CMTDataFile(data: Data(xml.utf8), schema: schema, file: "data.xml") } throws: { error in
            guard let e = error as? CMTError else { return false }
            return e.kind == .unsupportedValue && e.file == "data.xml" && e.line == 3 && e.entity == "adx_alertsubscription"
                && e.recordID == "5b0b1a4e-0d3f-4a57-9d1e-3c2f4c5e6a01" && e.field == "customers"
                && e.description.contains("1 in this record") && e.description.contains("field customers")
        }
    }

    @Test func exportRefusesAPartyListOfATableWithRecords() async throws {
        let dir = try TestPaths.temporaryDirectory("cmt-party")
        defer { try? FileManager.default.removeItem(at: dir) }
        let env = try LocalEnvironment.create(
            at: dir.appendingPathComponent("env.sqlite"),
            options: LocalEnvironmentOptions(behaviours: [], seedPortalLanguages: false))
        let site = UUID()
        let results = try await env.execute([.create(EntityRecord("adx_website", id: site, columns: ["adx_name": .string("Contoso")]))])
        let seeded = results.allSatisfy { $0.isSuccess }
        #expect(seeded, "\(results)")
        // adx_webpage has no record: its party list column does not matter; adx_website has one.
        let text = """
            <entities>
            <entity name="adx_webpage" displayname="Web Page" etc="10017" primaryidfield="adx_webpageid" primarynamefield="adx_name" disableplugins="false"><fields>
            <field displayname="Id" name="adx_webpageid" type="guid" primaryKey="true" /><field displayname="Name" name="adx_name" type="string" />
            <field displayname="Parties" name="parties" type="partylist" /></fields></entity>
            <entity name="adx_website" displayname="Website" etc="10027" primaryidfield="adx_websiteid" primarynamefield="adx_name" disableplugins="false"><fields>
            <field displayname="Id" name="adx_websiteid" type="guid" primaryKey="true" /><field displayname="Name" name="adx_name" type="string" />
            <field displayname="Parties" name="parties" type="partylist" /></fields></entity>
            </entities>
            """
        let schema = try CMTSchema(data: Data(text.utf8))
        await #expect { try await CMTExporter(service: env).export(schema: schema) } throws: { error in
            guard let e = error as? CMTError else { return false }
            return e.kind == .unsupportedValue && e.entity == "adx_website" && e.recordID == site.dataverseString && e.field == "parties"
        }
        // Without the party list columns the same export works.
        var plain = schema
        for i in plain.entities.indices { plain.entities[i].fields.removeAll { $0.isPartyList } }
        let package = try await CMTExporter(service: env).export(schema: plain)
        #expect(package.snapshot.records["adx_website"]?.map(\.id) == [site])
    }
}

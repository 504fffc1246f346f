import Foundation
import Testing
@testable import DataverseWebAPI
import PortalModel

/// Requests and responses as research/dataverse-webapi.md shows them, checked without a network.
@Suite struct RequestEncodingTests {
    @Test func queryHeadersSelectFilterAndResponseShape() async throws {
        // §2.3 response example, verbatim apart from the ids.
        let body = """
            {
              "@odata.context": "https://org.crm.dynamics.com/api/data/v9.2/$metadata#adx_webpages(adx_name,_adx_parentpageid_value)",
              "value": [
                {
                  "@odata.etag": "W/\\"81359849\\"",
                  "adx_name": "Home",
                  "_adx_parentpageid_value@OData.Community.Display.V1.FormattedValue": "Root",
                  "_adx_parentpageid_value@Microsoft.Dynamics.CRM.associatednavigationproperty": "adx_parentpageid",
                  "_adx_parentpageid_value@Microsoft.Dynamics.CRM.lookuplogicalname": "adx_webpage",
                  "_adx_parentpageid_value": "70bf4d48-34cb-ed11-b596-0022481d68cd",
                  "adx_webpageid": "78914942-34cb-ed11-b596-0022481d68cd"
                }
              ]
            }
            """
        let (client, transport) = try Fixtures.client { _, _ in Fixtures.json(body) }
        let q = RecordQuery(
            "adx_webpage", columns: ["adx_name", "adx_parentpageid"],
            filter: .and([.equal("adx_websiteid", .guid(Fixtures.website)), .equal("adx_name", .string("O'Bryan & Co+1"))]))
        let page = try await client.retrieve(q, pageSize: 100, page: nil)
        let r = try #require(transport.dataRequests.first)
        #expect(r.method == "GET")
        #expect(
            r.url.absoluteString == "https://org.crm.dynamics.com/api/data/v9.2/adx_webpages?$select=adx_webpageid,adx_name,_adx_parentpageid_value"
                + "&$filter=(_adx_websiteid_value%20eq%205f2c0000-0000-0000-0000-000000000001)%20and%20(adx_name%20eq%20'O''Bryan%20%26%20Co%2B1')")
        #expect(r.header("Accept") == "application/json")
        #expect(r.header("OData-MaxVersion") == "4.0")
        #expect(r.header("OData-Version") == "4.0")
        #expect(r.header("If-None-Match") == "null")
        #expect(r.header("Authorization") == "Bearer tok-1")
        #expect(r.header("Prefer") == "odata.maxpagesize=100,odata.include-annotations=\"Microsoft.Dynamics.CRM.lookuplogicalname\"")
        #expect(page.records.count == 1)
        let rec = try #require(page.records.first)
        #expect(rec.id == Fixtures.page)
        #expect(rec["adx_name"] == .string("Home"))
        #expect(rec["adx_parentpageid"] == .lookup(EntityReference("adx_webpage", Fixtures.parent)))
        #expect(rec["adx_parentpageid"]?.reference?.name == "Root")
        #expect(page.nextPage == nil)
    }

    @Test func filterForms() throws {
        let table = MetadataDecoder.fromCatalog(try #require(Fixtures.catalog.table("adx_webpage")))
        let e = ODataQueryEncoder(table: table)
        #expect(e.filter(.isNotNull("adx_parentpageid")) == "_adx_parentpageid_value ne null")
        #expect(e.filter(.string(.startswith, "adx_name", "a'b")) == "startswith(adx_name,'a''b')")
        #expect(
            e.filter(.in("adx_name", [.string("A"), .string("O'Brian")]))
                == #"Microsoft.Dynamics.CRM.In(PropertyName='adx_name',PropertyValues=["A","O'Brian"])"#)
        #expect(e.filter(.not(.compare("adx_displayorder", .ge, .integer(3)))) == "not (adx_displayorder ge 3)")
        #expect(
            e.filter(.or([.equal("adx_hiddenfromsitemap", .boolean(true)), .isNull("adx_partialurl")]))
                == "(adx_hiddenfromsitemap eq true) or (adx_partialurl eq null)")
        let when = try #require(DateTimeValue(iso8601: "2023-04-07T21:59:01Z"))
        #expect(e.filter(.compare("modifiedon", .gt, .dateTime(when))) == "modifiedon gt 2023-04-07T21:59:01Z")
        #expect(
            e.filter(.equal("adx_webpageid", .string("78914942-34CB-ED11-B596-0022481D68CD")))
                == "adx_webpageid eq 78914942-34cb-ed11-b596-0022481d68cd")
        let (q, useTop) = e.queryString(RecordQuery("adx_webpage", orderBy: [.init("adx_name", descending: true)], top: 5), pageSize: 5000)
        #expect(q == "$orderby=adx_name%20desc,adx_webpageid%20asc&$top=5")
        #expect(useTop)
    }

    @Test func createUpdateUpsertDeleteForms() async throws {
        let (client, _) = try Fixtures.client { r, _ in
            if r.method == "POST" {
                return HTTPResponseMessage(
                    status: 204,
                    headers: [("OData-EntityId", "https://org.crm.dynamics.com/api/data/v9.2/adx_webpages(78914942-34cb-ed11-b596-0022481d68cd)")])
            }
            return HTTPResponseMessage(status: 204)
        }
        let page = EntityRecord(
            "adx_webpage", id: Fixtures.page,
            columns: [
                "adx_name": .string("About"), "adx_partialurl": .string("about"),
                "adx_websiteid": .lookup(EntityReference("adx_website", Fixtures.website)),
                "adx_parentpageid": .lookup(EntityReference("adx_webpage", Fixtures.parent)),
                "adx_publishingstateid": .null,
            ])
        let ops: [DataverseOperation] = [.create(page), .update(page), .upsert(page), .delete("adx_webpage", Fixtures.page)]
        let results = try await client.execute([ChangeSet(ops, atomic: false)], options: ExecuteOptions(bypassCustomPlugins: true))
        #expect(results.allSatisfy { $0.isSuccess })
        // batchSize 10 sends them as one $batch of independent requests; check the single form too.
        let single = try Fixtures.client(batchSize: 1) { r, _ in HTTPResponseMessage(status: 204) }
        _ = try await single.0.execute([ChangeSet(ops, atomic: false)], options: ExecuteOptions(bypassCustomPlugins: true))
        let rs = single.1.dataRequests
        #expect(rs.map(\.method) == ["POST", "PATCH", "PATCH", "DELETE"])
        #expect(rs[0].url.absoluteString == "https://org.crm.dynamics.com/api/data/v9.2/adx_webpages")
        // §3.1: the id in the body, lookups through @odata.bind, a null lookup left out on create.
        #expect(
            rs[0].bodyText
                == #"{"adx_webpageid":"78914942-34cb-ed11-b596-0022481d68cd","adx_name":"About","adx_parentpageid@odata.bind":"/adx_webpages(70bf4d48-34cb-ed11-b596-0022481d68cd)","adx_partialurl":"about","adx_websiteid@odata.bind":"/adx_websites(5f2c0000-0000-0000-0000-000000000001)"}"#
        )
        #expect(rs[0].header("Content-Type") == "application/json; charset=utf-8")
        #expect(rs[1].url.absoluteString.hasSuffix("/adx_webpages(78914942-34cb-ed11-b596-0022481d68cd)"))
        #expect(rs[1].header("If-Match") == "*")
        // §3.2: clearing a lookup on update binds null.
        #expect(rs[1].bodyText.contains(#""adx_publishingstateid@odata.bind":null"#))
        #expect(rs[2].header("If-Match") == nil)
        #expect(rs[3].url.absoluteString.hasSuffix("/adx_webpages(78914942-34cb-ed11-b596-0022481d68cd)"))
        #expect(rs.allSatisfy { $0.header("MSCRM.BypassCustomPluginExecution") == "true" })
    }

    @Test func navigationNamesFromMetadataAreCaseSensitive() async throws {
        let (client, transport) = try Fixtures.client(batchSize: 1) { _, _ in HTTPResponseMessage(status: 204) }
        let lang = EntityRecord(
            "adx_websitelanguage", id: UUID(), columns: ["adx_websiteid": .lookup(EntityReference("adx_website", Fixtures.website))])
        _ = try await client.execute([.upsert(lang)])
        #expect(transport.dataRequests.first?.bodyText == #"{"adx_WebsiteId@odata.bind":"/adx_websites(5f2c0000-0000-0000-0000-000000000001)"}"#)
    }

    @Test func associateAndDisassociateTreatExistingOrMissingLinksAsSuccess() async throws {
        let (client, transport) = try Fixtures.client(batchSize: 1) { r, _ in
            if r.method == "POST" {
                return Fixtures.json(#"{"error":{"code":"0x80040237","message":"Cannot insert duplicate key."}}"#, status: 412)
            }
            return Fixtures.json(#"{"error":{"code":"0x80040217","message":"The link does not exist."}}"#, status: 404)
        }
        let link = ManyToManyLink(EntityReference("adx_entitypermission", Fixtures.permission), EntityReference("adx_webrole", Fixtures.role))
        let results = try await client.execute([
            .associate(relationship: "adx_entitypermission_webrole", link),
            .disassociate(relationship: "adx_entitypermission_webrole", link),
        ])
        #expect(results.allSatisfy { $0.isSuccess })
        let rs = transport.dataRequests
        // §3.7
        #expect(
            rs[0].url.absoluteString
                == "https://org.crm.dynamics.com/api/data/v9.2/adx_entitypermissions(0a1b0000-0000-0000-0000-000000000002)/adx_entitypermission_webrole/$ref"
        )
        #expect(rs[0].bodyText == #"{"@odata.id":"https://org.crm.dynamics.com/api/data/v9.2/adx_webroles(0a1b0000-0000-0000-0000-000000000003)"}"#)
        #expect(rs[1].method == "DELETE")
        #expect(
            rs[1].url.absoluteString
                == "https://org.crm.dynamics.com/api/data/v9.2/adx_entitypermissions(0a1b0000-0000-0000-0000-000000000002)/adx_entitypermission_webrole(0a1b0000-0000-0000-0000-000000000003)/$ref"
        )
    }

    @Test func errorBodyBecomesTypedError() async throws {
        let (client, _) = try Fixtures.client(batchSize: 1) { _, _ in
            Fixtures.json(
                #"{"error":{"code":"0x80040217","message":"adx_webpage With Id = 78914942-34cb-ed11-b596-0022481d68cd Does Not Exist"}}"#, status: 404
            )
        }
        let results = try await client.execute([.update(EntityRecord("adx_webpage", id: Fixtures.page, columns: ["adx_name": .string("x")]))])
        let e = try #require(results.first?.error)
        #expect(e.httpStatus == 404)
        #expect(e.code == DataverseError.Code.objectDoesNotExist)
        #expect(e.message.hasSuffix("Does Not Exist"))
        #expect(e.method == "PATCH")
        #expect(e.path == "/api/data/v9.2/adx_webpages(78914942-34cb-ed11-b596-0022481d68cd)")
        #expect(e.logicalName == "adx_webpage")
        #expect(e.recordID == Fixtures.page)
        #expect(!e.description.contains("tok-1"))
    }

    @Test func whoAmIOrganizationAndVersion() async throws {
        let (client, _) = try Fixtures.client { r, _ in
            switch r.url.lastPathComponent {
            case "WhoAmI()":
                return Fixtures.json(
                    #"{"@odata.context":"https://org.crm.dynamics.com/api/data/v9.2/$metadata#Microsoft.Dynamics.CRM.WhoAmIResponse","BusinessUnitId":"ded5a64f-0000-0000-0000-000000000001","UserId":"d96e9f55-0000-0000-0000-000000000002","OrganizationId":"4faf1f34-0000-0000-0000-000000000003"}"#
                )
            case "RetrieveVersion()":
                return Fixtures.json(
                    #"{"@odata.context":"https://org.crm.dynamics.com/api/data/v9.2/$metadata#Microsoft.Dynamics.CRM.RetrieveVersionResponse","Version":"9.2.25093.00168"}"#
                )
            default:
                #expect(r.url.query == "$select=organizationid,name,languagecode,blockedattachments,maxuploadfilesize")
                return Fixtures.json(
                    #"{"value":[{"organizationid":"4faf1f34-0000-0000-0000-000000000003","name":"contoso","languagecode":1033,"blockedattachments":"ade;adp;App;.js","maxuploadfilesize":5242880}]}"#
                )
            }
        }
        let who = try await client.whoAmI()
        #expect(who.userID.dataverseString == "d96e9f55-0000-0000-0000-000000000002")
        #expect(who.businessUnitID.dataverseString == "ded5a64f-0000-0000-0000-000000000001")
        let org = try await client.organizationInfo()
        #expect(org.languageCode == 1033)
        #expect(org.blockedAttachments == ["ade", "adp", "app", "js"])
        #expect(org.maxUploadFileSize == 5_242_880)
        #expect(org.version == "9.2.25093.00168")
        #expect(org.organizationID == who.organizationID)
    }

    @Test func metadataDecodesNavigationNamesAndTypes() throws {
        let entity = try JSONValue.parse(
            """
            {"LogicalName":"adx_websitelanguage","EntitySetName":"adx_websitelanguages","PrimaryIdAttribute":"adx_websitelanguageid",
             "PrimaryNameAttribute":"adx_name","DisplayName":{"UserLocalizedLabel":{"Label":"Website Language"}},
             "Attributes":[{"LogicalName":"adx_websitelanguageid","AttributeType":"Uniqueidentifier","AttributeOf":null},
                           {"LogicalName":"adx_websiteid","AttributeType":"Lookup","AttributeOf":null},
                           {"LogicalName":"adx_websiteidname","AttributeType":"String","AttributeOf":"adx_websiteid"},
                           {"LogicalName":"adx_content","AttributeType":"Virtual","AttributeTypeName":{"Value":"FileType"}},
                           {"LogicalName":"adx_status","AttributeType":"ManagedProperty"}]}
            """)
        let n1 = try JSONValue.parse(
            #"[{"ReferencingAttribute":"adx_websiteid","ReferencedEntity":"adx_website","ReferencingEntityNavigationPropertyName":"adx_WebsiteId"}]"#)
        let t = try MetadataDecoder.decode(entity, manyToOne: n1.arrayValue, manyToMany: [], catalog: TableCatalog(tables: []))
        #expect(t.definition.entitySetName == "adx_websitelanguages")
        #expect(t.definition.columns.map(\.logicalName) == ["adx_websitelanguageid", "adx_websiteid", "adx_content"])
        #expect(t.type(of: "adx_content") == .file)
        #expect(t.definition.column("adx_websiteid")?.targets == ["adx_website"])
        #expect(t.navigationProperty(column: "adx_websiteid", target: "adx_website") == "adx_WebsiteId")
        #expect(t.definition.displayName == "Website Language")
    }

    @Test func polymorphicLookupUsesPerTargetNavigation() throws {
        let annotation = MetadataDecoder.fromCatalog(try #require(Fixtures.catalog.table("annotation")))
        #expect(annotation.navigationProperty(column: "objectid", target: "adx_webfile") == "objectid_adx_webfile")
        let coding = RecordCoding(table: annotation) { $0 + "s" }
        let note = EntityRecord(
            "annotation", id: Fixtures.page,
            columns: [
                "objectid": .lookup(EntityReference("adx_webfile", Fixtures.parent)),
                "documentbody": .string("iVBORw0KGgo="),
            ])
        #expect(
            try coding.body(note, includeID: true).serialized
                == #"{"annotationid":"78914942-34cb-ed11-b596-0022481d68cd","documentbody":"iVBORw0KGgo=","objectid_adx_webfile@odata.bind":"/adx_webfiles(70bf4d48-34cb-ed11-b596-0022481d68cd)"}"#
        )
    }
}

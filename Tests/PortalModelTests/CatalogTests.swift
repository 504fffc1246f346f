import Foundation
import Testing
import TestSupport
@testable import PortalModel

/// Unit tests of `TableCatalog.standard`: lookups by name, entity set and relationship, navigation
/// names, natural keys, system and enhanced tables, and the catalog text parser.
@Suite struct CatalogTests {
    let catalog = TableCatalog.standard

    @Test func everyBlockParsesAndNamesAreUnique() throws {
        let tables = try CatalogTextParser.parse(CatalogData.blocks)
        #expect(tables.count == catalog.tables.count)
        #expect(Set(tables.map(\.logicalName)).count == tables.count, "duplicate logical names")
        let sets = tables.map(\.entitySetName)
        #expect(Set(sets).count == sets.count, "duplicate entity set names")
        for t in tables {
            #expect(t.column(t.primaryIDColumn)?.type == .uniqueIdentifier, "\(t.logicalName) primary id column")
            if let n = t.primaryNameColumn { #expect(t.column(n) != nil, "\(t.logicalName) primary name column \(n)") }
            #expect(t.entitySetNameSource != nil, "\(t.logicalName) entity set has no source")
            #expect(t.source != nil)
            let names = t.columns.map(\.logicalName)
            #expect(Set(names).count == names.count, "\(t.logicalName) duplicate columns")
        }
    }

    @Test func parserReportsBlockAndLine() {
        let bad = "S x|y\nT t|T|ts|@x|tid|name|standard|-|||@x\nC tid|nosuchtype|Id|-||||"
        do {
            _ = try CatalogTextParser.parse([("test", bad)])
            Issue.record("expected an error")
        } catch let error as CatalogTextError {
            #expect(error.block == "test")
            #expect(error.line == 3)
            #expect(error.message.contains("nosuchtype"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
        #expect(throws: CatalogTextError.self) { try CatalogTextParser.parse([("t", "C x|string|X|-||||")]) }
        #expect(throws: CatalogTextError.self) { try CatalogTextParser.parse([("t", "T a|A|as|@nosource|aid|n|standard|-|||")]) }
    }

    @Test func requiredTablesArePresent() {
        let required = [
            // pac-only tables named by the issue
            "adx_columnpermissionprofile", "adx_columnpermission", "adx_botconsumer", "adx_cloudflowconsumer",
            // system tables portal lookups point to
            "contact", "account", "systemuser", "businessunit", "subject", "organization", "transactioncurrency",
            "team", "annotation",
            // enhanced data model
            "powerpagesite", "powerpagesitelanguage", "powerpagecomponent",
        ]
        let missing = required.filter { catalog.table($0) == nil }
        #expect(missing.isEmpty, "missing tables: \(missing)")
        #expect(catalog.table("adx_website")?.column("adx_defaultbotconsumerid")?.targets == ["adx_botconsumer"])
        #expect(catalog.tables(in: .enhanced).map(\.logicalName) == ["powerpagecomponent", "powerpagesite", "powerpagesitelanguage"])
        #expect(catalog.table("contact")?.dataModel == .system)
        #expect(catalog.table("adx_webpage")?.dataModel == .standard)
    }

    @Test func lookupByEntitySet() {
        #expect(catalog.table(entitySet: "adx_webpages")?.logicalName == "adx_webpage")
        #expect(catalog.table(entitySet: "adx_websitelanguages")?.logicalName == "adx_websitelanguage")
        #expect(catalog.table(entitySet: "annotations")?.logicalName == "annotation")
        #expect(catalog.table(entitySet: "powerpagecomponents")?.logicalName == "powerpagecomponent")
        #expect(catalog.table(entitySet: "transactioncurrencies")?.logicalName == "transactioncurrency")
        #expect(catalog.table(entitySet: "adx_webpage") == nil)
    }

    @Test func everyLookupTargetIsInTheCatalog() {
        var missing: [String] = []
        for t in catalog.tables.values {
            for c in t.lookups where !(t.logicalName == "annotation" && c.logicalName == "objectid") {
                for target in c.targets where catalog.table(target) == nil { missing.append("\(t.logicalName).\(c.logicalName) → \(target)") }
                if c.targets.isEmpty { missing.append("\(t.logicalName).\(c.logicalName) has no target") }
            }
            for r in t.relationships where catalog.table(r.entity1) == nil || catalog.table(r.entity2) == nil {
                missing.append("N:N \(r.name)")
            }
        }
        #expect(missing.isEmpty, "lookup targets not in the catalog:\n\(missing.sorted().joined(separator: "\n"))")
    }

    @Test func navigationPropertiesKeepTheirCase() throws {
        func nav(_ t: String, _ c: String) -> String? { catalog.table(t)?.column(c)?.navigationProperty }
        #expect(nav("adx_websitelanguage", "adx_websiteid") == "adx_WebsiteId")
        #expect(nav("adx_websitelanguage", "adx_portallanguageid") == "adx_PortalLanguageId")
        #expect(nav("adx_websitelanguage", "adx_publishingstate") == "adx_PublishingState")
        #expect(nav("adx_website", "adx_defaultlanguage") == "adx_DefaultLanguage")
        #expect(nav("adx_publishingstatetransitionrule", "adx_fromstate_publishingstateid") == "adx_FromState_PublishingStateId")
        #expect(nav("adx_publishingstatetransitionrule", "adx_tostate_publishingstateid") == "adx_ToState_PublishingStateId")
        #expect(nav("adx_webpage", "adx_parentpageid") == "adx_parentpageid")
        let objectid = try #require(catalog.table("annotation")?.column("objectid"))
        #expect(objectid.navigationProperty(forTarget: "adx_webfile") == "objectid_adx_webfile")
        #expect(objectid.navigationProperty(forTarget: "nosuchtable") == nil)
        #expect(objectid.navigationProperty(forTarget: "adx_webpage") == "objectid_adx_webpage")
        #expect(objectid.navigationProperty == "objectid_adx_webfile", "a polymorphic lookup carries its main target's name")
        let note = try #require(catalog.table("annotation"))
        #expect(note.lookup(navigationProperty: "objectid_adx_webfile")?.column.logicalName == "objectid")
        #expect(note.lookup(navigationProperty: "objectid_adx_webfile")?.target == "adx_webfile")
        #expect(note.lookup(navigationProperty: "objectid") == nil)
        let language = try #require(catalog.table("adx_websitelanguage"))
        #expect(language.lookup(navigationProperty: "adx_WebsiteId")?.column.logicalName == "adx_websiteid")
        #expect(language.lookup(navigationProperty: "adx_websiteid") == nil, "navigation names are case-sensitive")
        #expect(catalog.table("contact")?.lookup(navigationProperty: "ownerid")?.target == nil)
        #expect(catalog.table("contact")?.lookup(navigationProperty: "ownerid")?.column.type == .owner)
        let site = try #require(catalog.table("adx_websitelanguage")?.column("adx_websiteid"))
        #expect(site.navigationProperty(forTarget: "adx_website") == "adx_WebsiteId")
        // Every lookup either has a navigation name or is polymorphic; every name has a source.
        for t in catalog.tables.values {
            for c in t.lookups {
                #expect(c.navigationPropertySource != nil, "\(t.logicalName).\(c.logicalName) navigation has no source")
                if c.targets.count == 1 { #expect(c.navigationProperty != nil, "\(t.logicalName).\(c.logicalName)") }
            }
        }
    }

    @Test func relationshipsAreIndexedAndAttachedToBothTables() throws {
        let r = try #require(catalog.relationship("adx_entitypermission_webrole"))
        #expect(r.entity1 == "adx_entitypermission" && r.entity2 == "adx_webrole")
        #expect(r.intersectEntity == "adx_entitypermission_webrole")
        #expect(r.entity1IDColumn == "adx_entitypermissionid" && r.entity2IDColumn == "adx_webroleid")
        #expect(r.portalTypes == Set(PortalType.allCases))
        #expect(catalog.table("adx_webrole")?.relationships.contains { $0.name == r.name } == true)
        let cloud = try #require(catalog.relationship("adx_CloudFlowConsumer_adx_webrole"))
        #expect(cloud.entity1NavigationProperty == "adx_CloudFlowConsumer_adx_webrole")
        let selfRel = try #require(catalog.relationship("powerpagecomponent_powerpagecomponent"))
        #expect(selfRel.entity1IDColumn == "powerpagecomponentidone" && selfRel.entity2IDColumn == "powerpagecomponentidtwo")
        #expect(catalog.table("powerpagecomponent")?.relationships.filter { $0.name == selfRel.name }.count == 1)
        #expect(catalog.relationship("adx_website_list")?.portalTypes.contains(.starter) == false)
    }

    @Test func naturalKeysOfTheMainTables() throws {
        func key(_ t: String) -> [String] { catalog.table(t)?.naturalKey ?? ["<missing table>"] }
        #expect(key("adx_webpage") == ["adx_websiteid", "adx_parentpageid", "adx_partialurl", "adx_webpagelanguageid"])
        #expect(key("adx_portallanguage") == ["adx_lcid"])
        #expect(key("adx_websitelanguage") == ["adx_websiteid", "adx_portallanguageid"])
        #expect(key("adx_sitesetting") == ["adx_websiteid", "adx_name"])
        #expect(key("adx_contentsnippet") == ["adx_websiteid", "adx_name", "adx_contentsnippetlanguageid"])
        #expect(key("adx_webtemplate") == ["adx_websiteid", "adx_name"])
        #expect(key("adx_pagetemplate") == ["adx_websiteid", "adx_name"])
        #expect(key("adx_webrole") == ["adx_websiteid", "adx_name"])
        #expect(key("adx_publishingstate") == ["adx_websiteid", "adx_name"])
        #expect(key("adx_sitemarker") == ["adx_websiteid", "adx_name"])
        #expect(key("adx_webfile") == ["adx_websiteid", "adx_parentpageid", "adx_partialurl"])
        #expect(key("adx_entitypermission") == ["adx_websiteid", "adx_entityname"])
        #expect(key("systemuser").isEmpty && key("businessunit").isEmpty)
        // Every portal table has a natural key and every key column exists.
        for t in catalog.tables.values {
            if t.dataModel != .system && !(t.source?.contains("only its id") ?? false) {
                #expect(!t.naturalKey.isEmpty, "\(t.logicalName) has no natural key")
            }
            for k in t.naturalKey { #expect(t.column(k) != nil, "\(t.logicalName) natural key column \(k) missing") }
        }
    }

    @Test func enhancedComponentTypes() {
        #expect(PowerPageComponentType.allCases.count == 31)
        #expect(PowerPageComponentType(rawValue: 2) == .webPage)
        #expect(PowerPageComponentType.webPage.standardTable == "adx_webpage")
        #expect(PowerPageComponentType(standardTable: "adx_entityform") == .basicForm)
        #expect(PowerPageComponentType(standardTable: "adx_website") == nil)
        #expect(PowerPageComponentType(rawValue: 14) == nil)
        #expect(PowerPageComponentType.tablePermission.rawValue == 18)
        #expect(PowerPageComponentType.serverLogic.rawValue == 35)
        // Every mapped table other than mspp_uxcomponent is in the catalog.
        let missing = PowerPageComponentType.allCases.filter { $0 != .uxComponent && catalog.table($0.standardTable) == nil }
        #expect(missing.isEmpty, "component types whose adx table is missing: \(missing)")
        let labels = PowerPageComponentType.allCases.map(\.label)
        #expect(Set(labels).count == labels.count)
    }

    @Test func organizationAndAnnotationColumns() {
        let org = catalog.table("organization")
        for c in ["languagecode", "blockedattachments", "maxuploadfilesize", "name", "versionnumber"] {
            #expect(org?.column(c) != nil, "organization.\(c)")
        }
        #expect(org?.column("maxuploadfilesize")?.type == .integer)
        let note = catalog.table("annotation")
        for c in ["objectid", "documentbody", "filename", "mimetype", "filesize", "notetext", "subject", "isdocument"] {
            #expect(note?.column(c) != nil, "annotation.\(c)")
        }
        #expect(note?.column("objectid")?.targets.contains("adx_webfile") == true)
        #expect(note?.column("documentbody")?.type == .memo)
        #expect(note?.column("isdocument")?.type == .boolean)
    }

    /// Every entity set or navigation name whose source is inferred is listed in CATALOG.md under
    /// "to confirm on a real environment".
    @Test func inferredNamesAreListedInTheDocumentation() throws {
        let doc = try String(
            contentsOf: TestPaths.repositoryRoot.appendingPathComponent("Sources/PortalModel/Catalog/CATALOG.md"),
            encoding: .utf8)
        let section = try #require(doc.range(of: "## To confirm on a real environment")).upperBound
        let toConfirm = String(doc[section...])
        var unlisted: [String] = []
        for t in catalog.tables.values {
            if t.entitySetNameSource?.contains("[I]") == true, !toConfirm.contains("`\(t.entitySetName)`") {
                unlisted.append("entity set \(t.entitySetName)")
            }
            for c in t.lookups where c.navigationPropertySource?.contains("[I]") == true {
                if let n = c.navigationProperty, !toConfirm.contains("`\(t.logicalName).\(n)`") {
                    unlisted.append("navigation \(t.logicalName).\(n)")
                }
            }
            for r in t.relationships where r.entity1 == t.logicalName && r.source?.contains("[I]") == true {
                if !toConfirm.contains("`\(r.name)`") { unlisted.append("N:N \(r.name)") }
            }
        }
        #expect(unlisted.isEmpty, "inferred names missing from CATALOG.md:\n\(unlisted.sorted().joined(separator: "\n"))")
    }
}

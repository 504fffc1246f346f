import Foundation
import Testing
import PortalModel
import PortalFolder
import TestSupport

/// Issue 9, step 1: a standard-shaped snapshot (as a v2 pac folder reads) ↔ an enhanced snapshot
/// (`powerpagesite`, `powerpagesitelanguage`, `powerpagecomponent`), on the real v2 corpus folder.
@Suite struct EnhancedMappingTests {
    static let v2Folder = "rcsa-enhanced-2025"

    static func readV2() throws -> PortalFolderContent {
        try PortalFolder().readEnhanced(TestPaths.pacFolder(v2Folder))
    }

    /// Every difference between two standard snapshots, as lines (empty when equal).
    static func differences(_ a: PortalSnapshot, _ b: PortalSnapshot) -> [String] {
        var out: [String] = []
        for table in Set(a.tableNames + b.tableNames).sorted() {
            let ra = Dictionary((a.records[table] ?? []).map { ($0.id, $0) }, uniquingKeysWith: { x, _ in x })
            let rb = Dictionary((b.records[table] ?? []).map { ($0.id, $0) }, uniquingKeysWith: { x, _ in x })
            for id in Set(ra.keys).union(rb.keys).sorted(by: { $0.dataverseString < $1.dataverseString }) {
                guard let x = ra[id] else { out.append("\(table) \(id.dataverseString): only after"); continue }
                guard let y = rb[id] else { out.append("\(table) \(id.dataverseString): only before"); continue }
                for c in Set(x.columns.keys).union(y.columns.keys).sorted() where x.columns[c] != y.columns[c] {
                    out.append("\(table) \(id.dataverseString) \(c): \(String(describing: x.columns[c])) != \(String(describing: y.columns[c]))")
                }
            }
        }
        for rel in Set(a.links.keys).union(b.links.keys).sorted() where (a.links[rel] ?? []) != (b.links[rel] ?? []) {
            out.append("links \(rel): \(a.links[rel]?.count ?? 0) != \(b.links[rel]?.count ?? 0)")
        }
        if a.bodies != b.bodies { out.append("bodies: \(a.bodies.count) != \(b.bodies.count) or differ") }
        return out
    }

    @Test func folderToEnhancedAndBackIsTheSameSnapshot() throws {
        let content = try Self.readV2()
        let standard = content.snapshot
        let mapping = EnhancedSnapshotMapping()
        let conversion = try mapping.enhanced(from: standard)
        let enhanced = conversion.snapshot
        // The enhanced snapshot holds only the three enhanced tables.
        #expect(Set(enhanced.tableNames).isSubset(of: ["powerpagesite", "powerpagesitelanguage", "powerpagecomponent"]))
        #expect(enhanced.records["powerpagesite"]?.count == 1)
        #expect(enhanced.records["powerpagesitelanguage"]?.count == standard.records["adx_websitelanguage"]?.count)
        let componentTables = standard.tableNames.filter { PowerPageComponentType(standardTable: $0) != nil }
        let componentCount = componentTables.reduce(0) { $0 + (standard.records[$1]?.count ?? 0) }
        #expect(enhanced.records["powerpagecomponent"]?.count == componentCount)
        // Every web file body moved to the file column; nothing of the v2 folder is left out.
        #expect(enhanced.bodies.keys.allSatisfy { $0.logicalName == "powerpagecomponent" && $0.column == "filecontent" })
        #expect(enhanced.bodies.count == standard.bodies.count)
        #expect(conversion.notMigrated.isEmpty, "\(conversion.notMigratedLines)")
        #expect(conversion.notMigratedLinks.isEmpty, "\(conversion.notMigratedLines)")

        let back = try mapping.standard(from: enhanced)
        let diffs = Self.differences(standard, back)
        #expect(diffs.isEmpty, "\(diffs.count) differences: \(diffs.prefix(30).joined(separator: "\n"))")
    }
}

extension EnhancedMappingTests {
    /// Every YAML key of every record of the v2 folder is understood: the record's id, a column that
    /// lands in the component's `content` (or one of its columns), an N:N relationship whose links
    /// land in `content` arrays, or a web file's note key that lands in the file column.
    @Test func everyYAMLKeyOfTheV2FolderIsUnderstood() throws {
        let content = try Self.readV2()
        let standard = content.snapshot
        let conversion = try EnhancedSnapshotMapping().enhanced(from: standard)
        var byID: [UUID: EntityRecord] = [:]
        for r in conversion.snapshot.records.values.joined() { byID[r.id] = r }
        let catalog = TableCatalog.standard
        var unexplained: [String] = [], nested: [String] = []
        var checked = 0
        for (key, placement) in content.layout.placements {
            let extras = Set(placement.extras.map(\.key))
            guard let record = standard.record(key.table, key.id) else { continue }
            let primary = catalog.table(key.table)?.primaryIDColumn ?? key.table + "id"
            let mapped = byID[key.id]
            let json = try mapped?.string("content").map { try JSONValue.parse($0) }
            for yamlKey in placement.keys {
                checked += 1
                if yamlKey == primary { continue }
                if extras.contains(yamlKey) { nested.append("\(placement.file): \(yamlKey)"); continue }
                if key.table == "annotation" {
                    // Note keys of a web file: the note becomes the web file component's file column.
                    let fileOwner = record.lookupID("objectid").flatMap { byID[$0] }
                    if fileOwner?["filecontent"] == .guid(key.id) { continue }
                    unexplained.append("\(placement.file): \(yamlKey) (note without file column)")
                    continue
                }
                if let rel = EnhancedComponentMapping(catalog: catalog).relationship(forContentKey: yamlKey, table: key.table) {
                    let ids = json?[rel.name]?.arrayValue ?? []
                    let expected = (standard.links[rel.name] ?? []).filter { $0.first.id == key.id || $0.second.id == key.id }
                    if ids.count == expected.count { continue }
                    unexplained.append("\(placement.file): \(yamlKey) (\(ids.count) of \(expected.count) links in content)")
                    continue
                }
                if key.table == "adx_webfile", ["annotationid", "filename", "isdocument", "mimetype", "objectid", "objecttypecode"].contains(yamlKey)
                {
                    // The web file's note keys: its body and metadata land in the file column.
                    if case .guid? = mapped?["filecontent"] { continue }
                    unexplained.append("\(placement.file): \(yamlKey) (no file column)")
                    continue
                }
                guard record.columns[yamlKey] != nil else { unexplained.append("\(placement.file): \(yamlKey) (not read)"); continue }
                let contentKey = EnhancedComponentMapping.contentKey(forColumn: yamlKey)
                let asColumn: [String: String] = [
                    "adx_name": "name", "statecode": "statecode", "statuscode": "statuscode",
                    "adx_websiteid": "powerpagesiteid",
                ]
                if json?[contentKey] != nil { continue }
                if let c = asColumn[yamlKey], mapped?[c] != nil { continue }
                if yamlKey == catalog.table(key.table)?.primaryNameColumn, mapped?["name"] != nil { continue }
                if key.table == "adx_websitelanguage", yamlKey == "adx_portallanguageid" { continue } // the row's own id in v2
                if key.table == "adx_portallanguage", mapped != nil { continue } // lcid, languagecode, displayname of the site language
                unexplained.append("\(placement.file): \(yamlKey) (not in content)")
            }
        }
        print("v2 keys checked: \(checked); nested mappings kept by the folder layout only: \(nested.count)")
        #expect(checked > 1000)
        #expect(unexplained.isEmpty, "\(unexplained.count): \(unexplained.prefix(20).joined(separator: "\n"))")
        if !nested.isEmpty {
            withKnownIssue("nested YAML mappings (adx_settingsDetails of lists) are kept by the folder layout, not in content") {
                Issue.record("\(nested.count) nested keys: \(Set(nested.map { $0.components(separatedBy: ": ").last ?? "" }))")
            }
        }
    }

    /// Content array keys in either spelling (`entitypermission_webrole`, `adx_entitypermission_webrole`)
    /// become the same N:N links; unknown camelCase keys come back verbatim.
    @Test func webRoleArraysInEitherSpellingAndUnknownKeys() throws {
        let site = UUID(), permission = UUID(), role1 = UUID(), role2 = UUID(), list = UUID()
        let siteRef = FieldValue.lookup(EntityReference("powerpagesite", site))
        func component(_ id: UUID, _ type: PowerPageComponentType, _ content: String) -> EntityRecord {
            EntityRecord(
                "powerpagecomponent", id: id,
                columns: [
                    "name": .string("n"), "powerpagecomponenttype": .choice(type.rawValue), "powerpagesiteid": siteRef, "content": .string(content),
                ])
        }
        var enhanced = PortalSnapshot(websiteID: site)
        enhanced.add(EntityRecord("powerpagesite", id: site, columns: ["name": .string("S"), "content": .string("{}")]))
        enhanced.add(
            component(
                permission, .tablePermission,
                #"{"entitylogicalname":"contact","entitypermission_webrole":["\#(role1.dataverseString)"]}"#))
        enhanced.add(component(list, .list, #"{"entityname":"contact","createRecordTargetType":0,"adx_x":true}"#))
        let other = UUID()
        enhanced.add(component(other, .webPageAccessControlRule, #"{"adx_webpageaccesscontrolrule_webrole":["\#(role2.dataverseString)"]}"#))
        enhanced.add(component(role1, .webRole, "{}"))
        enhanced.add(component(role2, .webRole, "{}"))
        let standard = try EnhancedSnapshotMapping().standard(from: enhanced)
        #expect(
            standard.links["adx_entitypermission_webrole"] == [
                ManyToManyLink(EntityReference("adx_entitypermission", permission), EntityReference("adx_webrole", role1))
            ])
        #expect(standard.links["adx_webpageaccesscontrolrule_webrole"]?.count == 1)
        let l = try #require(standard.record("adx_entitylist", list))
        #expect(l["adx_createRecordTargetType"] == .string("0"))
        #expect(l["adx_adx_x"] == .string("true"))
        #expect(l["adx_entityname"] == .string("contact"))
        // And back: the arrays are written under the catalog's relationship name.
        let again = try EnhancedSnapshotMapping().enhanced(from: standard).snapshot
        let p = try #require(again.record("powerpagecomponent", permission))
        let json = try JSONValue.parse(p.string("content") ?? "")
        #expect(json["adx_entitypermission_webrole"]?.arrayValue == [.string(role1.dataverseString)])
        #expect(again.links["powerpagecomponent_powerpagecomponent"]?.count == 2)
        let lc = try JSONValue.parse(try #require(again.record("powerpagecomponent", list)?.string("content")))
        #expect(lc["createRecordTargetType"] == .number("0"))
    }

    /// A component whose content is not JSON is a typed error naming the component and key.
    @Test func badContentNamesTheComponent() throws {
        let site = UUID(), page = UUID()
        var enhanced = PortalSnapshot(websiteID: site)
        enhanced.add(EntityRecord("powerpagesite", id: site, columns: ["name": .string("S")]))
        enhanced.add(
            EntityRecord(
                "powerpagecomponent", id: page,
                columns: [
                    "powerpagecomponenttype": .choice(2), "powerpagesiteid": .lookup(EntityReference("powerpagesite", site)),
                    "content": .string("{oops"),
                ]))
        do {
            _ = try EnhancedSnapshotMapping().standard(from: enhanced)
            Issue.record("bad content was accepted")
        } catch let e as EnhancedMappingError {
            #expect(e.componentID == page.dataverseString)
            #expect(e.key == "content")
        }
    }
}

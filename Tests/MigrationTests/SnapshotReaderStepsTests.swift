import Foundation
@testable import Migration
import PortalModel
import Testing

/// The steps of `SnapshotReader.read` that choose what to query (issue 19), on hand-built table
/// definitions: which tables are read by their website lookup, which as children through which
/// lookups, which global records are referenced, which N:N relationships are read.
@Suite("Snapshot reader steps")
struct SnapshotReaderStepsTests {
    static func table(_ name: String, lookups: [(String, [String])] = [], relationships: [ManyToManyRelationship] = []) -> TableDefinition {
        TableDefinition(
            logicalName: name, displayName: name, entitySetName: name + "s", primaryIDColumn: name + "id", primaryNameColumn: "adx_name",
            columns: [ColumnDefinition(name + "id", .uniqueIdentifier)] + lookups.map { ColumnDefinition($0.0, .lookup, targets: $0.1) },
            relationships: relationships)
    }

    static let defs: [String: TableDefinition] = {
        let tables = [
            table("adx_website"),
            table("adx_webpage", lookups: [("adx_websiteid", ["adx_website"]), ("adx_parentpageid", ["adx_webpage"])]),
            table("adx_sitemarker", lookups: [("adx_pageid", ["adx_webpage"]), ("adx_owningsite", ["adx_website"])]),
            table("adx_webform", lookups: [("adx_websiteid", ["adx_website"])]),
            table("adx_webformstep", lookups: [("adx_webform", ["adx_webform"]), ("adx_nextstep", ["adx_webformstep"])]),
            table("adx_webformmetadata", lookups: [("adx_webformstep", ["adx_webformstep"])]),
            table("adx_loner", lookups: [("adx_parent", ["adx_loner"])]),
            table("adx_portallanguage"),
        ]
        return Dictionary(uniqueKeysWithValues: tables.map { ($0.logicalName, $0) })
    }()

    @Test("tables with a website lookup are read by adx_websiteid when they have it, else by their first website lookup")
    func websiteLookups() {
        let pending: Set<String> = ["adx_webpage", "adx_sitemarker", "adx_webformstep", "adx_loner"]
        let found = SnapshotReader.websiteLookups(pending: pending, definitions: Self.defs)
        #expect(found.map(\.table) == ["adx_sitemarker", "adx_webpage"])
        #expect(found.map(\.column) == ["adx_owningsite", "adx_websiteid"])
    }

    @Test("child tables: reached through a read table or another child, never through a lookup to themselves only")
    func childTables() {
        let pending: Set<String> = ["adx_webformstep", "adx_webformmetadata", "adx_loner"]
        let children = SnapshotReader.childTables(pending: pending, readTables: ["adx_webform"], definitions: Self.defs)
        #expect(children == ["adx_webformstep", "adx_webformmetadata"])
        #expect(SnapshotReader.childTables(pending: pending, readTables: [], definitions: Self.defs).isEmpty)
    }

    @Test("child rounds query each lookup by the parent ids not queried yet; a self lookup is not queried")
    func childRounds() {
        let f1 = UUID(), f2 = UUID(), f3 = UUID(), s1 = UUID()
        var queried: [String: Set<UUID>] = [:]
        let children: Set<String> = ["adx_webformstep", "adx_webformmetadata"]
        let first = SnapshotReader.childRound(children, readIDs: ["adx_webform": [f1, f2]], queried: &queried, definitions: Self.defs)
        #expect(first == [IDQuery(table: "adx_webformstep", column: "adx_webform", ids: [f1, f2])])
        #expect(SnapshotReader.childRound(children, readIDs: ["adx_webform": [f1, f2]], queried: &queried, definitions: Self.defs).isEmpty)
        let next = SnapshotReader.childRound(
            children, readIDs: ["adx_webform": [f1, f2, f3], "adx_webformstep": [s1]], queried: &queried, definitions: Self.defs)
        #expect(
            next == [
                IDQuery(table: "adx_webformmetadata", column: "adx_webformstep", ids: [s1]),
                IDQuery(table: "adx_webformstep", column: "adx_webform", ids: [f3]),
            ])
    }

    @Test("global tables: the pending tables the read records reference, by primary id; unreferenced ones are not read")
    func globalQueries() {
        let english = UUID(), french = UUID()
        let records: [String: [EntityRecord]] = [
            "adx_webpage": [
                EntityRecord("adx_webpage", id: UUID(), columns: ["adx_lang": .lookup(EntityReference("adx_portallanguage", english))]),
                EntityRecord("adx_webpage", id: UUID(), columns: ["adx_lang": .lookup(EntityReference("adx_portallanguage", french))]),
            ]
        ]
        let queries = SnapshotReader.globalQueries(pending: ["adx_portallanguage", "adx_loner"], records: records, definitions: Self.defs)
        #expect(queries == [IDQuery(table: "adx_portallanguage", column: "adx_portallanguageid", ids: [english, french])])
        #expect(SnapshotReader.globalQueries(pending: ["adx_portallanguage"], records: [:], definitions: Self.defs).isEmpty)
    }

    @Test("links: each relationship between portal tables once, when its first side has records and its second was read")
    func linkQueries() {
        let rel = ManyToManyRelationship(
            name: "adx_webform_webpage", entity1: "adx_webform", entity2: "adx_webpage", intersectEntity: "adx_webform_webpage",
            entity1IDColumn: "adx_webformid", entity2IDColumn: "adx_webpageid")
        let system = ManyToManyRelationship(
            name: "adx_webform_systemuser", entity1: "adx_webform", entity2: "systemuser", intersectEntity: "x",
            entity1IDColumn: "adx_webformid", entity2IDColumn: "systemuserid")
        var defs = Self.defs
        defs["adx_webform"] = Self.table("adx_webform", relationships: [rel, system])
        defs["adx_webpage"] = Self.table("adx_webpage", relationships: [rel])
        let form = UUID(), page = UUID()
        let catalog = TableCatalog(tables: [])
        let found = SnapshotReader.linkQueries(
            readIDs: ["adx_webform": [form], "adx_webpage": [page], "systemuser": [UUID()]], definitions: defs, catalog: catalog)
        #expect(found.map(\.name) == ["adx_webform_webpage"])
        #expect(found.first?.firstIDs == [form] && found.first?.secondIDs == [page])
        #expect(SnapshotReader.linkQueries(readIDs: ["adx_webform": [], "adx_webpage": [page]], definitions: defs, catalog: catalog).isEmpty)
        #expect(SnapshotReader.linkQueries(readIDs: ["adx_webform": [form]], definitions: defs, catalog: catalog).isEmpty)
    }
}

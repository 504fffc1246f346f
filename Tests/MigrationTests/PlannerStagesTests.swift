import Foundation
import LocalEnvironment
@testable import Migration
import PortalModel
import Testing
import TestSupport

/// The named stages of `Planner.plan`, each on its own inputs (issue 19, "Planner.plan as named stages").
@Suite struct PlannerStagesTests {
    static func id(_ n: Int) -> UUID { UUID(uuidString: String(format: "00000000-0000-0000-0000-%012d", n))! }
    static func link(_ a: Int, _ b: Int) -> ManyToManyLink {
        ManyToManyLink(EntityReference("adx_entitypermission", id(a)), EntityReference("adx_webrole", id(b)))
    }
    static let rel = "adx_entitypermission_webrole"

    @Test("links stage: adds in target ids, removes only with prune or when named, never links of deleted records")
    func linkStage() {
        // Source permission 1 is target permission 11 (matched by natural key); role 2 keeps its id.
        let source = [Self.rel: Set([Self.link(1, 2), Self.link(3, 4)])]
        let target = [
            Self.rel: Set([Self.link(11, 2), Self.link(5, 6), Self.link(7, 8), Self.link(9, 10)]),
            "adx_webpage_webrole": Set([ManyToManyLink(EntityReference("adx_webpage", Self.id(20)), EntityReference("adx_webrole", Self.id(2)))]),
        ]
        let idMap = [Self.id(1): Self.id(11)]

        let keep = Planner.linkPlans(source: source, target: target, idMap: idMap, prune: false, explicitRemovals: [:], deletedRecords: [])
        #expect(keep.map(\.relationship) == ["adx_entitypermission_webrole", "adx_webpage_webrole"])
        #expect(keep[0].add == [Self.link(3, 4)], "the matched link is not added again")
        #expect(keep[0].unchanged == 1)
        #expect(keep[0].remove.isEmpty && keep[1].remove.isEmpty, "nothing removed without prune")

        // Named in the source's ids, reversed orientation: removed without prune.
        let named = ManyToManyLink(EntityReference("adx_webrole", Self.id(6)), EntityReference("adx_entitypermission", Self.id(5)))
        let explicit = Planner.linkPlans(
            source: source, target: target, idMap: idMap, prune: false,
            explicitRemovals: [Self.rel: [named]], deletedRecords: [])
        #expect(explicit[0].remove == [Self.link(5, 6)])

        // Prune removes every target-only link except those of records the plan deletes.
        let pruned = Planner.linkPlans(
            source: source, target: target, idMap: idMap, prune: true, explicitRemovals: [:],
            deletedRecords: [Self.id(7)])
        #expect(Set(pruned[0].remove) == [Self.link(5, 6), Self.link(9, 10)])
        #expect(pruned[1].remove.count == 1)
    }

    @Test("deletions stage: reverse dependency order, tables outside the order by name, records by id")
    func deletionStage() {
        let rows: [String: [UUID: EntityRecord]] = [
            "adx_webpage": [Self.id(9): EntityRecord("adx_webpage", id: Self.id(9)), Self.id(3): EntityRecord("adx_webpage", id: Self.id(3))],
            "adx_webtemplate": [Self.id(5): EntityRecord("adx_webtemplate", id: Self.id(5))],
            "xyz_other": [Self.id(1): EntityRecord("xyz_other", id: Self.id(1))],
        ]
        let plans = Planner.deletionPlans(rows, tableOrder: ["adx_webtemplate", "adx_webpage"], definitions: [:], catalog: .standard)
        #expect(plans.map(\.table) == ["xyz_other", "adx_webpage", "adx_webpage", "adx_webtemplate"])
        #expect(plans.map(\.targetID) == [Self.id(1), Self.id(3), Self.id(9), Self.id(5)])
        #expect(plans.allSatisfy { $0.action == .delete && $0.sourceID == nil })
    }

    // MARK: Hand-built inputs for the stages before links and deletions.

    static let sourceSite = id(1000)
    static let targetSite = id(2000)
    static let definitions: [String: TableDefinition] = Dictionary(
        uniqueKeysWithValues: ["adx_website", "adx_sitesetting", "adx_webpage", "adx_pagetemplate", "adx_portallanguage"].map {
            ($0, TableCatalog.standard.table($0)!)
        })

    static func setting(_ n: Int, _ name: String, site: UUID = sourceSite, value: String? = nil) -> EntityRecord {
        EntityRecord(
            "adx_sitesetting", id: id(n),
            columns: [
                "adx_name": .string(name), "adx_websiteid": .lookup(EntityReference("adx_website", site)),
                "adx_value": .string(value ?? "v\(n)"),
            ])
    }

    static func snapshot(_ records: [EntityRecord], website: UUID? = nil) -> PortalSnapshot {
        var s = PortalSnapshot(websiteID: website)
        for r in records { s.add(r) }
        return s
    }

    static func index(_ target: [EntityRecord], source: UUID = sourceSite, target site: UUID = sourceSite) -> TargetIndex {
        TargetIndex(
            scope: WebsiteScope(sourceWebsiteID: source, targetWebsiteID: site, websiteScoped: true), definitions: definitions,
            snapshot: snapshot(target, website: site), websiteExists: true)
    }

    @Test("scope stage: records of a skipped table and links with one of them leave the source, each listed with its reason")
    func scopeStage() {
        let binding = EntityRecord("adx_websitebinding", id: Self.id(7), columns: ["adx_name": .string("b")])
        var source = Self.snapshot([Self.setting(1, "A"), binding, EntityRecord("adx_websitebinding", id: Self.id(6))])
        let boundLink = ManyToManyLink(EntityReference("adx_websitebinding", Self.id(7)), EntityReference("adx_webrole", Self.id(9)))
        source.link("xyz_binding_role", boundLink)
        source.link(Self.rel, Self.link(1, 2))
        let scoped = Planner.scopedSource(source, skippedTables: ["adx_websitebinding": "environment-specific"], catalog: .standard)
        #expect(scoped.snapshot.records["adx_websitebinding"] == nil)
        #expect(scoped.snapshot.records["adx_sitesetting"]?.count == 1)
        #expect(scoped.snapshot.links["xyz_binding_role"] == [])
        #expect(scoped.snapshot.links[Self.rel] == [Self.link(1, 2)])
        #expect(scoped.skipped.map(\.id) == [Self.id(6), Self.id(7), Self.id(9)], "records by id, then the link by its other end")
        #expect(scoped.skipped[1].name == "b" && scoped.skipped[0].reason == "environment-specific")
        #expect(scoped.skipped[2].table == "xyz_binding_role" && scoped.skipped[2].reason.contains(Self.id(7).dataverseString))
        let none = Planner.scopedSource(source, skippedTables: [:], catalog: .standard)
        #expect(none.skipped.isEmpty && none.snapshot.recordCount == source.recordCount)
    }

    @Test("website scope: the source website, mapped by --targetWebSiteId, or none for a package without a website")
    func websiteScope() {
        let site = EntityRecord("adx_website", id: Self.sourceSite)
        #expect(
            WebsiteScope.of(Self.snapshot([site]), targetWebsiteID: nil)
                == WebsiteScope(sourceWebsiteID: Self.sourceSite, targetWebsiteID: Self.sourceSite, websiteScoped: true))
        #expect(WebsiteScope.of(Self.snapshot([site]), targetWebsiteID: Self.targetSite).targetWebsiteID == Self.targetSite)
        #expect(WebsiteScope.of(Self.snapshot([], website: Self.id(5)), targetWebsiteID: nil).sourceWebsiteID == Self.id(5))
        let none = WebsiteScope.of(Self.snapshot([Self.setting(1, "A")]), targetWebsiteID: Self.targetSite)
        #expect(!none.websiteScoped && none.sourceWebsiteID == PortalTables.noWebsite && none.targetWebsiteID == PortalTables.noWebsite)
    }

    @Test("target index: by table exactly, one record per id, in scope before outside, records read outside scope are never in scope")
    func targetIndexStage() {
        // One id in two tables (the enhanced view's site language and portal language share one).
        let shared = Self.id(30)
        var index = Self.index([
            Self.setting(1, "A"), EntityRecord("adx_portallanguage", id: shared), EntityRecord("adx_websitelanguage", id: shared),
        ])
        #expect(index.byID[shared]?.logicalName == "adx_websitelanguage", "by id: the last table by name")
        #expect(index.record("adx_websitelanguage", shared) != nil && index.record("adx_sitesetting", shared) == nil)
        #expect(index.inScope == [Self.id(1), shared])
        index.addOutsideScope(Self.setting(2, "B", site: Self.id(99)), table: "adx_sitesetting")
        index.addOutsideScope(EntityRecord("adx_webpage", id: Self.id(1)), table: "adx_webpage")
        #expect(index.has(Self.id(2)) && !index.inScope.contains(Self.id(2)))
        #expect(index.byID[Self.id(1)]?.logicalName == "adx_sitesetting", "a record in scope is not replaced by one read outside it")
        #expect(index.outsideScope.mapValues { Set($0.keys) } == ["adx_sitesetting": [Self.id(2)]], "an id in scope is not outside it")
        let source = Self.snapshot([Self.setting(1, "A"), Self.setting(3, "C"), EntityRecord("adx_webpage", id: Self.id(4))])
        #expect(index.absentIDs(of: source) == ["adx_sitesetting": [Self.id(3)], "adx_webpage": [Self.id(4)]])
    }

    @Test(
        "target index and website stages on an embedded environment: the website's records, every portal language, another site's record read outside scope"
    )
    func targetIndexReads() async throws {
        let env = try LocalEnvironmentSupport.make(LocalEnvironmentOptions(name: "stages"), label: "pm-stages")
        let a = try await env.provision(template: "starter", name: "Site A").websiteId
        let b = try await env.provision(template: "starter", name: "Site B").websiteId
        let reader = SnapshotReader(service: env)
        let siteA = try await reader.read(websiteID: a)
        let siteB = try await reader.read(websiteID: b)
        let other = try #require(siteB.records["adx_sitesetting"]?.first)
        var source = PortalSnapshot(websiteID: a)
        for r in siteA.records["adx_website"] ?? [] { source.add(r) }
        source.add(other)
        let planner = Planner(target: env)
        let index = try await planner.targetIndex(of: source, options: PlanOptions(), reader: reader)
        #expect(index.scope == WebsiteScope(sourceWebsiteID: a, targetWebsiteID: a, websiteScoped: true) && index.websiteExists)
        let languages = Set(try await env.retrieveAll(RecordQuery("adx_portallanguage")).map(\.id))
        #expect(!languages.isEmpty)
        #expect(index.inScope == Set(siteA.records.values.joined().map(\.id)).union(languages))
        #expect(index.outsideScope.mapValues { Set($0.keys) } == ["adx_sitesetting": [other.id]])
        #expect(index.record("adx_sitesetting", other.id)?.lookupID("adx_websiteid") == b)
        #expect(try await planner.websiteDiagnostics(source: source, index: index).isEmpty, "the website exists: nothing to say")

        // A new website (another id) with site B's name: warned, naming B's id and --targetWebSiteId.
        let name = try #require(siteB.records["adx_website"]?.first?.string("adx_name"))
        let created = Self.snapshot([EntityRecord("adx_website", id: Self.id(4242), columns: ["adx_name": .string(name)])])
        let fresh = try await planner.targetIndex(of: created, options: PlanOptions(), reader: reader)
        #expect(!fresh.websiteExists && fresh.inScope == languages)
        let findings = try await planner.websiteDiagnostics(source: created, index: fresh)
        #expect(findings.map(\.check) == [.websiteSameName], "\(findings)")
        #expect(findings.first?.message.contains("--targetWebSiteId \(b.dataverseString)") == true)
    }

    @Test("table order: a table comes after the tables its records point to")
    func tableOrderStage() {
        let page = EntityRecord(
            "adx_webpage", id: Self.id(50),
            columns: [
                "adx_websiteid": .lookup(EntityReference("adx_website", Self.sourceSite)),
                "adx_pagetemplateid": .lookup(EntityReference("adx_pagetemplate", Self.id(52))),
            ])
        let template = EntityRecord(
            "adx_pagetemplate", id: Self.id(52), columns: ["adx_websiteid": .lookup(EntityReference("adx_website", Self.sourceSite))])
        let order = Planner.tableOrder(of: Self.snapshot([page, Self.setting(1, "A"), template, EntityRecord("adx_website", id: Self.sourceSite)]))
        #expect(Set(order) == ["adx_webpage", "adx_sitesetting", "adx_pagetemplate", "adx_website"])
        #expect(order.firstIndex(of: "adx_website")! < order.firstIndex(of: "adx_pagetemplate")!)
        #expect(order.firstIndex(of: "adx_pagetemplate")! < order.firstIndex(of: "adx_webpage")!)
    }

    @Test("identity: same id, natural key under the mapped website (any case), created, ambiguous never guessed")
    func identityStage() {
        let source = Self.snapshot([
            EntityRecord("adx_website", id: Self.sourceSite), Self.setting(1, "A"), Self.setting(2, "B"), Self.setting(3, "C"),
            Self.setting(4, "D"),
        ])
        let index = Self.index(
            [
                EntityRecord("adx_website", id: Self.targetSite), Self.setting(1, "A", site: Self.targetSite),
                Self.setting(12, "b", site: Self.targetSite), Self.setting(14, "D", site: Self.targetSite),
                Self.setting(15, "D", site: Self.targetSite), Self.setting(16, "C", site: Self.id(99)),
            ], target: Self.targetSite)
        let identity = Planner.identityResolution(
            source: source, order: Planner.tableOrder(of: source), index: index, options: PlanOptions(), catalog: .standard)
        #expect(identity.targetID(of: Self.sourceSite) == Self.targetSite && identity.match(of: Self.sourceSite) == .website)
        #expect(identity.targetID(of: Self.id(1)) == Self.id(1) && identity.match(of: Self.id(1)) == .id)
        #expect(identity.targetID(of: Self.id(2)) == Self.id(12) && identity.match(of: Self.id(2)) == .naturalKey)
        #expect(identity.targetID(of: Self.id(3)) == Self.id(3) && identity.match(of: Self.id(3)) == .none, "C of another website is not a candidate")
        #expect(identity.match(of: Self.id(4)) == .none)
        #expect(identity.diagnostics.map(\.check) == [.ambiguousMatch] && identity.diagnostics[0].recordID == Self.id(4))
        // By id only: the natural key is not tried.
        var byID = PlanOptions()
        byID.match = .id
        let idOnly = Planner.identityResolution(
            source: source, order: Planner.tableOrder(of: source), index: index, options: byID, catalog: .standard)
        #expect(idOnly.match(of: Self.id(2)) == .none && idOnly.diagnostics.isEmpty)
    }

    @Test("identity by a CMT schema's updateCompare columns: tried first, any case; an ambiguous one is not matched by natural key either")
    func identityByCompareColumns() {
        let source = Self.snapshot([Self.setting(1, "A", value: "x"), Self.setting(2, "B", value: "same"), Self.setting(3, "C", value: "none")])
        let index = Self.index([
            Self.setting(11, "not A", value: "X"), Self.setting(12, "B", value: "same"), Self.setting(13, "other", value: "same"),
            Self.setting(14, "C", value: "y"),
        ])
        var options = PlanOptions()
        options.compareColumns = ["adx_sitesetting": ["adx_value"]]
        let identity = Planner.identityResolution(source: source, order: ["adx_sitesetting"], index: index, options: options, catalog: .standard)
        #expect(identity.targetID(of: Self.id(1)) == Self.id(11) && identity.match(of: Self.id(1)) == .naturalKey)
        #expect(identity.match(of: Self.id(2)) == MatchKind.none, "two targets share the compare value: not guessed, not matched by name")
        #expect(identity.diagnostics.map(\.recordID) == [Self.id(2)] && identity.diagnostics[0].message.contains("updateCompare"))
        #expect(identity.targetID(of: Self.id(3)) == Self.id(14), "no compare match: the natural key on top")
    }

    @Test("identity (property, seed printed): a bijection from matched source ids onto target ids of the same table")
    func identityBijection() {
        let seed = UInt64(Date().timeIntervalSince1970 * 1000) & 0xFFFF_FFFF
        print("PlannerStagesTests.identityBijection seed \(seed)")
        var rng = SplitMix64(seed: seed)
        for round in 0..<40 {
            var source: [EntityRecord] = []
            var target: [EntityRecord] = []
            var expected: [UUID: UUID] = [:] // source id → target id, for those that must match
            let count = Int.random(in: 0...25, using: &rng)
            for n in 0..<count {
                let name = "setting \(n)"
                let sid = Self.id(round * 1000 + n + 1)
                source.append(Self.setting(0, name).with(id: sid))
                switch Int.random(in: 0..<4, using: &rng) {
                case 0: // same id (another value)
                    target.append(Self.setting(0, name, value: "other").with(id: sid))
                    expected[sid] = sid
                case 1: // same name in another case, another id
                    let tid = Self.id(500_000 + round * 1000 + n)
                    target.append(Self.setting(0, Bool.random(using: &rng) ? name.uppercased() : name).with(id: tid))
                    expected[sid] = tid
                case 2: // only in the target, under another name: never claimed
                    target.append(Self.setting(0, "only in target \(n)").with(id: Self.id(800_000 + round * 1000 + n)))
                default: break // only in the source: created
                }
            }
            source.shuffle(using: &rng)
            target.shuffle(using: &rng)
            let snap = Self.snapshot(source)
            let identity = Planner.identityResolution(
                source: snap, order: ["adx_sitesetting"], index: Self.index(target), options: PlanOptions(), catalog: .standard)
            let matched = Dictionary(uniqueKeysWithValues: identity.kind.keys.map { ($0, identity.targetID(of: $0)) })
            #expect(matched == expected, "seed \(seed), round \(round)")
            #expect(Set(matched.values).count == matched.count, "injective: seed \(seed), round \(round)")
            #expect(Set(matched.values).isSubset(of: Set(target.map(\.id))), "onto target ids: seed \(seed), round \(round)")
            #expect(identity.diagnostics.isEmpty, "seed \(seed), round \(round)")
        }
    }

    @Test("lookups: remapped into target ids; a missing one is named (fail) or cleared and listed (drop); found elsewhere is fine")
    func lookupStage() {
        let page = EntityRecord(
            "adx_webpage", id: Self.id(50),
            columns: [
                "adx_name": .string("Home"),
                "adx_websiteid": .lookup(EntityReference("adx_website", Self.sourceSite)),
                "adx_parentpageid": .lookup(EntityReference("adx_webpage", Self.id(51), name: "Gone")),
                "adx_pagetemplateid": .lookup(EntityReference("adx_pagetemplate", Self.id(52))),
            ])
        let child = EntityRecord(
            "adx_webpage", id: Self.id(60), columns: ["adx_parentpageid": .lookup(EntityReference("adx_webpage", Self.id(50)))])
        let source = Self.snapshot([page, child])
        let identity = IdentityResolution(idMap: [Self.sourceSite: Self.targetSite, Self.id(50): Self.id(70)], kind: [:], diagnostics: [])
        let index = Self.index([EntityRecord("adx_website", id: Self.targetSite)], target: Self.targetSite)
        let remapped = Planner.remapped(
            source, order: ["adx_webpage"], identity: identity, definitions: Self.definitions, keeping: [], catalog: .standard)
        #expect(remapped["adx_webpage"]?.map(\.id) == [Self.id(70), Self.id(60)])
        #expect(remapped["adx_webpage"]?[0].lookupID("adx_websiteid") == Self.targetSite)
        #expect(remapped["adx_webpage"]?[1].lookupID("adx_parentpageid") == Self.id(70), "a lookup to a planned record follows its match")
        #expect(Planner.unresolvedLookups(remapped, index: index) == ["adx_webpage": [Self.id(51)], "adx_pagetemplate": [Self.id(52)]])

        let failed = Planner.resolveLookups(
            remapped, source: source, order: ["adx_webpage"], index: index, existingElsewhere: [Self.id(52)], policy: .fail, catalog: .standard)
        #expect(failed.diagnostics.count == 1 && failed.dropped.isEmpty)
        #expect(failed.diagnostics[0].check == .missingLookup && failed.diagnostics[0].column == "adx_parentpageid")
        #expect(failed.diagnostics[0].recordID == Self.id(50), "named by the source id")
        #expect(failed.diagnostics[0].message.contains("\"Gone\""))
        #expect(failed.records == remapped)

        let dropped = Planner.resolveLookups(
            remapped, source: source, order: ["adx_webpage"], index: index, existingElsewhere: [], policy: .drop, catalog: .standard)
        #expect(dropped.diagnostics.isEmpty)
        #expect(dropped.dropped.map(\.column) == ["adx_pagetemplateid", "adx_parentpageid"])
        #expect(dropped.dropped.allSatisfy { $0.recordID == Self.id(70) })
        #expect(dropped.records["adx_webpage"]?[0].columns["adx_parentpageid"] == .null)
        #expect(dropped.records["adx_webpage"]?[0].lookupID("adx_websiteid") == Self.targetSite, "resolved lookups are kept")
    }

    static func diff(_ source: [EntityRecord], target: [EntityRecord], options: PlanOptions = PlanOptions()) -> RecordDiff {
        let snap = Self.snapshot(source)
        let index = Self.index(target)
        let order = Planner.tableOrder(of: snap)
        let identity = Planner.identityResolution(source: snap, order: order, index: index, options: options, catalog: .standard)
        let lookups = LookupResolution(
            records: Planner.remapped(snap, order: order, identity: identity, definitions: Self.definitions, keeping: [], catalog: .standard),
            dropped: [], diagnostics: [], existingElsewhere: [])
        return Planner.recordDiff(
            source: snap, lookups: lookups, order: order, identity: identity, index: index, options: options, catalog: .standard)
    }

    @Test("record diff: create with non-null columns, update with the changed columns only, unchanged, drift and ignored columns left out")
    func recordDiffStage() {
        var created = Self.setting(3, "C")
        created.columns["adx_description"] = .null
        created.columns["xyz_drift"] = .string("not in the target's table")
        created.columns["statecode"] = .state(1)
        created.columns["statuscode"] = .status(2)
        let diff = Self.diff(
            [Self.setting(1, "A", value: "new"), Self.setting(2, "B"), created],
            target: [Self.setting(1, "A", value: "old"), Self.setting(2, "B")])
        let byID = Dictionary(uniqueKeysWithValues: diff.records.map { ($0.sourceID!, $0) })
        #expect(byID[Self.id(1)]?.action == .update && byID[Self.id(1)]?.match == .id)
        #expect(byID[Self.id(1)]?.changes.map(\.column) == ["adx_value"])
        #expect(byID[Self.id(1)]?.changes.first?.old == .string("old") && byID[Self.id(1)]?.record.columns.keys.sorted() == ["adx_value"])
        #expect(byID[Self.id(2)]?.action == .unchanged && byID[Self.id(2)]?.record.columns.isEmpty == true)
        let c = byID[Self.id(3)]!
        #expect(c.action == .create && c.match == MatchKind.none)
        #expect(c.record.columns["adx_description"] == nil && c.record.columns["xyz_drift"] == nil)
        #expect(c.record.columns["statecode"] == nil, "a non-default state is set after the create")
        #expect(c.state == ["statecode": .state(1), "statuscode": .status(2)])
        #expect(diff.clearedColumns.isEmpty && diff.keptColumns.isEmpty)

        // skipupdate leaves an existing record as it is; --forceUploadAll rewrites an unchanged one.
        var options = PlanOptions()
        options.skipUpdateTables = ["adx_sitesetting"]
        #expect(
            Self.diff([Self.setting(1, "A", value: "new")], target: [Self.setting(1, "A", value: "old")], options: options).records[0].action
                == .unchanged)
        options = PlanOptions()
        options.rewriteUnchanged = true
        options.ignoredColumns = ["adx_sitesetting": ["adx_value"]]
        let forced = Self.diff([Self.setting(2, "B", value: "x")], target: [Self.setting(2, "B", value: "y")], options: options).records[0]
        #expect(forced.action == .update && forced.changes.isEmpty && forced.record.columns["adx_name"] == .string("B"))
    }

    @Test("record diff parts: absent columns cleared, environment-bound website columns kept, state as a pair, never empty")
    func recordDiffParts() {
        var m = EntityRecord("adx_sitesetting", id: Self.id(1), columns: ["adx_name": .string("A")])
        let existing = Self.setting(1, "A", value: "old")
        Planner.clearAbsentColumns(&m, existing: existing, clearable: ["adx_value", "adx_description"], hints: .environment())
        #expect(m.columns["adx_value"] == .null && m.columns["adx_description"] == nil, "only what the target holds is cleared")

        var site = EntityRecord(
            "adx_website", id: Self.targetSite, columns: ["adx_name": .string("Dev site"), "adx_primarydomainname": .string("same.example")])
        let targetSite = EntityRecord(
            "adx_website", id: Self.targetSite, columns: ["adx_name": .string("Test site"), "adx_primarydomainname": .string("same.example")])
        let kept = Planner.keepEnvironmentBoundColumns(&site, of: "adx_website", existing: targetSite)
        #expect(kept.map(\.column) == ["adx_name"] && kept[0].value == "Test site")
        #expect(site.columns.isEmpty, "neither column is written")

        let active = EntityRecord("adx_sitesetting", id: Self.id(1), columns: ["statecode": .state(0), "statuscode": .status(1)])
        var nullState = active
        nullState.columns["statecode"] = .null
        #expect(Planner.stateToSet(nullState, existing: active).isEmpty, "a null state stands for the active state")
        var inactive = active
        inactive.columns["statuscode"] = .status(2)
        #expect(Planner.stateToSet(inactive, existing: active) == ["statecode": .state(0), "statuscode": .status(2)])
        #expect(Planner.stateToSet(active, existing: nil).isEmpty, "the default state goes with the create")
    }

    @Test("deletions: prune takes unclaimed records in scope only; a requested deletion of another site's record is refused")
    func deletionSelectionStage() {
        var index = Self.index([
            EntityRecord("adx_website", id: Self.sourceSite), EntityRecord("adx_portallanguage", id: Self.id(40)),
            Self.setting(1, "A"), Self.setting(2, "B"),
        ])
        index.addOutsideScope(Self.setting(3, "elsewhere", site: Self.id(99)), table: "adx_sitesetting")
        let pruned = Planner.prunedRecords(index: index, claimed: [Self.id(1)], skippedTables: [:])
        #expect(pruned.mapValues { Set($0.keys) } == ["adx_sitesetting": [Self.id(2)]])
        #expect(Planner.prunedRecords(index: index, claimed: [], skippedTables: ["adx_sitesetting": "x"]).isEmpty)

        var out = DeletionSelection()
        let found = [Self.id(2): Self.setting(2, "B"), Self.id(3): Self.setting(3, "elsewhere", site: Self.id(99))]
        Planner.classifyRequested(
            "adx_sitesetting", wanted: [Self.id(3), Self.id(2), Self.id(4)], found: found, index: index, file: "manifest.yml",
            catalog: .standard, into: &out)
        #expect(out.toDelete.mapValues { Set($0.keys) } == ["adx_sitesetting": [Self.id(2)]])
        #expect(out.diagnostics.map(\.check) == [.deletionOutsideSite] && out.diagnostics[0].recordID == Self.id(3))
        #expect(out.diagnostics[0].message.contains("it belongs to website \(Self.id(99).dataverseString)"))
        #expect(out.skipped.map(\.id) == [Self.id(4)] && out.skipped[0].reason.contains("already absent"))
    }
}

extension EntityRecord {
    /// The record under another id (test inputs).
    fileprivate func with(id: UUID) -> EntityRecord {
        var r = self
        r.id = id
        return r
    }
}

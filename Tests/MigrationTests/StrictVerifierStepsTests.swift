import Foundation
@testable import Migration
import PortalModel
import Testing

/// The named steps of `StrictVerifier.compare`, each on small hand-built inputs (issue 19, "files and
/// functions are small"). `StrictVerifyTests` covers `compare` as a whole.
@Suite struct StrictVerifierStepsTests {
    static func id(_ n: Int) -> UUID { UUID(uuidString: String(format: "00000000-0000-0000-0000-%012d", n))! }
    static func page(_ n: Int, _ columns: [String: FieldValue] = [:]) -> EntityRecord { EntityRecord("adx_webpage", id: id(n), columns: columns) }
    static func snapshot(_ records: [EntityRecord], links: [String: Set<ManyToManyLink>] = [:]) -> PortalSnapshot {
        var s = PortalSnapshot(websiteID: id(1))
        s.links = links
        for r in records { s.add(r) }
        return s
    }

    @Test("record step: pairs by mapped id, names missing records, counts records and values, skips presence-only records")
    func recordStep() {
        // Source page 2 is target page 12 (idMap); source page 3 is missing; page 4 is presence-only.
        let source = Self.snapshot([
            Self.page(2, ["adx_name": .string("Home"), "adx_title": .string("Welcome")]),
            Self.page(3, ["adx_name": .string("Gone")]),
            Self.page(4, ["adx_name": .string("Kept")]),
        ])
        let target = Self.snapshot([
            Self.page(12, ["adx_name": .string("Home"), "adx_title": .string("Hello")]),
            Self.page(4, ["adx_name": .string("Changed, but presence only")]),
        ])
        var verifier = StrictVerifier()
        verifier.presenceOnly = ["adx_webpage": [Self.id(4)]]
        let found = verifier.compareRecords(
            source: source, targetRecords: StrictVerifier.recordsByID(target), idMap: [Self.id(2): Self.id(12)])

        #expect(found.records == 3)
        #expect(found.values == 2, "adx_name and adx_title of the one fully compared pair")
        #expect(found.paired == ["adx_webpage": [Self.id(12), Self.id(4)]])
        #expect(found.differences.map(\.kind) == [.column, .missingInTarget])
        #expect(found.differences[0].column == "adx_title" && found.differences[0].targetID == Self.id(12))
        #expect(found.differences[0].source == "Welcome" && found.differences[0].target == "Hello")
        #expect(found.differences[1].id == Self.id(3) && found.differences[1].name == "Gone")
    }

    @Test("column selection: system, environment-specific, not carried, out of scope, dropped and kept-absent columns are left out and recorded")
    func columnSelection() {
        let s = EntityRecord(
            "adx_website", id: Self.id(1),
            columns: ["adx_name": .string("Site"), "adx_primarydomainname": .string("a.example"), "modifiedon": .string("x")])
        let t = EntityRecord(
            "adx_website", id: Self.id(1),
            columns: [
                "adx_name": .string("Site"), "adx_primarydomainname": .string("b.example"), "adx_websiteid": .string("own id"),
                "adx_notcarried": .string("t"), "adx_partialurl": .string("p"), "adx_headerwebtemplateid": .null,
                "adx_footerwebtemplateid": .null, "statecode": .state(0),
            ])
        var verifier = StrictVerifier(
            carried: .declared(
                ["adx_website": ["adx_name", "adx_partialurl", "adx_headerwebtemplateid", "adx_footerwebtemplateid", "statecode"]],
                format: "a test format"))
        verifier.scope.excludedColumns = ["adx_website": ["adx_partialurl"]]
        verifier.keepAbsent = true
        let dropped: Set<String> = [PlanOptions.hiddenKey("adx_website", Self.id(1), "adx_headerwebtemplateid")]
        var leftOut = VerifyLeftOut()
        let columns = verifier.comparedColumns(
            of: "adx_website", source: s, target: t, targetID: Self.id(1), primaryID: "adx_websiteid",
            carriedColumns: verifier.carried.columns(of: "adx_website"), dropped: dropped, leftOut: &leftOut)

        // statecode is compared although the source leaves it out (state is never absent); adx_name is in both.
        #expect(columns == ["adx_name", "statecode"])
        #expect(leftOut.system == ["modifiedon"], "the primary id column is not listed as a system column")
        #expect(leftOut.environmentSpecific == ["adx_website": ["adx_primarydomainname"]])
        #expect(leftOut.notCarried == ["adx_website": ["adx_notcarried"]])
        #expect(leftOut.excluded == ["adx_website": ["adx_partialurl"]])
        #expect(leftOut.droppedLookups == 1)
        #expect(leftOut.keptAbsent == 1, "adx_footerwebtemplateid: absent in the source, kept")
    }

    @Test("column difference: lookups compared in target ids, state defaults, secrets hidden")
    func columnDifference() {
        let verifier = StrictVerifier()
        let idMap = [Self.id(5): Self.id(15)]
        let s = Self.page(2, ["adx_parentpageid": .lookup(EntityReference("adx_webpage", Self.id(5))), "statecode": .null])
        let t = Self.page(2, ["adx_parentpageid": .lookup(EntityReference("adx_webpage", Self.id(15)))])
        #expect(
            verifier.columnDifference(
                table: "adx_webpage", column: "adx_parentpageid", source: s, target: t, targetID: Self.id(2), name: nil, idMap: idMap) == nil)
        #expect(
            verifier.columnDifference(table: "adx_webpage", column: "statecode", source: s, target: t, targetID: Self.id(2), name: nil, idMap: idMap)
                == nil,
            "null and absent state are both active")
        let unmapped = verifier.columnDifference(
            table: "adx_webpage", column: "adx_parentpageid", source: s, target: t, targetID: Self.id(2), name: "Home", idMap: [:])
        #expect(unmapped?.source == "adx_webpage \(Self.id(5).dataverseString)")
        #expect(unmapped?.target == "adx_webpage \(Self.id(15).dataverseString)")

        let secret = EntityRecord(
            "adx_sitesetting", id: Self.id(7),
            columns: ["adx_name": .string("Authentication/OpenIdConnect/AzureAD/ClientSecret"), "adx_value": .string("A")])
        var changed = secret
        changed.columns["adx_value"] = .string("B")
        let hidden = verifier.columnDifference(
            table: "adx_sitesetting", column: "adx_value", source: secret, target: changed, targetID: Self.id(7), name: nil, idMap: [:])
        #expect(hidden?.source == VerifyDifference.hidden && hidden?.target == VerifyDifference.hidden)
    }

    @Test("target-only step: unpaired records, portal languages only when referenced, nothing without reportTargetOnly")
    func targetOnlyStep() {
        let language = EntityRecord("adx_portallanguage", id: Self.id(30))
        let unused = EntityRecord("adx_portallanguage", id: Self.id(31))
        let target = Self.snapshot([
            Self.page(2), Self.page(3, ["adx_name": .string("Extra")]),
            EntityRecord(
                "adx_websitelanguage", id: Self.id(40), columns: ["adx_portallanguageid": .lookup(EntityReference("adx_portallanguage", Self.id(30)))]
            ),
            language, unused,
        ])
        let paired: [String: Set<UUID>] = ["adx_webpage": [Self.id(2)], "adx_websitelanguage": [Self.id(40)]]
        let found = StrictVerifier().targetOnlyRecords(target: target, paired: paired)
        #expect(found.differences.map(\.id) == [Self.id(30), Self.id(3)])
        #expect(found.differences.allSatisfy { $0.kind == .onlyInTarget })
        #expect(found.differences[1].name == "Extra")
        #expect(found.compared == 2)

        var quiet = StrictVerifier()
        quiet.reportTargetOnly = false
        let none = quiet.targetOnlyRecords(target: target, paired: paired)
        #expect(none.differences.isEmpty && none.compared == 0)
    }

    @Test("deletion step: only deleted records the target still holds")
    func deletionStep() {
        let target = StrictVerifier.recordsByID(Self.snapshot([Self.page(2)]))
        let found = StrictVerifier.notDeleted(
            [("adx_webpage", Self.id(2), "Still here"), ("adx_webpage", Self.id(3), "Gone"), ("adx_webrole", Self.id(2), nil)],
            targetRecords: target)
        #expect(found.map(\.kind) == [.notDeleted])
        #expect(found.first?.id == Self.id(2) && found.first?.name == "Still here")
    }

    @Test("file-body steps: pairs through the id map, a target-only body pairs with itself, compared by SHA-256")
    func fileBodySteps() {
        let same = FileBodyKey("annotation", Self.id(6), "documentbody")
        let mappedSource = FileBodyKey("annotation", Self.id(7), "documentbody")
        let mappedTarget = FileBodyKey("annotation", Self.id(17), "documentbody")
        let onlyTarget = FileBodyKey("annotation", Self.id(8), "documentbody")
        let unpaired = FileBodyKey("annotation", Self.id(9), "documentbody")
        var source = Self.snapshot([EntityRecord("annotation", id: Self.id(7), columns: ["filename": .string("a.css")])])
        source.bodies = [same: .data(Data("x".utf8)), mappedSource: .data(Data("a".utf8)), unpaired: .data(Data("z".utf8))]
        var target = Self.snapshot([])
        target.bodies = [same: .data(Data("x".utf8)), mappedTarget: .data(Data("b".utf8)), onlyTarget: .data(Data("t".utf8))]
        let paired: [String: Set<UUID>] = ["annotation": [Self.id(6), Self.id(17), Self.id(8)]]
        var verifier = StrictVerifier()

        let pairs = verifier.bodyPairs(source: source, target: target, paired: paired, idMap: [Self.id(7): Self.id(17)])
        #expect(pairs == [same: same, mappedTarget: mappedSource, onlyTarget: onlyTarget])

        let found = verifier.compareFileBodies(pairs, source: source, target: target)
        #expect(found.compared == 3)
        // In target key order: id 8 (only in the target), then id 17 (source id 7).
        #expect(found.differences.map(\.id) == [Self.id(8), Self.id(7)])
        #expect(found.differences[0].source == nil, "a body only the target has: the source side is empty")
        #expect(found.differences[1].targetID == Self.id(17) && found.differences[1].name == "a.css")
        #expect(found.differences[1].source?.hasPrefix("sha256:") == true && found.differences[1].source != found.differences[1].target)

        verifier.presenceOnly = ["annotation": [Self.id(17)]]
        #expect(verifier.compareFileBodies(pairs, source: source, target: target).compared == 2)
    }

    static let rel = "adx_webpageaccesscontrolrule_webrole"
    static func link(_ a: Int, _ b: Int) -> ManyToManyLink {
        ManyToManyLink(EntityReference("adx_webpageaccesscontrolrule", id(a)), EntityReference("adx_webrole", id(b)))
    }

    @Test("link step: both directions in target ids; target-only links reported with reportTargetOnly or when removed")
    func linkStep() {
        let source: Set = [Self.link(1, 2), Self.link(3, 4)]
        let target: Set = [Self.link(11, 2), Self.link(5, 6), Self.link(7, 8)]
        let idMap = [Self.id(1): Self.id(11)]

        let all = StrictVerifier().compareLinks(of: Self.rel, source: source, target: target, idMap: idMap, removed: [])
        #expect(all.compared == 4, "the matched link counts once")
        #expect(all.differences.map(\.kind) == [.linkMissingInTarget, .linkOnlyInTarget, .linkOnlyInTarget])
        #expect(all.differences.map(\.id) == [Self.id(3), Self.id(5), Self.id(7)])
        #expect(all.differences.allSatisfy { $0.table == Self.rel })

        var quiet = StrictVerifier()
        quiet.reportTargetOnly = false
        // A removed link, named in the other orientation, that is still there.
        let removed = [ManyToManyLink(EntityReference("adx_webrole", Self.id(8)), EntityReference("adx_webpageaccesscontrolrule", Self.id(7)))]
        let some = quiet.compareLinks(of: Self.rel, source: source, target: target, idMap: idMap, removed: removed)
        #expect(some.compared == 2)
        #expect(some.differences.map(\.id) == [Self.id(3), Self.id(7)])

        var scoped = StrictVerifier()
        scoped.scope.excludedTables.insert("adx_webrole")
        #expect(scoped.compareLinks(of: Self.rel, source: source, target: target, idMap: idMap, removed: []).compared == 0)
    }

    @Test("not-compared lines: one per kind left out, sorted by table, with the scope's reasons")
    func notComparedLines() {
        var leftOut = VerifyLeftOut()
        leftOut.system = ["modifiedon", "createdon"]
        leftOut.environmentSpecific = ["adx_website": ["adx_primarydomainname"]]
        leftOut.notCarried = ["adx_webpage": ["b", "a"]]
        leftOut.excluded = ["adx_webpage": ["x"], "adx_webrole": ["y"]]
        leftOut.droppedLookups = 2
        leftOut.keptAbsent = 3
        var verifier = StrictVerifier(carried: .declared([:], format: "a test format"))
        verifier.scope.excludedColumns = ["adx_webpage": ["x"]]
        verifier.scope.excludedColumnReasons = ["adx_webpage": "kept on purpose"]
        verifier.hiddenColumns = ["k1", "k2"]
        let lines = verifier.notCompared(leftOut)
        #expect(lines.count == 7, "adx_webrole's out-of-scope column is not listed without a column scope for it")
        #expect(lines[0].hasPrefix("system columns (createdon, modifiedon)"))
        #expect(lines[1].hasPrefix("adx_website columns adx_primarydomainname: not compared (environment specific"))
        #expect(lines[2] == "adx_webpage columns a, b: set in the target, not compared (a test format does not carry them)")
        #expect(lines[3] == "adx_webpage columns x: not compared (kept on purpose)")
        #expect(lines[4].hasPrefix("3 value(s) the source leaves out"))
        #expect(lines[5].hasPrefix("2 lookup(s) dropped on purpose"))
        #expect(lines[6].hasPrefix("2 value(s) set by the deployment profile"))
        #expect(StrictVerifier().notCompared(VerifyLeftOut()).isEmpty)
    }
}

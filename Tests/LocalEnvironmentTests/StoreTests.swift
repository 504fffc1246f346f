import Foundation
import Testing
import PortalModel
import LocalEnvironment
import TestSupport

/// The store through `DataverseService`: writes, reads, paging, filters, errors with Dataverse codes.
@Suite struct StoreTests {
    func customEnvironment() throws -> LocalEnvironment {
        try LocalEnvironmentSupport.make(LocalEnvironmentOptions(name: "custom", tables: .tables(LocalEnvironmentSupport.customTables())))
    }

    @Test func createReadUpdateDeleteKeepsTypedValues() async throws {
        let env = try customEnvironment()
        let parent = EntityRecord("xyz_parent", id: UUID(), columns: ["xyz_name": .string("P")])
        let when = try #require(DateTimeValue(iso8601: "2024-05-06T07:08:09.1234567Z"))
        let item = EntityRecord(
            "xyz_item", id: UUID(),
            columns: [
                "xyz_name": .string("Item <1> é"), "xyz_number": .integer(42), "xyz_amount": .money(try #require(ExactDecimal("12.3400"))),
                "xyz_when": .dateTime(when), "xyz_kind": .choice(756150001),
                "xyz_parentid": .lookup(EntityReference("xyz_parent", parent.id)),
            ])
        let results = try await env.execute([.create(parent), .create(item)], atomic: true)
        #expect(results.allSatisfy { $0.isSuccess })
        let read = try await env.retrieve("xyz_item", id: item.id)
        #expect(read["xyz_name"] == .string("Item <1> é"))
        #expect(read["xyz_number"] == .integer(42))
        #expect(read["xyz_amount"]?.text == "12.3400")
        #expect(read["xyz_when"] == .dateTime(when))
        #expect(read["xyz_kind"] == .choice(756150001))
        #expect(read.lookupID("xyz_parentid") == parent.id)
        #expect(read["xyz_file"] == .null)
        guard case .bigInt(let v1)? = read["versionnumber"] else { Issue.record("no versionnumber"); return }
        guard case .dateTime(let created)? = read["createdon"] else { Issue.record("no createdon"); return }

        var change = EntityRecord("xyz_item", id: item.id, columns: ["xyz_number": .null, "xyz_name": .string("renamed")])
        change["xyz_kind"] = .integer(3)
        #expect(try await env.execute([.update(change)]).allSatisfy { $0.isSuccess })
        let updated = try await env.retrieve("xyz_item", id: item.id, columns: ["xyz_name", "xyz_number", "xyz_kind", "versionnumber", "createdon"])
        #expect(updated["xyz_name"] == .string("renamed"))
        #expect(updated["xyz_number"] == .null)
        #expect(updated["xyz_kind"] == .choice(3))
        guard case .bigInt(let v2)? = updated["versionnumber"] else { Issue.record("no versionnumber"); return }
        #expect(v2 > v1)
        #expect(updated["createdon"] == .dateTime(created))
        #expect(try await env.version("xyz_item", id: item.id) == v2)

        let upsertNew = EntityRecord("xyz_parent", id: UUID(), columns: ["xyz_name": .string("U")])
        #expect(
            try await env.execute([.upsert(upsertNew), .upsert(EntityRecord("xyz_parent", id: upsertNew.id, columns: ["xyz_name": .string("U2")]))])
                .allSatisfy { $0.isSuccess })
        #expect(try await env.retrieve("xyz_parent", id: upsertNew.id)["xyz_name"] == .string("U2"))

        #expect(try await env.execute([.delete("xyz_item", item.id)]).allSatisfy { $0.isSuccess })
        await #expect(throws: DataverseError.self) { try await env.retrieve("xyz_item", id: item.id) }
    }

    @Test func badCallsGetTypedErrorsWithDataverseCodes() async throws {
        let env = try customEnvironment()
        let id = UUID()
        func code(_ op: DataverseOperation) async throws -> String? {
            try await env.execute([op]).first?.error?.code
        }
        #expect(try await code(.create(EntityRecord("xyz_parent", id: id, columns: ["xyz_name": .string("a")]))) == nil)
        // Create with an existing id.
        let dup = try await env.execute([.create(EntityRecord("xyz_parent", id: id))]).first?.error
        #expect(dup?.code == "0x80040237")
        #expect(dup?.httpStatus == 412)
        // Unknown column.
        let unknown = try await env.execute([.create(EntityRecord("xyz_parent", id: UUID(), columns: ["xyz_missing": .string("x")]))]).first?.error
        #expect(unknown?.code == "0x80048d19")
        #expect(unknown?.column == "xyz_missing")
        #expect(unknown?.message.contains("The property 'xyz_missing' does not exist on type 'Microsoft.Dynamics.CRM.xyz_parent'") == true)
        // Lookup to a missing record.
        let missing = try await env.execute([
            .create(
                EntityRecord(
                    "xyz_item", id: UUID(),
                    columns: [
                        "xyz_parentid": .lookup(EntityReference("xyz_parent", UUID()))
                    ]))
        ]).first?.error
        #expect(missing?.code == "0x80040217")
        #expect(missing?.httpStatus == 404)
        // Unknown table (write and read).
        #expect(try await code(.create(EntityRecord("xyz_nothere", id: UUID()))) == "0x8006088a")
        await #expect(throws: DataverseError.self) { _ = try await env.retrieve(RecordQuery("xyz_nothere"), pageSize: 10, page: nil) }
        do {
            _ = try await env.retrieve(RecordQuery("xyz_nothere"), pageSize: 10, page: nil)
        } catch let e as DataverseError {
            #expect(e.code == "0x8006088a")
            #expect(e.httpStatus == 404)
        }
        // Wrong type for a column, and a lookup to a table outside the column's targets.
        let wrong = try await env.execute([.create(EntityRecord("xyz_item", id: UUID(), columns: ["xyz_number": .string("ten")]))]).first?.error
        #expect(wrong?.code == DataverseError.Code.invalidArgument)
        #expect(wrong?.column == "xyz_number")
        let wrongTarget = try await env.execute([
            .create(
                EntityRecord(
                    "xyz_item", id: UUID(),
                    columns: [
                        "xyz_parentid": .lookup(EntityReference("xyz_item", UUID()))
                    ]))
        ]).first?.error
        #expect(wrongTarget?.code == DataverseError.Code.invalidArgument)
        // Update/delete of a missing record.
        #expect(try await code(.update(EntityRecord("xyz_parent", id: UUID(), columns: ["xyz_name": .string("x")]))) == "0x80040217")
        #expect(try await code(.delete("xyz_parent", UUID())) == "0x80040217")
        // Unknown column in a query, bad page token.
        do {
            _ = try await env.retrieve(RecordQuery("xyz_parent", columns: ["nope"]), pageSize: 10, page: nil)
            Issue.record("expected an error")
        } catch let e as DataverseError {
            #expect(e.code == "0x0")
            #expect(e.message == "Could not find a property named 'nope' on type 'Microsoft.Dynamics.CRM.xyz_parent'.")
        }
        await #expect(throws: DataverseError.self) { _ = try await env.retrieve(RecordQuery("xyz_parent"), pageSize: 10, page: "garbage!") }
        // Nothing of the failed writes was stored.
        #expect(try await env.count("xyz_parent") == 1)
        #expect(try await env.count("xyz_item") == 0)
    }

    @Test func atomicChangeSetRollsBackAndReportsEachOperation() async throws {
        let env = try customEnvironment()
        let a = EntityRecord("xyz_parent", id: UUID(), columns: ["xyz_name": .string("a")])
        let b = EntityRecord("xyz_parent", id: UUID(), columns: ["xyz_bad": .string("b")])
        let c = EntityRecord("xyz_parent", id: UUID(), columns: ["xyz_name": .string("c")])
        let atomic = try await env.execute([a, b, c].map { DataverseOperation.create($0) }, atomic: true)
        #expect(atomic.count == 3)
        #expect(atomic[0].error?.code == DataverseError.Code.rolledBack)
        #expect(atomic[1].error?.code == "0x80048d19")
        #expect(atomic[2].error?.code == DataverseError.Code.rolledBack)
        #expect(try await env.count("xyz_parent") == 0)

        let loose = try await env.execute([a, b, c].map { DataverseOperation.create($0) }, atomic: false)
        #expect(loose.map { $0.isSuccess } == [true, false, true])
        #expect(try await env.count("xyz_parent") == 2)

        // Without continue-on-error, later change sets are not executed.
        let d = EntityRecord("xyz_parent", id: UUID(), columns: ["xyz_name": .string("d")])
        let stopped = try await env.execute(
            [ChangeSet([.create(b)]), ChangeSet([.create(d)])],
            options: ExecuteOptions(continueOnError: false))
        #expect(stopped[1].error?.code == DataverseError.Code.notExecuted)
        #expect(try await env.count("xyz_parent") == 2)
    }

    @Test func filtersOrderingTopAndLinks() async throws {
        let env = try customEnvironment()
        let parent = EntityRecord("xyz_parent", id: UUID(), columns: ["xyz_name": .string("p")])
        var ops: [DataverseOperation] = [.create(parent)]
        for i in 0..<30 {
            ops.append(
                .create(
                    EntityRecord(
                        "xyz_item", id: UUID(),
                        columns: [
                            "xyz_name": .string("item \(i)"), "xyz_number": .integer(Int32(i)),
                            "xyz_parentid": i % 3 == 0 ? .lookup(EntityReference("xyz_parent", parent.id)) : .null,
                        ])))
        }
        #expect(try await env.execute(ops, atomic: true).allSatisfy { $0.isSuccess })
        let withParent = try await env.retrieveAll(RecordQuery("xyz_item", filter: .equal("xyz_parentid", .guid(parent.id))), pageSize: 3)
        #expect(withParent.count == 10)
        let big = try await env.retrieveAll(
            RecordQuery(
                "xyz_item", columns: ["xyz_number"], filter: .compare("xyz_number", .ge, .integer(25)),
                orderBy: [.init("xyz_number", descending: true)]), pageSize: 2)
        #expect(big.map { $0["xyz_number"] } == [29, 28, 27, 26, 25].map { FieldValue.integer($0) })
        #expect(big.first?.columns.keys.sorted() == ["xyz_number"])
        let top = try await env.retrieveAll(RecordQuery("xyz_item", orderBy: [.init("xyz_number")], top: 7), pageSize: 3)
        #expect(top.map { $0["xyz_number"] } == (0..<7).map { FieldValue.integer(Int32($0)) })
        let names = try await env.retrieveAll(RecordQuery("xyz_item", filter: .string(.startswith, "xyz_name", "ITEM 1")))
        #expect(names.count == 11)

        let item = withParent[0]
        let link = ManyToManyLink(item.reference, parent.reference)
        #expect(
            try await env.execute([
                .associate(relationship: "xyz_item_parent", link),
                .associate(relationship: "xyz_item_parent", link),
            ]).allSatisfy { $0.isSuccess })
        #expect(try await env.retrieveLinks(relationship: "xyz_item_parent", firstIDs: nil) == [link])
        #expect(try await env.retrieveLinks(relationship: "xyz_item_parent", firstIDs: [UUID()]).isEmpty)
        // Deleting one side removes the link.
        #expect(try await env.execute([.delete("xyz_item", item.id)]).allSatisfy { $0.isSuccess })
        #expect(try await env.retrieveLinks(relationship: "xyz_item_parent", firstIDs: nil).isEmpty)
        let missing = try await env.execute([.associate(relationship: "xyz_item_parent", link)]).first?.error
        #expect(missing?.code == "0x80040217")
        await #expect(throws: DataverseError.self) { _ = try await env.retrieveLinks(relationship: "nope", firstIDs: nil) }
    }

    @Test func twelveThousandRecordsPageByPageWithoutLossOrRepeats() async throws {
        let env = try customEnvironment()
        var expected = Set<UUID>()
        let clock = ContinuousClock()
        let started = clock.now
        for batch in 0..<12 {
            var ops: [DataverseOperation] = []
            for i in 0..<1000 {
                let id = UUID()
                expected.insert(id)
                ops.append(.create(EntityRecord("xyz_parent", id: id, columns: ["xyz_name": .string("r\(batch * 1000 + i)")])))
            }
            #expect(try await env.execute(ops, atomic: true).allSatisfy { $0.isSuccess })
        }
        let written = clock.now
        var seen = Set<UUID>()
        var token: String?
        var pages = 0
        var repeats = 0
        repeat {
            let page = try await env.retrieve(RecordQuery("xyz_parent"), pageSize: 5000, page: token)
            for r in page.records where !seen.insert(r.id).inserted { repeats += 1 }
            token = page.nextPage
            pages += 1
        } while token != nil && pages < 100
        let read = clock.now
        print("12,000 records: write \(written - started), read in pages of 5,000 \(read - written)")
        #expect(pages == 3)
        #expect(repeats == 0)
        #expect(seen == expected)
        // Smaller pages with a filter, and an order.
        let odd = try await env.retrieveAll(RecordQuery("xyz_parent", filter: .string(.endswith, "xyz_name", "7")), pageSize: 333)
        #expect(odd.count == 1200)
        let ordered = try await env.retrieveAll(RecordQuery("xyz_parent", columns: ["xyz_name"], orderBy: [.init("xyz_name")]), pageSize: 4999)
        #expect(ordered.count == 12000)
        #expect(Set(ordered.map(\.id)) == expected)
    }

    @Test func openingSomethingElseFailsClearly() throws {
        let dir = try TestPaths.temporaryDirectory("pm-open")
        let garbage = dir.appendingPathComponent("garbage.sqlite")
        try Data("this is not a database".utf8).write(to: garbage)
        #expect { try LocalEnvironment(opening: garbage) } throws: { error in
            if case LocalEnvironmentError.notAnEnvironment(let path, _) = error { return path == garbage.path }
            return false
        }
        let missing = dir.appendingPathComponent("missing.sqlite")
        #expect(throws: LocalEnvironmentError.notFound(missing.path)) { try LocalEnvironment(opening: missing) }
        let env = try LocalEnvironment.create(at: dir.appendingPathComponent("env.sqlite"))
        #expect(throws: LocalEnvironmentError.alreadyExists(env.url.path)) { try LocalEnvironment.create(at: env.url) }
        #expect(throws: LocalEnvironmentError.self) {
            try LocalEnvironment.create(at: dir.appendingPathComponent("big.sqlite"), options: LocalEnvironmentOptions(maxUploadFileSize: 0))
        }
    }

    @Test func fileColumnsAndSystemTables() async throws {
        let env = try customEnvironment()
        let item = EntityRecord("xyz_item", id: UUID())
        #expect(try await env.execute([.create(item)]).allSatisfy { $0.isSuccess })
        let body = Data((0..<10_000).map { UInt8($0 % 251) })
        let key = FileBodyKey("xyz_item", item.id, "xyz_file")
        #expect(try await env.execute([.uploadFile(key, fileName: "report.pdf", body: .data(body))]).allSatisfy { $0.isSuccess })
        #expect(try await env.downloadFile(key) == body)
        #expect(try await env.downloadFile(key, range: 100..<200) == body.subdata(in: 100..<200))
        #expect(try await env.file(key)?.fileName == "report.pdf")
        let blocked = try await env.execute([.uploadFile(key, fileName: "evil.EXE", body: .data(body))]).first?.error
        #expect(blocked?.code == "0x80043e09")
        let notFile = try await env.execute([.uploadFile(FileBodyKey("xyz_item", item.id, "xyz_name"), fileName: "a.pdf", body: .data(body))]).first?
            .error
        #expect(notFile?.code == DataverseError.Code.invalidArgument)

        let tables = try await env.tableDefinitions().map(\.logicalName)
        for t in ["xyz_item", "xyz_parent", "businessunit", "systemuser", "adx_portallanguage", "pm_portalapp", "annotation"] {
            #expect(tables.contains(t))
        }
        let who = try await env.whoAmI()
        #expect(try await env.retrieve("systemuser", id: who.userID).lookupID("businessunitid") == who.businessUnitID)
        let org = try await env.organizationInfo()
        #expect(org.languageCode == 1033)
        #expect(org.maxUploadFileSize == 5_242_880)
        #expect(org.blockedAttachments.count == 97)
        #expect(org.blocks(fileName: "app.js") && org.blocks(fileName: "logo.svg"))
        #expect(try await env.count("adx_portallanguage") == 43)
    }
}

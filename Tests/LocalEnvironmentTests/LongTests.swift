import Foundation
import Testing
import PortalModel
import LocalEnvironment
import TestSupport

/// Longer trials, run with `PM_LONG_TESTS=1`.
@Suite(.enabled(if: TestPaths.longTests)) struct LongTests {
    /// 100,000 records written by four concurrent writers on separate connections, then read back in
    /// pages of 5,000 with a filter and in order, without loss or repeats.
    @Test func hundredThousandRecordsFourWriters() async throws {
        let dir = try TestPaths.temporaryDirectory("pm-long")
        let url = dir.appendingPathComponent("env.sqlite")
        try LocalEnvironment.create(at: url, options: LocalEnvironmentOptions(tables: .tables(LocalEnvironmentSupport.customTables())))
        let all = try await withThrowingTaskGroup(of: Set<UUID>.self) { group in
            for w in 0..<4 {
                group.addTask {
                    let env = try LocalEnvironment(opening: url)
                    var ids = Set<UUID>()
                    for batch in 0..<25 {
                        var ops: [DataverseOperation] = []
                        for i in 0..<1000 {
                            let id = UUID()
                            ids.insert(id)
                            ops.append(
                                .create(
                                    EntityRecord(
                                        "xyz_item", id: id,
                                        columns: [
                                            "xyz_name": .string("w\(w)-\(batch)-\(i)"), "xyz_number": .integer(Int32(i)),
                                        ])))
                        }
                        let results = try await env.execute(ops, atomic: true)
                        #expect(results.allSatisfy { $0.isSuccess })
                    }
                    return ids
                }
            }
            var union = Set<UUID>()
            for try await ids in group { union.formUnion(ids) }
            return union
        }
        let env = try LocalEnvironment(opening: url)
        var seen = Set<UUID>()
        var token: String?
        var repeats = 0
        repeat {
            let page = try await env.retrieve(RecordQuery("xyz_item", columns: ["xyz_number"]), pageSize: 5000, page: token)
            for r in page.records where !seen.insert(r.id).inserted { repeats += 1 }
            token = page.nextPage
        } while token != nil
        #expect(repeats == 0)
        #expect(seen == all)
        let sevens = try await env.retrieveAll(RecordQuery("xyz_item", filter: .equal("xyz_number", .integer(7))))
        #expect(sevens.count == 100)
        #expect(try await env.integrityCheck() == ["ok"])
    }
}

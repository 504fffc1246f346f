import Foundation
import PortalModel
import Testing
import TestSupport
@testable import ConfigurationMigration

/// Issue 8 acceptance 2 and 3 with the built binary on embedded environments created from the corpus
/// packages' own schemas (`env create --schema`): packages without a website are planned by table.
@Suite(.serialized) struct CMTImportAcceptanceTests {

    /// Columns Dataverse stamps itself (audit, version, time zone): not part of a round trip.
    static let stamped: Set<String> = [
        "createdon", "createdby", "modifiedon", "modifiedby", "createdonbehalfby", "modifiedonbehalfby",
        "overriddencreatedon", "versionnumber", "importsequencenumber", "timezoneruleversionnumber",
        "utcconversiontimezonecode", "exchangerate", "organizationid", "owninguser", "owningteam",
    ]

    static func package(_ name: String) -> URL {
        TestPaths.corpus.appendingPathComponent("cmt/packages/\(name)")
    }

    /// Differences between the package's records and the exported ones: records by id (portal languages by
    /// LCID), every column except stamped ones and `ignored` (`table/id/column`), lookups by table + id
    /// (remapped through `idMap`), absent equal to null; N:N links too.
    static func differences(expected: PortalSnapshot, actual: PortalSnapshot, ignored: Set<String>) -> [String] {
        var idMap: [UUID: UUID] = [:]
        let targetByLCID = Dictionary(
            (actual.records["adx_portallanguage"] ?? []).compactMap { r in r.columns["adx_lcid"]?.text.map { ($0, r.id) } },
            uniquingKeysWith: { a, _ in a })
        for r in expected.records["adx_portallanguage"] ?? [] {
            if let lcid = r.columns["adx_lcid"]?.text, let t = targetByLCID[lcid] { idMap[r.id] = t }
        }
        func norm(_ v: FieldValue?) -> String {
            guard let v, !v.isNull else { return "null" }
            if let ref = v.reference { return "\(ref.logicalName):\((idMap[ref.id] ?? ref.id).dataverseString)" }
            return "\(v)"
        }
        var out: [String] = []
        for table in Set(expected.records.keys).union(actual.records.keys).sorted() {
            let rows = expected.records[table] ?? []
            let got = Dictionary((actual.records[table] ?? []).map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            if rows.count != (actual.records[table] ?? []).count {
                out.append("\(table): \(rows.count) record(s) in the package, \((actual.records[table] ?? []).count) exported")
            }
            for r in rows {
                let id = idMap[r.id] ?? r.id
                guard let y = got[id] else { out.append("\(table) \(r.id.dataverseString) not exported"); continue }
                for c in Set(r.columns.keys).union(y.columns.keys).sorted() where !stamped.contains(c) && !c.hasSuffix("_base") {
                    guard !ignored.contains("\(table)/\(r.id.dataverseString)/\(c)") else { continue }
                    if norm(r.columns[c]) != norm(y.columns[c]) {
                        out.append("\(table) \(r.id.dataverseString) \(c): \(norm(r.columns[c])) vs \(norm(y.columns[c]))")
                    }
                }
            }
        }
        let links = Set(expected.links.flatMap { rel, ls in ls.map { "\(rel) \(($0.first.id)) \($0.second.id)" } })
        let got = Set(actual.links.flatMap { rel, ls in ls.map { "\(rel) \(($0.first.id)) \($0.second.id)" } })
        if links != got {
            out.append("N:N links differ: \(links.subtracting(got).sorted().prefix(3)) vs \(got.subtracting(links).sorted().prefix(3))")
        }
        return out
    }

    @Test func cssPortal2020RoundTripsWithoutASecondLanguageRow() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: TestPaths.portalMigrateBinary.path), "build portal-migrate first")
        let home = try TestPaths.temporaryDirectory("cmt-accept2")
        defer { try? FileManager.default.removeItem(at: home) }
        func ok(_ args: [String]) async throws -> ChildProcessResult {
            let r = try await CLI.run(args, home: home)
            #expect(r.status == 0, "\(args.joined(separator: " ")): \(r.out)\(r.err)")
            return r
        }
        let dir = Self.package("css-portal-2020")
        let schema = dir.appendingPathComponent("data_schema.xml").path
        let source = try CMTPackage(contentsOf: dir)
        #expect(source.snapshot.records["adx_website"]?.isEmpty ?? true, "the package holds no website")
        let languages = source.snapshot.records["adx_portallanguage"] ?? []
        #expect(languages.count == 43)

        _ = try await ok(["env", "create", "fromschema", "--schema", schema])
        let first = try await ok(["data", "import", "--data", dir.path, "--environment", "local:fromschema"])
        #expect(first.out.contains("adx_setting: 4 created"), "\(first.out)")
        #expect(first.out.contains("matched: 43 by natural-key"), "portal languages match by LCID: \(first.out)")
        let again = try await ok(["data", "import", "--data", dir.path, "--environment", "local:fromschema"])
        #expect(!again.out.contains("created") && !again.out.contains("updated"), "a second import writes nothing: \(again.out)")

        let zip = home.appendingPathComponent("back.zip")
        _ = try await ok(["data", "export", "--schemaFile", schema, "--dataFile", zip.path, "--environment", "local:fromschema"])
        let back = try CMTPackage(contentsOf: zip)
        let diffs = Self.differences(expected: source.snapshot, actual: back.snapshot, ignored: [])
        #expect(diffs.isEmpty, "\(diffs.prefix(10))")
        let names = Set((back.snapshot.records["adx_portallanguage"] ?? []).compactMap { $0.string("adx_displayname") })
        #expect(names.contains("português (Brasil)") && names.contains("português (Portugal)"), "portugu&amp;#234;s is stored decoded")

        // An environment with the catalog's tables and its own 43 portal languages under other ids.
        _ = try await ok(["env", "create", "own"])
        let own = try await ok(["data", "import", "--data", dir.path, "--environment", "local:own", "--json"])
        #expect(own.err.contains("matched: 43 by natural-key") || own.out.contains("natural"), "\(own.out)\(own.err)")
        let ownZip = home.appendingPathComponent("own.zip")
        _ = try await ok(["data", "export", "--schemaFile", schema, "--dataFile", ownZip.path, "--environment", "local:own"])
        let ownBack = try CMTPackage(contentsOf: ownZip)
        let lcids = (ownBack.snapshot.records["adx_portallanguage"] ?? []).compactMap { $0.columns["adx_lcid"]?.text }
        #expect(lcids.count == 43 && Set(lcids).count == lcids.count, "one row per language: \(lcids.count) rows, \(Set(lcids).count) LCIDs")
        let ownDiffs = Self.differences(expected: source.snapshot, actual: ownBack.snapshot, ignored: [])
        #expect(ownDiffs.isEmpty, "\(ownDiffs.prefix(10))")
    }

    @Test func typed2025StopsOnMissingLookupsAndRoundTripsWithDrop() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: TestPaths.portalMigrateBinary.path), "build portal-migrate first")
        let home = try TestPaths.temporaryDirectory("cmt-accept3")
        defer { try? FileManager.default.removeItem(at: home) }
        let dir = Self.package("typed-2025")
        let schema = dir.appendingPathComponent("data_schema.xml").path
        let source = try CMTPackage(contentsOf: dir)
        #expect(try await CLI.run(["env", "create", "typed", "--schema", schema], home: home).status == 0)

        // Lookups to records the package does not hold.
        var held = Set<UUID>()
        for rows in source.snapshot.records.values { for r in rows { held.insert(r.id) } }
        var outside: [(table: String, id: UUID, column: String, target: String)] = []
        for (table, rows) in source.snapshot.records {
            for r in rows {
                for (c, v) in r.columns where !Self.stamped.contains(c) {
                    if let ref = v.reference, !held.contains(ref.id) { outside.append((table, r.id, c, ref.logicalName)) }
                }
            }
        }
        let targets = Set(outside.map(\.target))
        #expect(targets.isSuperset(of: ["systemuser", "businessunit", "contact", "transactioncurrency"]), "\(targets.sorted())")

        let stopped = try await CLI.run(["data", "import", "--data", dir.path, "--environment", "local:typed"], home: home)
        #expect(stopped.status == 2, "\(stopped.out)\(stopped.err)")
        for t in ["systemuser", "businessunit", "contact", "transactioncurrency"] {
            #expect(stopped.err.contains("missing-lookup: the lookup points to \(t) "), "\(t) is listed: \(stopped.err)")
        }
        for o in outside {
            #expect(stopped.err.contains("\(o.table) \(o.id.dataverseString)") && stopped.err.contains(", column \(o.column)]"), "\(o) is listed")
        }
        let empty = try await CLI.run(
            [
                "data", "export", "--schemaFile", schema, "--dataFile", home.appendingPathComponent("empty.zip").path,
                "--environment", "local:typed",
            ], home: home)
        #expect(empty.status == 0 && empty.out.contains("Exported 0 record(s)"), "nothing was written: \(empty.out)\(empty.err)")

        let dropped = try await CLI.run(
            ["data", "import", "--data", dir.path, "--environment", "local:typed", "--missing-lookups", "drop"], home: home)
        #expect(dropped.status == 0, "\(dropped.out)\(dropped.err)")
        for o in outside {
            #expect(
                dropped.out.contains("dropped lookup \(o.table) \(o.id.dataverseString), column \(o.column) → \(o.target)"), "\(o) is reported as dropped")
        }
        let zip = home.appendingPathComponent("back.zip")
        let export = try await CLI.run(
            ["data", "export", "--schemaFile", schema, "--dataFile", zip.path, "--environment", "local:typed"], home: home)
        #expect(export.status == 0, "\(export.err)")
        let back = try CMTPackage(contentsOf: zip)
        let ignored = Set(outside.map { "\($0.table)/\($0.id.dataverseString)/\($0.column)" })
        let diffs = Self.differences(expected: source.snapshot, actual: back.snapshot, ignored: ignored)
        #expect(diffs.isEmpty, "\(diffs.prefix(10))")
        // Every attribute type of the package is among the compared values.
        let types = Set(source.snapshot.records.values.flatMap { $0.flatMap { $0.columns.values.map { "\($0)".prefix(while: { $0 != "(" }) } } })
        #expect(types.count >= 8, "\(types.sorted())")
    }
}

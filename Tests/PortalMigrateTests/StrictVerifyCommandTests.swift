import Foundation
import LocalEnvironment
import PortalModel
import Testing
import TestSupport

/// Issue 18 "Done when" with the built binary on embedded environments: after an upload, a migration
/// and a data import (whose `--json` carries a passed `verification`; none with `--no-verify`), each mutation of the target makes `verify` exit 1 naming exactly that change —
/// a column emptied, a column set that the source has empty, an N:N link removed or added, a file body
/// changed by one byte, a record deactivated, a record added, and in the enhanced model a key added to
/// or removed from a component's `content`. Each mutation is undone before the next, and verify exits
/// 0 again at the end.
@Suite(.serialized) struct StrictVerifyCommandTests {
    static let ejadaSite = "9b33ac01-11e0-ec11-bb3c-000d3ab4fb7f"
    static let rcsaSite = "aa7d49af-363f-41d3-b99d-bdd5ad5694d8"

    /// The JSON object a command printed on stdout.
    static func json(_ r: ChildProcessResult) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8))
        return try #require(object as? [String: Any], "stdout is not a JSON object: \(r.stdout.prefix(300))")
    }

    /// Runs `verify --json` and returns its exit code and differences.
    static func verify(_ args: [String], home: URL) async throws -> (code: Int32, differences: [[String: Any]], stderr: String) {
        let r = try await CLI.run(["verify"] + args + ["--json"], home: home)
        let diffs = try json(r)["differences"] as? [[String: Any]] ?? []
        return (r.exitCode, diffs, r.stderr)
    }

    /// `table/id/column/kind` of a difference, for readable assertions.
    static func key(_ d: [String: Any]) -> String {
        [d["table"], d["id"], d["column"], d["kind"]].map { ($0 as? String) ?? "-" }.joined(separator: "/")
    }

    static func write(_ env: LocalEnvironment, _ ops: [DataverseOperation]) async throws {
        let results = try await env.execute([ChangeSet(ops)], options: ExecuteOptions())
        for r in results { #expect(r.isSuccess, "\(r.error.map { "\($0)" } ?? "")") }
    }

    @Test("standard model: column emptied, column set, link removed and added, body changed by one byte, record deactivated, record added")
    func standardMutationsAreNamed() async throws {
        let work = try TestPaths.temporaryDirectory("pm-strict-verify")
        defer { try? FileManager.default.removeItem(at: work) }
        let home = work.appendingPathComponent("home")
        let site = work.appendingPathComponent("site")
        try FileManager.default.copyItem(at: TestPaths.pacFolder("ejada-starter-2022"), to: site)
        for env in ["src", "tgt"] { #expect(try await CLI.run(["env", "create", env], home: home).exitCode == 0) }
        let up = try await CLI.run(["upload", "--path", site.path, "--environment", "local:src", "--yes", "--json"], home: home)
        #expect(up.exitCode == 0, "\(up.stderr)")
        let upVerification = try #require(try Self.json(up)["verification"] as? [String: Any])
        #expect(upVerification["passed"] as? Bool == true, "\(upVerification)")
        let migrate = try await CLI.run(
            ["migrate", "--from", "local:src", "--to", "local:tgt", "--webSiteId", Self.ejadaSite, "--yes", "--json"], home: home)
        #expect(migrate.exitCode == 0, "\(migrate.stderr)")
        let verification = try #require(try Self.json(migrate)["verification"] as? [String: Any])
        let checked = try #require(verification["checked"] as? [String: Any])
        #expect(
            verification["passed"] as? Bool == true && (checked["records"] as? Int ?? 0) > 400 && (checked["fileBodies"] as? Int ?? 0) > 0,
            "\(verification)")
        // --no-verify: no read-back, no verification object.
        let unverified = try await CLI.run(
            [
                "migrate", "--from", "local:src", "--to", "local:tgt", "--webSiteId", Self.ejadaSite, "--yes",
                "--json", "--no-verify",
            ], home: home)
        let unverifiedJSON = try Self.json(unverified)
        #expect(unverified.exitCode == 0 && unverifiedJSON["verification"] == nil, "\(unverified.stdout.prefix(500))")
        // data import reads back too.
        #expect(try await CLI.run(["env", "create", "pkg"], home: home).exitCode == 0)
        let schema = work.appendingPathComponent("css.xml").path, zip = work.appendingPathComponent("data.zip").path
        #expect(try await CLI.run(["data", "schema", "--portalType", "customer-self-service", "--output", schema], home: home).exitCode == 0)
        #expect(
            try await CLI.run(["data", "export", "--schemaFile", schema, "--dataFile", zip, "--environment", "local:src"], home: home).exitCode == 0)
        let imported = try await CLI.run(["data", "import", "--data", zip, "--environment", "local:pkg", "--json"], home: home)
        #expect(imported.exitCode == 0, "\(imported.stderr)")
        let importVerification = try #require(try Self.json(imported)["verification"] as? [String: Any])
        #expect(
            importVerification["passed"] as? Bool == true && ((importVerification["checked"] as? [String: Any])?["records"] as? Int ?? 0) > 400,
            "\(importVerification)")

        let args = ["--from", "local:src", "--to", "local:tgt", "--webSiteId", Self.ejadaSite]
        let clean = try await Self.verify(args, home: home)
        #expect(clean.code == 0 && clean.differences.isEmpty, "\(clean.differences.map(Self.key)) \(clean.stderr)")

        let env = try LocalEnvironment(opening: home.appendingPathComponent("environments/tgt.sqlite"))
        let siteRef = FieldValue.lookup(EntityReference("adx_website", try #require(UUID(dataverse: Self.ejadaSite))))
        /// Verify exits 1 naming exactly `expected` (table/id/column/kind); then `undo`, and verify passes.
        func expectNamed(_ what: String, _ expected: Set<String>, undo: () async throws -> Void) async throws {
            let v = try await Self.verify(args, home: home)
            #expect(v.code == 1, "\(what): exit \(v.code)")
            #expect(Set(v.differences.map(Self.key)) == expected, "\(what): \(v.differences)")
            try await undo()
            let after = try await Self.verify(args, home: home)
            #expect(after.code == 0, "\(what) undone: \(after.differences.map(Self.key))")
        }

        // A column emptied.
        let pages = try await env.retrieveAll(RecordQuery("adx_webpage")).sorted { $0.id.dataverseString < $1.id.dataverseString }
        let page = try #require(pages.first { $0.string("adx_title")?.isEmpty == false && $0.columns["adx_summary"]?.isNull ?? true })
        let pageID = page.id.dataverseString
        try await Self.write(env, [.update(EntityRecord("adx_webpage", id: page.id, columns: ["adx_title": .null]))])
        try await expectNamed("column emptied", ["adx_webpage/\(pageID)/adx_title/column"]) {
            try await Self.write(env, [.update(EntityRecord("adx_webpage", id: page.id, columns: ["adx_title": page.columns["adx_title"]!]))])
        }
        // A column set that the source has empty.
        try await Self.write(env, [.update(EntityRecord("adx_webpage", id: page.id, columns: ["adx_summary": .string("set only in the target")]))])
        try await expectNamed("column set", ["adx_webpage/\(pageID)/adx_summary/column"]) {
            try await Self.write(env, [.update(EntityRecord("adx_webpage", id: page.id, columns: ["adx_summary": .null]))])
        }
        // An N:N link removed, then one added.
        let rel = "adx_entitypermission_webrole"
        let links = try await env.retrieveLinks(relationship: rel, firstIDs: nil).sorted()
        let link = try #require(links.first)
        try await Self.write(env, [.disassociate(relationship: rel, link)])
        try await expectNamed("link removed", ["\(rel)/\(link.first.id.dataverseString)/-/link-missing-in-target"]) {
            try await Self.write(env, [.associate(relationship: rel, link)])
        }
        let permissions = try await env.retrieveAll(RecordQuery("adx_entitypermission")).map(\.id)
        let roles = try await env.retrieveAll(RecordQuery("adx_webrole")).map(\.id)
        let unlinked = try #require(
            permissions.sorted { $0.dataverseString < $1.dataverseString }.lazy.flatMap { p in
                roles.sorted { $0.dataverseString < $1.dataverseString }.map {
                    ManyToManyLink(EntityReference("adx_entitypermission", p), EntityReference("adx_webrole", $0))
                }
            }.first { !links.contains($0) })
        try await Self.write(env, [.associate(relationship: rel, unlinked)])
        try await expectNamed("link added", ["\(rel)/\(unlinked.first.id.dataverseString)/-/link-only-in-target"]) {
            try await Self.write(env, [.disassociate(relationship: rel, unlinked)])
        }
        // A file body changed by one byte.
        let notes = try await env.retrieveAll(RecordQuery("annotation")).sorted { $0.id.dataverseString < $1.id.dataverseString }
        var original: (EntityRecord, Data)?
        for n in notes {
            if let d = try await env.downloadFile(FileBodyKey("annotation", n.id, "documentbody")), !d.isEmpty { original = (n, d); break }
        }
        let (note, body) = try #require(original)
        var changed = body
        changed[changed.count - 1] ^= 0x01
        let bodyKey = FileBodyKey("annotation", note.id, "documentbody")
        let fileName = note.string("filename") ?? "file"
        try await Self.write(env, [.uploadFile(bodyKey, fileName: fileName, body: .data(changed))])
        try await expectNamed("body changed", ["annotation/\(note.id.dataverseString)/documentbody/file-body"]) {
            try await Self.write(env, [.uploadFile(bodyKey, fileName: fileName, body: .data(body))])
        }
        // A record deactivated.
        let snippet = try #require(try await env.retrieveAll(RecordQuery("adx_contentsnippet")).min { $0.id.dataverseString < $1.id.dataverseString })
        let sid = snippet.id.dataverseString
        try await Self.write(
            env, [.update(EntityRecord("adx_contentsnippet", id: snippet.id, columns: ["statecode": .state(1), "statuscode": .status(2)]))])
        try await expectNamed("deactivated", ["adx_contentsnippet/\(sid)/statecode/column", "adx_contentsnippet/\(sid)/statuscode/column"]) {
            try await Self.write(
                env, [.update(EntityRecord("adx_contentsnippet", id: snippet.id, columns: ["statecode": .state(0), "statuscode": .status(1)]))])
        }
        // A record added.
        let added = UUID()
        try await Self.write(
            env,
            [.create(EntityRecord("adx_contentsnippet", id: added, columns: ["adx_name": .string("Added in the target"), "adx_websiteid": siteRef]))])
        try await expectNamed("record added", ["adx_contentsnippet/\(added.dataverseString)/-/only-in-target"]) {
            try await Self.write(env, [.delete("adx_contentsnippet", added)])
        }
    }

    @Test("enhanced model: a key added to or removed from a component's content is named as its column")
    func enhancedContentKeysAreNamed() async throws {
        // The folder uploaded into two fresh environments (their blocked lists accept its .js web files).
        let scenario = try await Scenario.uploaded("rcsa-enhanced-2025", into: ["t", "u"], label: "pm-strict-verify-v2")
        defer { scenario.remove() }
        let home = scenario.home
        let args = ["--from", "local:t", "--to", "local:u", "--webSiteId", Self.rcsaSite]
        let clean = try await Self.verify(args, home: home)
        #expect(clean.code == 0, "\(clean.differences.map(Self.key)) \(clean.stderr)")

        let env = try LocalEnvironment(opening: home.appendingPathComponent("environments/u.sqlite"))
        let snippets = try await env.retrieveAll(RecordQuery("powerpagecomponent", filter: .equal("powerpagecomponenttype", .choice(7))))
        let snippet = try #require(
            snippets.sorted { $0.id.dataverseString < $1.id.dataverseString }.first {
                ($0.string("content").flatMap { try? JSONValue.parse($0) }?["display_name"]?.stringValue ?? "").isEmpty == false
            })
        let content = try #require(snippet.string("content"))
        let members = try #require(try JSONValue.parse(content).objectValue)
        func setContent(_ m: [(String, JSONValue)]) async throws {
            try await Self.write(
                env, [.update(EntityRecord("powerpagecomponent", id: snippet.id, columns: ["content": .string(JSONValue.object(m).serialized)]))])
        }
        let id = snippet.id.dataverseString
        try await setContent(members + [("verifyprobe", .string("added in the target"))])
        var v = try await Self.verify(args, home: home)
        #expect(
            v.code == 1
                && Set(v.differences.map(Self.key)) == [
                    "adx_contentsnippet/\(id)/\(EnhancedComponentMapping.column(forContentKey: "verifyprobe"))/column"
                ],
            "\(v.differences)")
        try await setContent(members.filter { $0.0 != "display_name" })
        v = try await Self.verify(args, home: home)
        #expect(v.code == 1 && Set(v.differences.map(Self.key)) == ["adx_contentsnippet/\(id)/adx_display_name/column"], "\(v.differences)")
        try await Self.write(env, [.update(EntityRecord("powerpagecomponent", id: snippet.id, columns: ["content": .string(content)]))])
        v = try await Self.verify(args, home: home)
        #expect(v.code == 0, "\(v.differences.map(Self.key))")
    }
}

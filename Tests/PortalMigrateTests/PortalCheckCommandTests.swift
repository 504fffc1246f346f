import Foundation
import PortalModel
import Testing
import TestSupport

/// `portal-migrate check` end to end with the built binary (issue 21 "Portal checks"): real corpus
/// folders, an embedded environment's website in both data models, a CMT package; and the error
/// rules stopping an upload before it writes.
@Suite("portal-migrate check")
struct PortalCheckCommandTests {
    /// The rule ids of a `check --json` run.
    static func checks(_ stdout: String) throws -> [String] {
        let json = try JSONValue.parse(stdout)
        return (json["diagnostics"]?.arrayValue ?? []).compactMap { $0["check"]?.stringValue }
    }

    @Test("a real site without errors passes; one with anonymous global write and secrets in files fails naming record and column")
    func corpusFolders() async throws {
        let s = try Scenario("pm-check")
        defer { s.remove() }
        let ejada = try await s.run(["check", "--path", TestPaths.pacFolder("ejada-starter-2022").path])
        #expect(ejada.status == 0, "\(ejada.out)\(ejada.err)")
        #expect(ejada.out.contains("check passed"))

        let comet = TestPaths.pacFolder("comet-selfservice-2023").path
        let failed = try await s.run(["check", "--path", comet, "--json"])
        #expect(failed.status == 2, "\(failed.err)")
        let ids = try Self.checks(failed.out)
        #expect(ids.contains("anonymous-global-write") && ids.contains("secret-in-plain-text"))
        let json = try JSONValue.parse(failed.out)
        #expect(json["passed"]?.boolValue == false)
        let write = json["diagnostics"]?.arrayValue?.first { $0["check"]?.stringValue == "anonymous-global-write" }
        #expect(write?["table"]?.stringValue == "adx_entitypermission")
        #expect(write?["recordID"]?.stringValue == "bf54ccff-7ee9-ed11-8847-000d3a854be1")
        #expect(write?["column"]?.stringValue == "adx_scope")
        #expect(write?["fix"]?.stringValue != nil)
        // The secret's value is never printed (the corpus holds placeholders of the real shape).
        let secret = json["diagnostics"]?.arrayValue?.first { $0["check"]?.stringValue == "secret-in-plain-text" }
        #expect(secret?["message"]?.stringValue?.contains("not shown") == true)

        // The same site passes when both rules are switched off; warnings stay (exit 0 with --fail-on error).
        let skipped = try await s.run([
            "check", "--path", comet, "--skip-check", "anonymous-global-write",
            "--skip-check", "secret-in-plain-text",
        ])
        #expect(skipped.status == 0, "\(skipped.out)")
        #expect(skipped.out.contains("warning: anonymous-global-access"))
        // … and fails on the warnings with --fail-on warning.
        let strict = try await s.run([
            "check", "--path", comet, "--skip-check", "anonymous-global-write,secret-in-plain-text",
            "--fail-on", "warning",
        ])
        #expect(strict.status == 2)
    }

    @Test("usage: one source, known rule ids, --schemaFile only with --data")
    func usage() async throws {
        let s = try Scenario("pm-check-usage")
        defer { s.remove() }
        let none = try await s.run(["check"])
        #expect(none.status == 64 && none.err.contains("give one source"))
        let unknown = try await s.run(["check", "--path", ".", "--skip-check", "nope"])
        #expect(unknown.status == 64 && unknown.err.contains("duplicate-root-partial-url"))
        let list = try await s.run(["check", "--list-rules"])
        #expect(list.status == 0 && list.out.contains("home-site-marker") && list.out.contains("error"))
    }

    @Test("an embedded environment's websites, standard and enhanced, provisioned from the templates, pass")
    func environments() async throws {
        let s = try Scenario("pm-check-env")
        defer { s.remove() }
        let env = try await s.createEnvironment("dev")
        for (template, model) in [("starter", nil), ("customer-self-service", nil), ("starter", 2)] as [(String, Int?)] {
            let id = try await s.provision("dev", template: template, modelVersion: model)
            let r = try await s.run(["check", "--environment", env, "--webSiteId", id.dataverseString, "--json"])
            #expect(r.status == 0, "\(template) \(model ?? 1): \(r.out) \(r.err)")
            #expect(try JSONValue.parse(r.out)["errors"]?.intValue == 0)
        }
    }

    @Test("a folder whose root pages share a partial URL: check names both pages; upload stops before writing")
    func duplicateRootPartialURL() async throws {
        let s = try Scenario("pm-check-dup")
        defer { s.remove() }
        let site = try s.copyCorpusFolder("ejada-starter-2022", as: "site")
        // A second root page under Home with the contact page's partial URL (a copy left by hand).
        let original = site.appendingPathComponent("web-pages/contact-us/Contact-us.webpage.yml")
        let text = try String(contentsOf: original, encoding: .utf8)
        let oldID = text.split(separator: "\n").first { $0.hasPrefix("adx_webpageid:") }!.split(separator: " ").last!
        let copyID = "0c0c0c0c-1111-4222-8333-444455556666"
        let dir = site.appendingPathComponent("web-pages/contact-us-copy", isDirectory: true)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try text.replacingOccurrences(of: String(oldID), with: copyID)
            .write(to: dir.appendingPathComponent("Contact-us-copy.webpage.yml"), atomically: true, encoding: .utf8)

        let check = try await s.run(["check", "--path", site.path, "--json"])
        #expect(check.status == 2, "\(check.err)")
        let json = try JSONValue.parse(check.out)
        let dups = json["diagnostics"]?.arrayValue?.filter { $0["check"]?.stringValue == "duplicate-root-partial-url" } ?? []
        #expect(Set(dups.compactMap { $0["recordID"]?.stringValue }) == [String(oldID), copyID])
        #expect(dups.allSatisfy { $0["column"]?.stringValue == "adx_partialurl" })

        let env = try await s.createEnvironment("t", blockedAttachments: "exe;bat")
        let upload = try await s.run(["upload", "--path", site.path, "--environment", env, "--yes"])
        #expect(upload.status == 2, "\(upload.out)\(upload.err)")
        #expect(upload.err.contains("duplicate-root-partial-url"))
        // Nothing was written: the environment has no website.
        let list = try await s.run(["list", "--environment", env])
        #expect(list.status == 0 && !list.out.contains("9b33ac01-11e0-ec11-bb3c-000d3ab4fb7f"), "\(list.out)")
        #expect(upload.err.contains("--skip-check duplicate-root-partial-url"), "the next step names the switch")
        // Switched off, the same upload writes (and reads back) the site.
        let skipped = try await s.run(["upload", "--path", site.path, "--environment", env, "--yes", "--skip-check", "duplicate-root-partial-url"])
        #expect(skipped.status == 0, "\(skipped.out)\(skipped.err)")
    }

    @Test("a CMT package: rules needing tables it did not export are not run")
    func package() async throws {
        let s = try Scenario("pm-check-cmt")
        defer { s.remove() }
        let r = try await s.run(["check", "--data", TestPaths.cmt("packages/css-portal-2020").path, "--json"])
        #expect(r.status == 0, "\(r.out)\(r.err)")
        #expect(try !Self.checks(r.out).contains("home-site-marker"))
    }
}

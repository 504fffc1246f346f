import DataverseWebAPI
import Foundation
import PortalModel
import Testing
import TestSupport

/// Issue 22: the `site` commands (built binary) against the Power Pages admin API that `env serve`
/// answers on 127.0.0.1 (port 0), including each documented failure, an operation that fails after it
/// started, `--no-wait`, tokens (audience, service principals) and `local:NAME`.
@Suite struct SiteCommandTests {
    /// A scenario with environment `t` provisioned from `starter` and served with `serveOptions`.
    struct Served {
        var scenario: Scenario
        var server: ChildServer
        var site: UUID
        var url: String { server.origin }

        func run(_ arguments: [String], environment: [String: String] = [:]) async throws -> ChildProcessResult {
            try await scenario.run(arguments, environment: environment)
        }

        func stop() async {
            await server.terminate()
            scenario.remove()
        }

        /// `site list --json`'s rows.
        func rows() async throws -> [JSONValue] {
            let r = try await run(["site", "list", "--environment", url, "--json"])
            #expect(r.status == 0, "\(r.err)")
            return try JSONValue.parse(r.out)["sites"]?.arrayValue ?? []
        }
    }

    static func served(_ label: String, _ serveOptions: [String] = []) async throws -> Served {
        let s = try Scenario(label)
        try await s.createEnvironment("t")
        let site = try await s.provision("t")
        let server = try await s.serve("t", serveOptions)
        return Served(scenario: s, server: server, site: site)
    }

    static func state(_ rows: [JSONValue], record: UUID) -> String? {
        rows.first { $0["websiteRecordId"]?.stringValue == record.dataverseString }?["state"]?.stringValue
    }

    // MARK: list, delete, create --existing-website, restart

    @Test func listDeleteRebindRestartOverHTTP() async throws {
        let e = try await Self.served("pm-site-cycle")
        defer { Task { await e.stop() } }
        var rows = try await e.rows()
        #expect(rows.count == 1)
        #expect(Self.state(rows, record: e.site) == "active", "\(rows)")
        let siteID = try #require(rows.first?["siteId"]?.stringValue)

        // Without a terminal, deleting needs --yes; nothing changes.
        let refused = try await e.run(["site", "delete", "--environment", e.url, "--id", siteID])
        #expect(refused.status == 2 && refused.err.contains("--yes"), "\(refused.err)")
        #expect(Self.state(try await e.rows(), record: e.site) == "active")

        let deleted = try await e.run(["site", "delete", "--environment", e.url, "--id", siteID, "--yes", "--json"])
        #expect(deleted.status == 0, "\(deleted.err)")
        #expect(try JSONValue.parse(deleted.out)["status"]?.stringValue == "OperationComplete")
        rows = try await e.rows()
        // The website record stays: an inactive site.
        #expect(Self.state(rows, record: e.site) == "inactive", "\(rows)")
        #expect(rows.first?["siteId"]?.isNull == true)

        let created = try await e.run([
            "site", "create", "--environment", e.url, "--existing-website", e.site.dataverseString,
            "--name", "Moved", "--subdomain", "moved-site", "--template", "defaultportaltemplate", "--json",
        ])
        #expect(created.status == 0, "\(created.err)")
        let made = try JSONValue.parse(created.out)
        #expect(made["websiteRecordId"]?.stringValue == e.site.dataverseString)
        #expect(made["websiteUrl"]?.stringValue == "https://moved-site.powerappsportals.com")
        rows = try await e.rows()
        #expect(Self.state(rows, record: e.site) == "active", "\(rows)")
        #expect(rows.first?["templateName"]?.stringValue == "DefaultPortalTemplate", "the name is sent in the documented spelling")

        let restarted = try await e.run(["site", "restart", "--environment", e.url, "--webSiteId", e.site.dataverseString])
        #expect(restarted.status == 0, "\(restarted.err)")
        #expect(restarted.out.contains("Restarted site 'Moved'"), "\(restarted.out)")
        let unknown = try await e.run(["site", "restart", "--environment", e.url, "--id", UUID().uuidString])
        #expect(unknown.status == 2 && unknown.err.contains("site list"), "\(unknown.err)")
    }

    // MARK: prepare-target and the documented failures of create

    @Test func prepareTargetLeavesNoWebsiteAndCreateFailuresSayWhatToDo() async throws {
        let e = try await Self.served("pm-site-prepare")
        defer { Task { await e.stop() } }
        let without = try await e.run(["site", "prepare-target", "--environment", e.url, "--template", "DefaultPortalTemplate"])
        #expect(without.status == 2 && without.err.contains("--yes"), "the plan is shown and needs confirmation: \(without.err)")
        #expect(without.out.contains("1. create site") && without.out.contains("3. delete the new site"), "\(without.out)")

        let prepared = try await e.run(["site", "prepare-target", "--environment", e.url, "--template", "DefaultPortalTemplate", "--yes", "--json"])
        #expect(prepared.status == 0, "\(prepared.err)")
        let report = try JSONValue.parse(prepared.out)
        #expect((report["recordsDeleted"]?.intValue ?? 0) > 50, "\(prepared.out)")
        let temporary = try #require(report["websiteRecordId"]?.stringValue.flatMap { UUID(dataverse: $0) })
        let rows = try await e.rows()
        #expect(rows.count == 1 && Self.state(rows, record: e.site) == "active", "only the site that was there before: \(rows)")
        #expect(Self.state(rows, record: temporary) == nil)

        // Subdomain taken (400 SubdomainConflict): the existing site's subdomain.
        let taken = try #require(rows.first?["subdomain"]?.stringValue)
        let conflict = try await e.run([
            "site", "create", "--environment", e.url, "--name", "Second", "--subdomain", taken, "--template", "StarterLayout1",
        ])
        #expect(conflict.status == 2, "\(conflict.err)")
        #expect(conflict.err.contains("SubdomainConflict") && conflict.err.contains("choose another --subdomain"), "\(conflict.err)")
        // Unknown template (400): the valid values are listed.
        let template = try await e.run([
            "site", "create", "--environment", e.url, "--name", "Second", "--subdomain", "second", "--template", "NoSuchTemplate",
        ])
        #expect(template.status == 2 && template.err.contains("InvalidTemplateName") && template.err.contains("StarterLayout1"), "\(template.err)")
        // Website record not found: said before the service is asked, pointing at `list`.
        let missing = try await e.run([
            "site", "create", "--environment", e.url, "--existing-website", UUID().uuidString,
            "--name", "X", "--subdomain", "xyz", "--template", "DefaultPortalTemplate",
        ])
        #expect(missing.status == 2 && missing.err.contains("no website record") && missing.err.contains("portal-migrate list"), "\(missing.err)")
        // The website record already has a site (409).
        let hosted = try await e.run([
            "site", "create", "--environment", e.url, "--existing-website", e.site.dataverseString,
            "--name", "X", "--subdomain", "xyz", "--template", "DefaultPortalTemplate",
        ])
        #expect(hosted.status == 2 && hosted.err.contains("409") && hosted.err.contains("site delete"), "\(hosted.err)")
        // A bad subdomain is a usage error before anything is sent.
        let bad = try await e.run(["site", "create", "--environment", e.url, "--name", "X", "--subdomain", "-Bad", "--template", "BlankPage"])
        #expect(bad.status == 64, "\(bad.err)")
        #expect(try await e.rows().count == 1, "no failure created anything")
    }

    /// The service's own answers to the documented failures, read with the client library directly
    /// (the commands check some of them before asking).
    @Test func adminAPIAnswersTheDocumentedErrors() async throws {
        let e = try await Self.served("pm-site-api")
        defer { Task { await e.stop() } }
        let environment = try await e.scenario.run(["org", "--environment", e.url, "--json"])
        let orgText = (try? JSONValue.parse(environment.out))?["organizationId"]?.stringValue ?? ""
        let org = try #require(UUID(dataverse: orgText), "\(environment.out) \(environment.err)")
        let client = PowerPagesAdminClient(
            cloud: .loopback(origin: URL(string: e.url)!), environmentID: org.dataverseString,
            tokenProvider: NoTokenProvider())
        func failure(_ body: () async throws -> Void) async -> PowerPagesAdminError? {
            do { try await body(); return nil } catch let e as PowerPagesAdminError { return e } catch { return nil }
        }
        let request = { (record: UUID?, template: String, sub: String) in
            CreateWebsiteRequest(
                name: "N", subdomain: sub, templateName: template, dataverseOrganizationId: org, selectedBaseLanguage: 1033,
                websiteRecordId: record)
        }
        let notFound = await failure { _ = try await client.createWebsite(request(UUID(), "DefaultPortalTemplate", "aaa")) }
        #expect(notFound?.status == 404 && notFound?.code == "WebsiteRecordNotFound", "\(String(describing: notFound))")
        let unknown = await failure { _ = try await client.createWebsite(request(nil, "Nope", "aab")) }
        #expect(unknown?.status == 400 && unknown?.code == "InvalidTemplateName")
        let hosted = await failure { _ = try await client.createWebsite(request(e.site, "DefaultPortalTemplate", "aac")) }
        #expect(hosted?.status == 409)
        let site = try #require(try await client.websites().first)
        let taken = await failure { _ = try await client.createWebsite(request(nil, "BlankPage", try #require(site.subdomain))) }
        #expect(taken?.status == 400 && taken?.code == "SubdomainConflict")
        let gone = await failure { _ = try await client.deleteWebsite(id: UUID().uuidString) }
        #expect(gone?.status == 404)
        let otherEnvironment = PowerPagesAdminClient(cloud: client.cloud, environmentID: UUID().uuidString, tokenProvider: NoTokenProvider())
        let wrong = await failure { _ = try await otherEnvironment.websites() }
        #expect(wrong?.status == 404 && wrong?.code == "EnvironmentNotFound")
        // api-version is required.
        let raw = try await AsyncHTTPTransport().send(
            HTTPRequestMessage(method: "GET", url: URL(string: client.environmentBase + "/websites")!),
            timeout: .seconds(30))
        #expect(raw.status == 400 && raw.text.contains("MissingApiVersionParameter"), "\(raw.text)")
        // The website DTO carries the documented fields.
        #expect(site.websiteRecordID == e.site && site.status == "OperationComplete" && site.dataModel == "Standard")
    }

    // MARK: long-running operations

    @Test func anOperationThatFailsAfterItStartedIsReportedAndCanBeDeleted() async throws {
        let e = try await Self.served("pm-site-fail", ["--fail-site-operations", "1"])
        defer { Task { await e.stop() } }
        let failed = try await e.run([
            "site", "create", "--environment", e.url, "--name", "Broken", "--subdomain", "broken", "--template", "BlankPage",
        ])
        #expect(failed.status == 1, "accepted, then failed: \(failed.err)")
        #expect(
            failed.err.contains("failed after it started") && failed.err.contains("OperationFailed") && failed.err.contains("ProvisioningFailed"),
            "\(failed.err)")
        let rows = try await e.rows()
        let broken = try #require(rows.first { $0["state"]?.stringValue == "failed" }, "\(rows)")
        #expect(broken["name"]?.stringValue == "Broken")
        #expect(rows.filter { $0["state"]?.stringValue == "inactive" || $0["state"]?.stringValue == "active" }.count == 1, "nothing else changed")
        let id = try #require(broken["siteId"]?.stringValue)
        let deleted = try await e.run(["site", "delete", "--environment", e.url, "--id", id, "--yes"])
        #expect(deleted.status == 0, "\(deleted.err)")
        #expect(try await e.rows().count == 1)
        // The injected failure was used up: the same create now works.
        let again = try await e.run([
            "site", "create", "--environment", e.url, "--name", "Fixed", "--subdomain", "broken", "--template", "BlankPage", "--json",
        ])
        #expect(again.status == 0, "\(again.err)")
        #expect(try await e.rows().count == 2)
    }

    @Test func noWaitReturnsWhileTheOperationRuns() async throws {
        // The operation stays in progress for 10 minutes: the test never waits for it.
        let e = try await Self.served("pm-site-nowait", ["--site-operation-delay-ms", "600000"])
        defer { Task { await e.stop() } }
        let r = try await e.run([
            "site", "create", "--environment", e.url, "--name", "Later", "--subdomain", "later", "--template", "BlankPage",
            "--no-wait", "--json",
        ])
        #expect(r.status == 0, "\(r.err)")
        let accepted = try JSONValue.parse(r.out)
        #expect(accepted["accepted"]?.boolValue == true)
        let location = try #require(accepted["operationLocation"]?.stringValue)
        #expect(location.hasPrefix(e.url + "/powerpages/environments/") && location.contains("api-version="), "\(location)")
        let rows = try await e.rows()
        #expect(rows.contains { $0["name"]?.stringValue == "Later" && $0["state"]?.stringValue == "provisioning" }, "\(rows)")
        let human = try await e.run([
            "site", "create", "--environment", e.url, "--name", "Later2", "--subdomain", "later-two", "--template", "BlankPage", "--no-wait",
        ])
        #expect(human.status == 0 && human.out.contains("Accepted") && human.out.contains("site list"), "\(human.out)")
    }

    // MARK: tokens

    @Test func servicePrincipalsAreRefusedAndTokensMustBeForTheAdminAPI() async throws {
        let e = try await Self.served("pm-site-auth", ["--require-token", "--auto-approve-device-codes"])
        defer { Task { await e.stop() } }
        let created = try await e.run(
            ["auth", "create", "--name", "app", "--url", e.url, "--applicationId", "app", "--clientSecretEnv", "APP_SECRET"],
            environment: ["APP_SECRET": "s3cret"])
        #expect(created.status == 0, "\(created.err)")
        let sp = try await e.run(["site", "list", "--environment", "app"], environment: ["APP_SECRET": "s3cret"])
        #expect(sp.status == 2, "\(sp.err)")
        #expect(sp.err.contains("403") && sp.err.contains("does not accept service principals") && sp.err.contains("--deviceCode"), "\(sp.err)")
        #expect(!sp.err.contains("s3cret"))

        // A token for Dataverse (scope <url>/.default) is not one for the admin API.
        let token = try await AsyncHTTPTransport().send(
            HTTPRequestMessage(
                method: "POST", url: URL(string: e.url + "/common/oauth2/v2.0/token")!,
                headers: [("Content-Type", "application/x-www-form-urlencoded")],
                body: Data("grant_type=client_credentials&client_id=app&client_secret=s3cret&scope=\(e.url)/.default".utf8)), timeout: .seconds(30))
        let access = try #require(try JSONValue.parse(token.body)["access_token"]?.stringValue)
        let wrong = try await e.run(
            ["site", "list", "--environment", "app", "--admin-token-env", "ADMIN_TOKEN"],
            environment: ["APP_SECRET": "s3cret", "ADMIN_TOKEN": access])
        #expect(
            wrong.status == 2 && wrong.err.contains("InvalidAuthenticationTokenAudience") && wrong.err.contains("/powerpages/.default"),
            "\(wrong.err)")
        #expect(!wrong.err.contains(access), "the token is never printed")

        // A user's device code sign-in works (approved by the server's owner here).
        let user = try await e.run(["auth", "create", "--name", "user", "--url", e.url, "--deviceCode"])
        #expect(user.status == 0, "\(user.err)")
        let listed = try await e.run(["site", "list", "--environment", "user", "--json"])
        #expect(listed.status == 0, "\(listed.err)")
        #expect(Self.state(try JSONValue.parse(listed.out)["sites"]?.arrayValue ?? [], record: e.site) == "active")
    }

    // MARK: local:NAME

    @Test func siteCommandsWorkOnLocalEnvironments() async throws {
        let s = try Scenario("pm-site-local")
        defer { s.remove() }
        let env = try await s.createEnvironment("t")
        let site = try await s.provision("t")
        let list = try await s.run(["site", "list", "--environment", env, "--json"])
        #expect(list.status == 0, "\(list.err)")
        let prepared = try await s.run(["site", "prepare-target", "--environment", env, "--template", "DefaultPortalTemplate", "--yes", "--json"])
        #expect(prepared.status == 0, "\(prepared.err)")
        let websites = try await s.run(["list", "--environment", env, "--json"])
        let ids = (try JSONValue.parse(websites.out).arrayValue ?? []).compactMap { $0["websiteId"]?.stringValue }
        #expect(ids == [site.dataverseString], "prepare-target left only the website that was there: \(websites.out)")
        let made = try await s.run([
            "site", "create", "--environment", env, "--name", "Second", "--subdomain", "second", "--template", "CustomerSelfServicePortal", "--json",
        ])
        #expect(made.status == 0, "\(made.err)")
        let rows = try JSONValue.parse(try await s.run(["site", "list", "--environment", env, "--json"]).out)["sites"]?.arrayValue ?? []
        #expect(rows.count == 2 && rows.allSatisfy { $0["state"]?.stringValue == "active" }, "\(rows)")
    }
}

import DataverseWebAPI
import Environments
import Foundation
import LocalEnvironment
import PortalModel
import TestSupport
import Testing

/// The rules the `env`, `auth` and `site` commands used to hold, now the library's (issue 19): what a
/// served environment accepts, what a provisioning or a new environment may combine, which behaviours
/// and record ids a settings change names, which profile an index or name selects, when deleting an
/// environment must be confirmed, and a new site's name, subdomain and language.
@Suite struct CommandRulesTests {
    func connection() throws -> EnvironmentConnection {
        let root = try TestPaths.temporaryDirectory("pm-command-rules")
        return EnvironmentConnection(variables: ["PORTAL_MIGRATE_HOME": root.path, "PORTAL_MIGRATE_CONFIG_HOME": root.path], interactive: false)
    }

    /// Every value out of range is refused as a usage error naming its option; the defaults and
    /// good values build the server's options (credentials split at the first `:`, the cost model scaled).
    @Test func serveRequestChecksEveryValue() throws {
        let defaults = try LocalServeRequest().serverOptions()
        #expect(defaults.port == 0 && defaults.dopHint == 4 && defaults.costModel == nil && defaults.clientCredentials.isEmpty)
        #expect(defaults.budgetWindowSeconds == 300 && defaults.executionBudgetMilliseconds == 1_200_000)
        let refusals: [(WritableKeyPathEdit, String)] = [
            ({ $0.port = 65536 }, "--port must be 0…65535"), ({ $0.port = -1 }, "--port must be 0…65535"),
            ({ $0.latencyMilliseconds = -1 }, "--latency-ms must not be negative"),
            ({ $0.maxConcurrency = 0 }, "--max-concurrency must be at least 1"), ({ $0.requestBudget = 0 }, "--request-budget must be at least 1"),
            ({ $0.budgetWindowSeconds = 0 }, "--budget-window-seconds must be at least 1"),
            ({ $0.failRate = 1.01 }, "--fail-rate must be between 0 and 1"), ({ $0.failRate = -0.1 }, "--fail-rate must be between 0 and 1"),
            ({ $0.costModel = "cheap" }, "--cost-model takes low, typical or high (got 'cheap')"),
            ({ $0.costScale = -1 }, "--cost-scale must not be negative"), ({ $0.dopHint = 0 }, "--dop-hint must be at least 1"),
            ({ $0.executionBudgetMilliseconds = 0 }, "--execution-budget-ms must be positive"),
            ({ $0.siteOperationDelayMilliseconds = -1 }, "--site-operation-delay-ms and --fail-site-operations must not be negative"),
            ({ $0.failSiteOperations = -1 }, "--site-operation-delay-ms and --fail-site-operations must not be negative"),
            ({ $0.clientCredentials = ["app:s", "nocolon"] }, "--client-credentials takes ID:SECRET"),
            ({ $0.clientCredentials = [":secret"] }, "--client-credentials takes ID:SECRET"),
        ]
        for (edit, message) in refusals {
            var request = LocalServeRequest()
            edit(&request)
            #expect(throws: EnvironmentsError.invalidOption(message)) { try request.serverOptions() }
        }
        #expect(EnvironmentsError.invalidOption("x").exitCode == 64)

        var request = LocalServeRequest()
        (request.port, request.failRate, request.maxConcurrency) = (65535, 1, 1)
        (request.clientCredentials, request.costModel, request.costScale) = (["app:s3:cret", "other:x"], "Typical", 2)
        (request.siteOperationDelayMilliseconds, request.failSiteOperations) = (250, 2)
        let options = try request.serverOptions()
        #expect(options.clientCredentials == ["app": "s3:cret", "other": "x"])
        #expect(options.costModel?.profile.rawValue == "typical" && options.costModel?.scale == 2)
        #expect(options.admin.operationDelayMilliseconds == 250 && options.admin.failOperations == 2)
        #expect(options.port == 65535 && options.failRate == 1 && options.maxConcurrency == 1)
    }

    typealias WritableKeyPathEdit = (inout LocalServeRequest) -> Void

    /// `env provision`'s options: the rules in their order, then what each provisioning makes.
    @Test func provisioningRules() async throws {
        let guid = "6f0c7d5e-0000-0000-0000-000000000001"
        let refusals: [(String?, String?, String?, String)] = [
            ("starter", nil, "3", "--modelVersion 3: expected 1, 2, Standard or Enhanced"),
            (nil, guid, "2", "--modelVersion applies to --template only"),
            (nil, nil, nil, "give exactly one of --template or --existing-website"),
            ("starter", guid, nil, "give exactly one of --template or --existing-website"),
            ("nope", nil, nil, "unknown template 'nope'; known: customer-self-service, starter"),
            (nil, "not-a-guid", nil, "'not-a-guid' is not a GUID (--existing-website)"),
        ]
        for (template, existing, model, message) in refusals {
            #expect(throws: EnvironmentsError.invalidOption(message)) {
                try LocalProvisioning(template: template, existingWebsite: existing, modelVersion: model)
            }
        }
        #expect(try LocalProvisioning(template: "Starter", existingWebsite: nil) == .template("Starter", name: nil, dataModel: .standard))
        #expect(
            try LocalProvisioning(template: "starter", existingWebsite: nil, name: "X", modelVersion: "Enhanced")
                == .template("starter", name: "X", dataModel: .enhanced))
        #expect(try LocalProvisioning(template: nil, existingWebsite: guid.uppercased()) == .portalApp(existingWebsite: UUID(uuidString: guid)!))

        let env = try connection().createLocal("prov", languageCode: 1033)
        defer { try? env.close() }
        let made = try await env.provision(try LocalProvisioning(template: "starter", existingWebsite: nil, name: "Mine", modelVersion: "2"))
        #expect(made.dataModel == .enhanced)
        #expect(try await env.websites().map(\.name) == ["Mine"])
        try await env.deletePortalApp(websiteID: made.websiteID)
        let bound = try await env.provision(.portalApp(existingWebsite: made.websiteID))
        #expect(bound.websiteID == made.websiteID && bound.dataModel == nil && bound.portalAppID != made.portalAppID)
    }

    /// A new environment's language must be a portal language, and a schema excludes exclusions;
    /// `createLocal` asks the same rule, creating nothing when it fails.
    @Test func newEnvironmentRules() throws {
        try EnvironmentConnection.checkNewLocal(languageCode: 1031, schema: true, exclusions: false)
        #expect(throws: EnvironmentsError.invalidOption("--language 9999 is not one of the 43 portal languages' LCIDs")) {
            try EnvironmentConnection.checkNewLocal(languageCode: 9999, schema: false, exclusions: false)
        }
        #expect(throws: EnvironmentsError.invalidOption("--schema cannot be combined with --exclude-tables/--exclude-columns")) {
            try EnvironmentConnection.checkNewLocal(languageCode: 1033, schema: true, exclusions: true)
        }
        let c = try connection()
        #expect(throws: EnvironmentsError.invalidOption("--language 9999 is not one of the 43 portal languages' LCIDs")) {
            try c.createLocal("bad", languageCode: 9999)
        }
        #expect(!FileManager.default.fileExists(atPath: try c.dataDirectory.environmentFile("bad").path), "nothing created")
    }

    /// Deleting an environment that holds websites asks first (told the websites); a refusal keeps it;
    /// `force` and an empty environment delete without asking.
    @Test func deletingAskedOnlyWhenWebsitesWouldBeLost() async throws {
        struct Declined: Error {}
        let c = try connection()
        let full = try c.createLocal("full", languageCode: 1033)
        try await full.provision(template: "starter", name: "Keep me")
        try full.close()
        let file = try c.dataDirectory.environmentFile("full")
        var asked: [String] = []
        do {
            try await c.deleteLocal("full") { sites in
                asked = sites.map(\.name)
                throw Declined()
            }
            Issue.record("deleted without confirmation")
        } catch is Declined {}
        #expect(asked == ["Keep me"] && FileManager.default.fileExists(atPath: file.path))
        try await c.deleteLocal("full") { _ in }
        #expect(!FileManager.default.fileExists(atPath: file.path))

        for (name, force) in [("empty", false), ("forced", true)] {
            let env = try c.createLocal(name, languageCode: 1033)
            if force { try await env.provision(template: "starter") }
            try env.close()
            try await c.deleteLocal(name, force: force) { _ in Issue.record("asked for \(name)") }
            #expect(!FileManager.default.fileExists(atPath: try c.dataDirectory.environmentFile(name).path))
        }
    }

    /// Behaviour ids in any case with spaces; record ids as GUIDs; anything else named.
    @Test func settingsValuesAsTyped() throws {
        #expect(try LocalSettingsChange.behaviours(" e4,C1 ") == [.copyWebLinkSets, .websiteCascade])
        #expect(try LocalSettingsChange.behaviours(nil).isEmpty && (try LocalSettingsChange.behaviours("")).isEmpty)
        #expect(throws: EnvironmentsError.invalidOption("unknown behaviour 'X9'; known: E1, E2, E3, E4, E5, C1, C2, C3, C4")) {
            try LocalSettingsChange.behaviours("E4,X9")
        }
        let id = UUID()
        #expect(try LocalSettingsChange.recordIDs(nil) == nil)
        #expect(try LocalSettingsChange.recordIDs("") == [])
        #expect(try LocalSettingsChange.recordIDs(" \(id.dataverseString.uppercased()) ") == [id])
        #expect(throws: EnvironmentsError.invalidOption("--refuse-deletes: 'abc' is not a GUID")) {
            try LocalSettingsChange.recordIDs("\(id.dataverseString),abc")
        }
    }

    /// A profile named by index or by name in any case; an unknown one named as given.
    @Test func profileByIndexOrName() async throws {
        let c = try connection()
        for name in ["Dev", "test"] {
            _ = try await c.addProfile(try AuthProfileRequest(name: name, url: "http://127.0.0.1:5555").profile())
        }
        #expect(try c.profiles.index(of: nil, name: "TEST") == 1)
        #expect(try c.profiles.index(of: 0, name: nil) == 0)
        #expect(throws: AuthProfileStore.StoreError.noSuchProfile("2")) { try c.profiles.index(of: 2, name: nil) }
        #expect(throws: AuthProfileStore.StoreError.noSuchProfile("prod")) { try c.profiles.index(of: nil, name: "prod") }
    }

    /// A new site's name is 1 to 200 characters and not only spaces, its subdomain follows
    /// `isValidSubdomain`, its language is a positive LCID; what is not given is not checked. A wait
    /// polls every second or more and gives up after a minute or more.
    @Test func newSiteRules() throws {
        try SiteEnvironment.checkNewSite(name: String(repeating: "n", count: 200), subdomain: "contoso", language: 1033)
        try SiteEnvironment.checkNewSite()
        let refusals: [(String?, String?, Int?, String)] = [
            ("", nil, nil, "--name takes 1 to 200 characters"), ("   ", nil, nil, "--name takes 1 to 200 characters"),
            (String(repeating: "n", count: 201), nil, nil, "--name takes 1 to 200 characters"),
            (
                nil, "-ab", nil,
                "--subdomain '-ab' must be 2 to 63 lower-case letters, digits or hyphens, not starting or ending with a hyphen"
            ),
            (nil, nil, 0, "--language takes a positive LCID such as 1033"),
        ]
        let wait = try SiteWait(noWait: false, pollIntervalSeconds: 1, timeoutMinutes: 2)
        #expect(wait.pollInterval == .seconds(1) && wait.timeout == .seconds(120) && !wait.noWait)
        #expect(throws: EnvironmentsError.invalidOption("--poll-interval must be at least 1 second")) {
            try SiteWait(noWait: false, pollIntervalSeconds: 0, timeoutMinutes: 2)
        }
        #expect(throws: EnvironmentsError.invalidOption("--timeout-minutes must be at least 1")) {
            try SiteWait(noWait: true, pollIntervalSeconds: 10, timeoutMinutes: 0)
        }
        for (name, subdomain, language, message) in refusals {
            #expect(throws: EnvironmentsError.invalidOption(message)) {
                try SiteEnvironment.checkNewSite(name: name, subdomain: subdomain, language: language)
            }
        }
    }

    /// `site prepare-target`: the plan shown is the plan run (template in Microsoft's spelling, a
    /// generated subdomain, the environment's language, the website records left alone), each step
    /// said as it is done, and afterwards only the website records of before remain.
    @Test func preparationIsPlannedShownAndRun() async throws {
        let c = try connection()
        let env = try c.createLocal("tgt", languageCode: 1033)
        let kept = try await env.provision(template: "starter", name: "Existing")
        try env.close()
        let site = try await SiteEnvironment.open("local:tgt", connection: c)
        defer { site.close() }
        let plan = try await site.planPreparation(template: "defaultportaltemplate", subdomain: nil, name: "Prep", language: nil)
        #expect(plan.template == "DefaultPortalTemplate" && plan.subdomain.hasPrefix("pm-prepare-") && plan.language == 1033)
        #expect(plan.lines.count == 5 && plan.lines[1].contains("at subdomain \(plan.subdomain)"), "\(plan.lines)")
        #expect(
            plan.lines[4] == "  The 1 website record(s) already in the environment are not touched: Existing (\(kept.websiteId.dataverseString)).")
        #expect(plan.done.contains("--template DefaultPortalTemplate`"))
        var told: [String] = []
        let outcome = try #require(
            try await site.prepareTarget(plan, wait: SiteWait(pollInterval: .milliseconds(10)), step: { told += $0.lines }, report: { _ in }))
        #expect(told.count == 3, "\(told)")
        #expect(told.first == "  1. created site \(outcome.siteID) with website record \(outcome.websiteRecordID.dataverseString) (standard)")
        #expect(told.last == "  3. deleted site \(outcome.siteID)")
        #expect(try await WebsiteListing.websites(in: site.service).map(\.websiteId) == [kept.websiteId])
    }

    /// `auth who`: an embedded environment is named `local:NAME` and answers who signs in and its
    /// organization.
    @Test func identityOfAnEmbeddedEnvironment() async throws {
        let c = try connection()
        try c.createLocal("who", languageCode: 1031).close()
        let id = try await c.identity(for: "local:who")
        #expect(id.environment == "local:who" && id.organization.languageCode == 1031 && id.organization.name == "who")
        #expect(id.who.organizationID == id.organization.organizationID)
    }
}

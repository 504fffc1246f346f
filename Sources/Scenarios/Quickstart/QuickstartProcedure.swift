import DataverseWebAPI
import Foundation
import LocalEnvironment
import Migration
import PortalModel

/// Microsoft's "Migrate portal configuration" procedure (research/emulator-facts.md §3.5; issue 10) on
/// embedded environments, each step a real `portal-migrate` command line run as a child process:
///
/// 1. a source environment with a portal provisioned from a template, then edited (`QuickstartEdits`);
/// 2. a target prepared as documented for the standard data model: provision the same template, delete
///    its website record, delete its portal app;
/// 3. `download` from the source, `upload` to the target with a deployment profile replacing the secret
///    site setting (research/pac-portal-format.md §4);
/// 4. a portal app provisioned for the existing website record, then `verify`;
/// 5. the same transfer with `data schema`, `data export`, `data import` into another prepared target, `verify`;
/// 6. `migrate --targetWebSiteId` into a target provisioned and not cleaned, `verify`, and no duplicates.
///
/// With `overHTTP` every command that reads or writes records talks to `env serve` servers at
/// `http://127.0.0.1:PORT` (see `QuickstartServers`), and the targets are prepared and their sites
/// created through the Power Pages admin API those servers answer, exactly as against a real tenant:
/// `site prepare-target` (steps 2 and 5) and `site create --existing-website` (steps 4 and 5; issue 22).
/// Creating environments and provisioning the source and target-migrate stay `env` commands on the
/// environment files (what the admin center does in real life).
///
/// Every command is shown through `say` as a user would type it, with a few lines of its output
/// (`QuickstartTranscript`); its whole output is kept in `logs/` of the directory. The command line's
/// `quickstart` maps its options here and renders the steps it returns.
public final class QuickstartProcedure {
    /// The variable the deployment profile reads the target's client secret from (`${OS.NAME}`).
    static let secretVariable = "QUICKSTART_TARGET_CLIENT_SECRET"
    /// The deployment profile's name (`deployment-profiles/NAME.deployment.yml`).
    static let profileName = "target"

    /// Where the commands run: the quickstart's directory, `home/` and `config/` inside it.
    public let workspace: Workspace
    /// The template provisioned in every environment (`starter` or `customer-self-service`).
    public let template: String
    /// Whether the transfers run against `env serve` servers on 127.0.0.1.
    public let overHTTP: Bool
    private let say: @Sendable (String) -> Void
    private let servers: QuickstartServers?
    private(set) var steps: [QuickstartStep] = []
    /// Secret values: generated per run, never printed.
    private let sourceSecret = "src-" + UUID().uuidString
    private let targetSecret = "tgt-" + UUID().uuidString
    private var sourceSite: UUID?
    private var edits: QuickstartEdits?
    private var folder: String?

    /// - Parameters:
    ///   - executable: the `portal-migrate` binary each step runs (`Workspace.currentExecutable()`).
    ///   - directory: an existing directory for everything the procedure makes: `home/` (the data
    ///     directory of every command), `config/` (their config directory), the site folder, the
    ///     package, `logs/`. Every command runs in it, so the paths it prints are short.
    ///   - template: `starter` or `customer-self-service`.
    ///   - overHTTP: run the transfers against `env serve` servers on 127.0.0.1.
    ///   - verbose: echo every line the commands print instead of the first few.
    ///   - say: receives every line of the transcript.
    public init(
        executable: URL, directory: URL, template: String, overHTTP: Bool, verbose: Bool,
        say: @escaping @Sendable (String) -> Void
    ) {
        let logs = directory.appendingPathComponent("logs", isDirectory: true)
        let transcript = QuickstartTranscript(logs: logs, verbose: verbose, say: say)
        let workspace = Workspace(
            executable: executable, work: directory, home: directory.appendingPathComponent("home", isDirectory: true),
            configHome: directory.appendingPathComponent("config", isDirectory: true), currentDirectory: directory,
            observer: transcript)
        self.workspace = workspace
        self.template = template
        self.overHTTP = overHTTP
        self.say = say
        self.servers = overHTTP ? QuickstartServers(workspace: workspace, logs: logs, say: say) : nil
    }

    /// The names of the environments the procedure creates.
    public static let environmentNames = ["source", "target-pac", "target-cmt", "target-migrate"]

    private var secretEnvironment: [String: String] { [Self.secretVariable: targetSecret] }
    private var profilePath: String? { folder.map { "\($0)/deployment-profiles/\(Self.profileName).deployment.yml" } }

    // MARK: Running

    /// Runs the six steps (a failed step is recorded and the next independent steps still run), then
    /// stops the servers.
    public func run() async -> [QuickstartStep] {
        await step(1, "source: provision a \(template) portal and edit it") { try await self.source(&$0) }
        await step(
            2,
            overHTTP
                ? "prepare target-pac with `site prepare-target` (create a site, delete its website record, delete the site)"
                : "prepare target-pac (provision, delete website, delete portal app)"
        ) {
            $0.written = try await self.prepareTarget("target-pac")
            $0.verified = true
        }
        await step(3, "download, then upload with a deployment profile") { try await self.pacTransfer(&$0) }
        await step(
            4,
            overHTTP
                ? "a site for the existing website record (`site create --existing-website`); verify"
                : "portal app from the existing website record; verify"
        ) { try await self.activateAndVerify(&$0) }
        await step(5, "data schema + export + import into target-cmt; verify") { try await self.cmtTransfer(&$0) }
        await step(6, "migrate into provisioned target-migrate (--targetWebSiteId); verify") { try await self.migrateTransfer(&$0) }
        if let servers {
            say("")
            await servers.stopAll()
        }
        return steps
    }

    private func step(_ number: Int, _ title: String, _ body: (inout QuickstartStep) async throws -> Void) async {
        say("\n== Step \(number): \(title)")
        var s = QuickstartStep(number: number, title: title)
        let started = Date()
        do {
            try await body(&s)
        } catch {
            s.verified = false
            s.problem = "\(error)"
            say("  FAILED: \(error)")
        }
        s.seconds = Date().timeIntervalSince(started)
        if s.verified { say("  verified.") }
        steps.append(s)
    }

    // MARK: Steps

    private func source(_ s: inout QuickstartStep) async throws {
        try await create("source")
        let (site, provisioned) = try await provision("source")
        sourceSite = site
        s.written += provisioned
        try await requireWebsites("source", [site])
        say("  editing the source through \(overHTTP ? "the Web API" : "the embedded environment") (no command edits records):")
        let applied = try await withService("source") { try await QuickstartEdits.apply(to: $0, websiteID: site, secret: self.sourceSecret) }
        for c in applied.changes { say("    - \(c)") }
        s.written += applied.written
        try await withService("source") { try await applied.check(in: $0, secret: self.sourceSecret) }
        edits = applied
        s.verified = true
    }

    private func pacTransfer(_ s: inout QuickstartStep) async throws {
        let site = try requireSource()
        let source = try await spec("source"), target = try await spec("target-pac")
        let download = try await command(["download", "--path", "site", "--webSiteId", site.dataverseString, "--environment", source, "--json"])
        guard let path = try download.jsonObject()["folder"] as? String else { throw ScenarioSetupError("download printed no folder") }
        let base = workspace.work.standardizedFileURL.path + "/"
        let relative = path.hasPrefix(base) ? String(path.dropFirst(base.count)) : path
        folder = relative
        try writeProfile(folder: relative)

        let upload = try await command(
            ["upload", "--path", relative, "--deploymentProfile", Self.profileName, "--environment", target, "--json"],
            environment: secretEnvironment)
        s.written += try writes(upload)
        guard let settingID = edits?.secretSettingID else { throw ScenarioSetupError("the source edits did not run") }
        let value = try await withService("target-pac") { service in
            try await service.retrieveAll(RecordQuery("adx_sitesetting", filter: .equal("adx_sitesettingid", .guid(settingID)))).first?.string(
                "adx_value")
        }
        guard value == targetSecret else {
            throw ScenarioSetupError(
                "the target's \(QuickstartEdits.secretSettingName) does not hold the deployment profile's value (values not shown)")
        }
        say("  the target's \(QuickstartEdits.secretSettingName) holds the deployment profile's value, not the source's")
        s.verified = true
    }

    private func activateAndVerify(_ s: inout QuickstartStep) async throws {
        let site = try requireSource()
        guard let profile = profilePath else { throw ScenarioSetupError("step 3 did not download the site") }
        try await activate("target-pac", site)
        s.written += 1
        try await requireWebsites("target-pac", [site], portalApp: true)
        let verify = try await command(
            [
                "verify", "--from", try await spec("source"), "--to", try await spec("target-pac"),
                "--webSiteId", site.dataverseString, "--deploymentProfile", profile,
            ],
            environment: secretEnvironment)
        guard verify.status == 0 else { throw ScenarioSetupError("verify exited with \(verify.status): \(verify.differences)") }
        s.verified = true
    }

    private func cmtTransfer(_ s: inout QuickstartStep) async throws {
        let site = try requireSource()
        s.written += try await prepareTarget("target-cmt")
        try await command(["data", "schema", "--portalType", template, "--output", "schema.xml", "--overwrite"], expect: 0)
        try await command(
            [
                "data", "export", "--schemaFile", "schema.xml", "--dataFile", "data.zip", "--overwrite",
                "--environment", try await spec("source"), "--json",
            ], expect: 0)
        let imported = try await command(["data", "import", "--data", "data.zip", "--environment", try await spec("target-cmt"), "--json"])
        s.written += try writes(imported)
        try await activate("target-cmt", site)
        s.written += 1
        try await requireWebsites("target-cmt", [site], portalApp: true)
        let verify = try await command([
            "verify", "--from", try await spec("source"), "--to", try await spec("target-cmt"),
            "--webSiteId", site.dataverseString,
        ])
        guard verify.status == 0 else { throw ScenarioSetupError("verify exited with \(verify.status): \(verify.differences)") }
        s.verified = true
    }

    private func migrateTransfer(_ s: inout QuickstartStep) async throws {
        let site = try requireSource()
        try await create("target-migrate")
        let (targetSite, provisioned) = try await provision("target-migrate")
        s.written += provisioned
        let source = try await spec("source"), target = try await spec("target-migrate")
        let mapping = ["--from", source, "--to", target, "--webSiteId", site.dataverseString, "--targetWebSiteId", targetSite.dataverseString]
        var profile: [String] = []
        if let p = profilePath { profile = ["--deploymentProfile", p] }
        try await command(["plan"] + mapping + profile, expect: 0, environment: secretEnvironment)
        let migrate = try await command(["migrate"] + mapping + profile + ["--json"], environment: secretEnvironment)
        s.written += try writes(migrate)
        let verify = try await command(["verify"] + mapping + profile, environment: secretEnvironment)
        guard verify.status == 0 else { throw ScenarioSetupError("verify exited with \(verify.status): \(verify.differences)") }
        try await requireWebsites("target-migrate", [targetSite], portalApp: true)
        // No duplicates: the target website holds as many records of each table as the source website.
        let sourceCounts = try await withLocal("source") { try await Self.recordCounts($0, site) }
        let targetCounts = try await withLocal("target-migrate") { try await Self.recordCounts($0, targetSite) }
        let differing = Set(sourceCounts.keys).union(targetCounts.keys).filter { sourceCounts[$0] != targetCounts[$0] }.sorted()
        guard differing.isEmpty else {
            throw ScenarioSetupError(
                "record counts differ (duplicates or missing records): "
                    + differing.map { "\($0) source \(sourceCounts[$0] ?? 0), target \(targetCounts[$0] ?? 0)" }.joined(separator: "; "))
        }
        say("  no duplicates: target-migrate's website holds the source's \(sourceCounts.values.reduce(0, +)) records, table by table")
        s.verified = true
    }

    // MARK: Building blocks

    private func requireSource() throws -> UUID {
        guard let sourceSite else { throw ScenarioSetupError("step 1 did not provision the source website") }
        return sourceSite
    }

    /// `--environment` value of environment `name`: `local:NAME`, or its server's URL over HTTP.
    private func spec(_ name: String) async throws -> String {
        guard let servers else { return "local:\(name)" }
        return try await servers.start(name)
    }

    /// Runs `body` with a `DataverseService` of environment `name` in this process: the embedded
    /// environment opened (and closed) here, or the Web API client of its server.
    private func withService<T>(_ name: String, _ body: (any DataverseService) async throws -> T) async throws -> T {
        if overHTTP {
            // The servers are on 127.0.0.1 and ask for no token.
            guard let url = URL(string: try await spec(name)) else { throw ScenarioSetupError("no URL for \(name)") }
            return try await body(try WebAPIClient(environmentURL: url))
        }
        return try await withLocal(name) { try await body($0) }
    }

    /// Runs `body` with embedded environment `name` opened from its file in this process, also over
    /// HTTP: the quickstart's own bookkeeping (records written, the duplicate count) reads the files
    /// so that only the printed commands and the edits go through the Web API.
    private func withLocal<T>(_ name: String, _ body: (LocalEnvironment) async throws -> T) async throws -> T {
        let env = try workspace.openEnvironment(name)
        defer { try? env.close() }
        return try await body(env)
    }

    /// Runs a command; with `expect`, a different exit code throws.
    @discardableResult
    private func command(_ arguments: [String], expect: Int32? = nil, environment: [String: String] = [:]) async throws -> StepCommand {
        let r: StepCommand
        do {
            r = StepCommand(arguments: arguments, result: try await workspace.run(arguments, environment: environment))
        } catch {
            throw ScenarioSetupError("cannot start \(workspace.executable.path): \(error)")
        }
        if let expect, r.status != expect { throw r.failure }
        return r
    }

    private func create(_ name: String) async throws {
        try await workspace.createEnvironment(name)
        if let servers { _ = try await servers.start(name) }
    }

    /// Provisions the template into `name`; returns the website id and the records written (the
    /// website's records read back, plus the portal app).
    private func provision(_ name: String) async throws -> (UUID, Int) {
        let id = try await workspace.provision(name, template: template)
        let count = try await withLocal(name) { try await Self.recordCounts($0, id).values.reduce(0, +) }
        return (id, count + 1)
    }

    /// The admin API's name of the quickstart's template (research/code-sites-and-admin-api.md §B.7):
    /// `starter` is Microsoft's default (Starter layout 1) template, `customer-self-service` the customer
    /// self-service portal.
    var adminTemplate: String { template == "customer-self-service" ? "CustomerSelfServicePortal" : "DefaultPortalTemplate" }

    /// Gives website `site` of target `name` a site: `site create --existing-website` over HTTP (the admin
    /// API), else a portal app with `env provision --existing-website`.
    private func activate(_ name: String, _ site: UUID) async throws {
        guard overHTTP else {
            try await command(["env", "provision", name, "--existing-website", site.dataverseString, "--json"], expect: 0)
            return
        }
        let r = try await command(
            [
                "site", "create", "--environment", try await spec(name), "--existing-website", site.dataverseString,
                "--name", "Migrated site", "--subdomain", name, "--template", adminTemplate, "--json",
            ], expect: 0)
        let created = try r.jsonObject()
        guard (created["websiteRecordId"] as? String).flatMap({ UUID(dataverse: $0) }) == site else {
            throw ScenarioSetupError("site create did not report website record \(site.dataverseString): \(created)")
        }
        say(
            "  \(name): site \(created["siteId"] as? String ?? "?") at \(created["websiteUrl"] as? String ?? "?") serves the moved website record")
    }

    /// Prepares target `name` as Microsoft documents for the standard model; returns records written.
    /// Over HTTP this is one `site prepare-target` through the admin API.
    private func prepareTarget(_ name: String) async throws -> Int {
        try await create(name)
        if overHTTP {
            let r = try await command(
                [
                    "site", "prepare-target", "--environment", try await spec(name), "--template", adminTemplate,
                    "--yes", "--json",
                ], expect: 0)
            guard let deleted = try r.jsonObject()["recordsDeleted"] as? Int else {
                throw ScenarioSetupError("site prepare-target printed no recordsDeleted")
            }
            try await requireWebsites(name, [])
            say("  \(name) has the template's solutions and no website: ready for the configuration")
            return (deleted + 1) * 2 // created, then deleted (the website's records and its site)
        }
        let (site, provisioned) = try await provision(name)
        try await command(["env", "delete-website", name, "--webSiteId", site.dataverseString], expect: 0)
        try await command(["env", "delete-portal-app", name, "--webSiteId", site.dataverseString], expect: 0)
        try await requireWebsites(name, [])
        say("  \(name) has the template's solutions and no website: ready for the configuration")
        return provisioned * 2 // created, then deleted (the website's records and its portal app)
    }

    /// Checks with `list --json` that environment `name` has exactly these websites (with portal apps).
    private func requireWebsites(_ name: String, _ expected: [UUID], portalApp: Bool = false) async throws {
        let list = try await command(["list", "--environment", try await spec(name), "--json"], expect: 0)
        let sites = try list.jsonArray()
        let ids = Set(sites.compactMap { ($0["websiteId"] as? String).flatMap { UUID(dataverse: $0) } })
        guard ids == Set(expected), sites.count == expected.count else {
            throw ScenarioSetupError("\(name) lists websites \(ids.map(\.dataverseString).sorted()), expected \(expected.map(\.dataverseString))")
        }
        if portalApp, let missing = sites.first(where: { ($0["portalAppId"] as? String) == nil }) {
            throw ScenarioSetupError("website \(missing["websiteId"] ?? "?") of \(name) has no portal app")
        }
    }

    /// Records and links an `upload`/`data import`/`migrate --json` result reports as created, updated,
    /// deleted, added or removed.
    /// - Throws: `ScenarioSetupError` when the command failed or reported failures.
    private func writes(_ r: StepCommand) throws -> Int {
        let json = try r.jsonObject()
        if let failures = json["failures"] as? [Any], !failures.isEmpty {
            throw ScenarioSetupError("\(failures.count) record(s) failed: \(String(describing: failures.prefix(3)))")
        }
        var total = 0
        for case let counts as [String: Any] in (json["result"] as? [String: Any] ?? [:]).values {
            for key in ["created", "updated", "deleted"] { total += counts[key] as? Int ?? 0 }
        }
        for case let counts as [String: Any] in (json["links"] as? [String: Any] ?? [:]).values {
            for key in ["added", "removed"] { total += counts[key] as? Int ?? 0 }
        }
        return total
    }

    /// Records per table of a website (portal languages, shared by every website, left out) plus its N:N links.
    static func recordCounts(_ service: any DataverseService, _ website: UUID) async throws -> [String: Int] {
        let snapshot = try await SnapshotReader(service: service).read(websiteID: website)
        var counts: [String: Int] = [:]
        for (table, rows) in snapshot.records where table != "adx_portallanguage" && !rows.isEmpty { counts[table] = rows.count }
        for (relationship, links) in snapshot.links where !links.isEmpty { counts[relationship] = links.count }
        return counts
    }

    /// Writes `deployment-profiles/target.deployment.yml` in the site folder: the secret site setting
    /// takes its value from `${OS.QUICKSTART_TARGET_CLIENT_SECRET}` (research/pac-portal-format.md §4).
    private func writeProfile(folder: String) throws {
        guard let id = edits?.secretSettingID else { throw ScenarioSetupError("the source edits did not run") }
        let dir = workspace.work.appendingPathComponent(folder).appendingPathComponent("deployment-profiles", isDirectory: true)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let text = """
            adx_sitesetting:
            - adx_sitesettingid: \(id.dataverseString)
              adx_name: \(QuickstartEdits.secretSettingName)
              adx_value: ${OS.\(Self.secretVariable)}

            """
        try SafeFileWriter.write(Data(text.utf8), to: "\(Self.profileName).deployment.yml", under: dir)
        say("  wrote \(folder)/deployment-profiles/\(Self.profileName).deployment.yml: the target's \(QuickstartEdits.secretSettingName)")
        say("  comes from $\(Self.secretVariable) (a generated value, not shown)")
    }
}

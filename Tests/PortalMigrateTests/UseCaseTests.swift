import ConfigurationMigration
import Foundation
import LocalEnvironment
import Migration
import PortalFolder
import PortalModel
import Testing
import TestSupport

/// The use cases of `Migration/UseCases` in-process (no binary), against embedded environments and the
/// real corpus: the pending run owns its plan, the one data-model rule, run keys from the choices,
/// the checks/force/dry-run rule, and the adapters' `SourceMeaning`.
@Suite struct UseCaseTests {
    /// A new embedded environment in its own temporary directory.
    static func environment(_ label: String) throws -> LocalEnvironment {
        try LocalEnvironmentSupport.make(LocalEnvironmentOptions(name: label), label: "pm-uc-\(label)")
    }

    /// Choices writing journals and guards into a fresh temporary data directory.
    static func choices() throws -> RunChoices {
        var c = RunChoices()
        c.dataDirectory = try TestPaths.temporaryDirectory("pm-uc-data")
        return c
    }

    static func target(_ env: LocalEnvironment, _ name: String) -> RunTarget {
        RunTarget(env, name: name, blockedAttachmentsWriter: BlockedWriter(env: env))
    }

    struct BlockedWriter: BlockedAttachmentsWriter {
        let env: LocalEnvironment
        func setBlockedAttachments(_ extensions: [String]) async throws { try await env.updateOrganization(blockedAttachments: extensions) }
    }

    /// Creates, updates and deletes per table in a plan.
    static func counts(_ plan: MigrationPlan) -> [String: [Int]] {
        var out: [String: [Int]] = [:]
        for r in plan.records {
            var c = out[r.table] ?? [0, 0]
            if r.action == .create { c[0] += 1 } else if r.action == .update { c[1] += 1 } else { continue }
            out[r.table] = c
        }
        return out
    }

    @Test("data import: the package is planned once and what apply wrote is the pending run's plan")
    func dataImportAppliesThePlanShown() async throws {
        let env = try Self.environment("import")
        let source = try RunSource.read(CMTPackageSource(TestPaths.cmt("packages/css-portal-2020")))
        #expect(source.meaning.format == "the package's CMT schema")
        #expect(source.meaning.bypassPlugins != nil, "a package decides plug-in bypass itself")
        var choices = try Self.choices()
        choices.missingLookups = .drop
        let pending = try await MigrationUseCases.prepare(
            .dataImport, source: source, target: Self.target(env, "local:import"),
            choices: choices)
        try pending.stopIfChecksFailed()
        let planned = Self.counts(pending.plan)
        #expect(!planned.isEmpty)
        let report = try await pending.apply()
        #expect(report.failures.isEmpty, "\(report.failures.prefix(3))")
        var written: [String: [Int]] = [:]
        for (table, c) in report.tables where c.created + c.updated > 0 { written[table] = [c.created, c.updated] }
        #expect(written == planned, "written \(written) planned \(planned)")
        #expect(report.verification?.passed == true, "\(report.verification?.differences.prefix(3) ?? [])")
        // The same package again: nothing to write, and the key of the run is the same.
        let again = try await MigrationUseCases.prepare(
            .dataImport, source: source, target: Self.target(env, "local:import"),
            choices: choices)
        #expect(again.plan.records.allSatisfy { $0.action == .unchanged })
        #expect(again.options.runKey == pending.options.runKey)
        #expect(pending.options.runKey?.hasPrefix("data-import|\(source.location)|local:import|") == true)
    }

    @Test("upload: a dry run writes nothing; failed checks stop unless forced; the folder's meaning reaches the plan")
    func uploadRules() async throws {
        let env = try Self.environment("upload")
        let folder = TestPaths.pacFolder("ejada-starter-2022")
        let source = try RunSource.read(PacFolderSource(folder))
        #expect(source.model == .standard)
        #expect(source.meaning.skippedTables["adx_websitebinding"] == PacFolderSource.downloadOnlyReason)
        var choices = try Self.choices()
        choices.dryRun = true
        let dry = try await MigrationUseCases.prepare(.upload, source: source, target: Self.target(env, "local:upload"), choices: choices)
        #expect(dry.writesNothing)
        #expect(dry.options.plan.hints.format == "a pac folder")
        let before = try await env.count("adx_webpage")
        try dry.stopIfChecksFailed()
        let report = try await dry.apply()
        #expect(report.dryRun)
        #expect(try await env.count("adx_webpage") == before, "a dry run writes nothing")

        // A failed check (a blocked extension the folder's web files use) stops the run; --force goes on.
        choices.dryRun = false
        let blocked = RunChoices.extensions(" CSS, js,, ")
        #expect(blocked == ["css", "js"])
        try await env.updateOrganization(blockedAttachments: ["css", "js", "png"])
        let stopped = try await MigrationUseCases.prepare(.upload, source: source, target: Self.target(env, "local:upload"), choices: choices)
        #expect(stopped.errors.contains { $0.check == .blockedExtension }, "\(stopped.errors.prefix(3))")
        #expect(throws: MigrationError.self) { try stopped.stopIfChecksFailed() }
        await #expect(throws: MigrationError.self) { _ = try await stopped.apply() }
        #expect(try await env.count("adx_webpage") == before, "nothing written after a failed check")
        choices.force = true
        let forced = try await MigrationUseCases.prepare(.upload, source: source, target: Self.target(env, "local:upload"), choices: choices)
        #expect(throws: Never.self) { try forced.stopIfChecksFailed() }
        #expect(forced.options.runKey == stopped.options.runKey, "--force does not change what the run is")
    }

    @Test("one data-model rule: a standard site into an environment of enhanced sites bridges; a mismatch names the model")
    func dataModelRule() async throws {
        let dev = try Self.environment("dev")
        let site = try await dev.provision(template: "starter").websiteId
        let enhanced = try Self.environment("v2")
        let v2site = try await enhanced.provision(template: "starter", dataModel: .enhanced).websiteId
        let source = try await RunSource.environment(dev, name: "local:dev", websiteID: site)
        #expect(source.model == .standard)
        let choices = try Self.choices()
        let pending = try await MigrationUseCases.prepare(.plan, source: source, target: Self.target(enhanced, "local:v2"), choices: choices)
        #expect(pending.targetModel == .enhanced)
        #expect(pending.options.runKey == nil, "plan writes nothing and keeps no journal")
        #expect(!DataModelPolicy.unmappedTables.isEmpty)
        for table in DataModelPolicy.unmappedTables {
            #expect(pending.options.plan.skippedTables[table] == DataModelPolicy.unmappedReason, "\(table)")
        }
        #expect(pending.options.plan.ignoredColumns["annotation"]?.contains("notetext") == true)
        let bridged = MigrationUseCases.migrationOptions(
            .migrate, source: source, target: Self.target(enhanced, "local:v2"),
            choices: choices, targetModel: .enhanced)
        #expect(bridged.runKey?.hasSuffix("|bridge") == true)
        #expect(bridged.runKey?.hasPrefix("migrate|local:dev|local:v2|\(site.dataverseString)|") == true)

        // Asking for the standard model of an enhanced site is refused, naming what was found.
        var wrong = choices
        wrong.targetWebsiteID = v2site
        wrong.targetModel = .standard
        await #expect {
            _ = try await MigrationUseCases.prepare(.migrate, source: source, target: Self.target(enhanced, "local:v2"), choices: wrong)
        } throws: { error in
            "\(error)".contains("holds a site of the enhanced data model (v2)") && "\(error)".contains("--targetModelVersion 2")
        }
        await #expect {
            _ = try await RunSource.environment(enhanced, name: "local:v2", websiteID: v2site, model: .standard)
        } throws: { error in
            "\(error)".contains("local:v2 website \(v2site.dataverseString) holds a site of the enhanced data model (v2)")
        }
    }

    @Test("migrate then verify through the use cases: identical, and the journal key follows the choices")
    func migrateThenVerify() async throws {
        let dev = try Self.environment("mdev")
        let test = try Self.environment("mtest")
        let site = try await dev.provision(template: "starter").websiteId
        let source = try await RunSource.environment(dev, name: "local:mdev", websiteID: site)
        var choices = try Self.choices()
        let pending = try await MigrationUseCases.prepare(.migrate, source: source, target: Self.target(test, "local:mtest"), choices: choices)
        let planned = Self.counts(pending.plan)
        let report = try await pending.apply()
        #expect(report.failures.isEmpty, "\(report.failures.prefix(3))")
        #expect(report.verification?.passed == true)
        let created = report.tables.filter { $0.value.created > 0 }.mapValues(\.created)
        #expect(created == planned.compactMapValues { $0[0] > 0 ? $0[0] : nil })
        let (result, model) = try await MigrationUseCases.verify(source: source, target: Self.target(test, "local:mtest"), choices: choices)
        #expect(model == .standard)
        #expect(result.identical, "\(result.differences.prefix(5))")
        let key = pending.options.runKey
        choices.prune = true
        let pruning = MigrationUseCases.migrationOptions(
            .migrate, source: source, target: Self.target(test, "local:mtest"),
            choices: choices, targetModel: .standard)
        #expect(pruning.runKey != key, "--prune is another run")
    }

    @Test("a pac folder's manifest deletions and contradictions are what the source means, not engine options")
    func folderMeaning() throws {
        let dir = try TestPaths.temporaryDirectory("pm-uc-folder")
        defer { try? FileManager.default.removeItem(at: dir) }
        let folder = dir.appendingPathComponent("site", isDirectory: true)
        try FileManager.default.copyItem(at: TestPaths.pacFolder("ejada-starter-2022"), to: folder)
        let page = try #require(try RunSource.read(PacFolderSource(folder)).snapshot?.records["adx_webpage"]?.first)
        let gone = UUID()
        // One entry deletes a record the folder lacks (meant), one a page the folder still holds (contradiction).
        try FileManager.default.createDirectory(at: folder.appendingPathComponent(".portalconfig"), withIntermediateDirectories: true)
        try Data(
            """
            adx_webpage:
            - RecordId: \(gone.dataverseString)
              DisplayName: Old page
              CheckSum: 
              IsDeleted: true
            - RecordId: \(page.id.dataverseString)
              DisplayName: Kept page
              CheckSum: 
              IsDeleted: true

            """.utf8
        ).write(to: folder.appendingPathComponent(".portalconfig/manifest.yml"))
        let source = try RunSource.read(PacFolderSource(folder))
        #expect(source.meaning.explicitDeletions["adx_webpage"] == [gone, page.id])
        #expect(source.meaning.deletionsFile == ".portalconfig/manifest.yml")
        let notes = source.meaning.notes.filter { $0.check == .manifestContradiction }
        #expect(notes.count == 1)
        #expect(notes.first?.severity == .error && notes.first?.recordID == page.id, "\(notes)")
        #expect(notes.first?.message.contains("marks it IsDeleted: true") == true)
        var choices = RunChoices()
        choices.keepAbsentColumns = true
        let plan = MigrationUseCases.planOptions(source: source, choices: choices)
        #expect(plan.explicitDeletions["adx_webpage"] == [gone, page.id])
        #expect(plan.hints.keepAbsentColumns && plan.hints.format == "a pac folder")
        #expect(plan.hints.warnings.contains { $0.check == .manifestContradiction && $0.severity == .error && $0.recordID == page.id })
        #expect(plan.skippedTables["adx_websitebinding"] != nil)
    }
}

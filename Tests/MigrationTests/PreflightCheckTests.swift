import Foundation
import LocalEnvironment
@testable import Migration
import PortalModel
import Testing
import TestSupport

/// Each check stops the run before any write (nothing in the target changes) and names the records.
@Suite("Checks before the first write")
struct PreflightCheckTests {
    /// The synthetic portal plus one web file `name` with a note of `size` bytes.
    static func source(seed: UInt64, fileName: String? = nil, size: Int = 10) async throws -> (LocalEnvironment, UUID, UUID?) {
        let (env, snapshot) = try await MigrationFixtures.sourceEnvironment(seed: seed)
        let website = try #require(snapshot.websiteID)
        guard let fileName else { return (env, website, nil) }
        let file = UUID(), note = UUID()
        let home = try #require(snapshot.records["adx_webpage"]?.first { $0.string("adx_partialurl") == "/" })
        // Written with the environment's attachment rule off, as if the source allowed it.
        try await env.setBehaviours([.attachmentRules: false])
        let results = try await env.execute(
            [
                .create(
                    EntityRecord(
                        "adx_webfile", id: file,
                        columns: [
                            "adx_name": .string(fileName), "adx_partialurl": .string(fileName),
                            "adx_websiteid": .lookup(EntityReference("adx_website", website)),
                            "adx_parentpageid": .lookup(EntityReference("adx_webpage", home.id)),
                        ])),
                .create(
                    EntityRecord(
                        "annotation", id: note,
                        columns: [
                            "filename": .string(fileName), "subject": .string(fileName), "isdocument": .boolean(true),
                            "objectid": .lookup(EntityReference("adx_webfile", file)),
                            "documentbody": .string(Data(repeating: 0x61, count: size).base64EncodedString()),
                        ])),
            ], options: ExecuteOptions(bypassCustomPlugins: true))
        for r in results { if let e = r.error { throw e } }
        return (env, website, note)
    }

    static func expectStops(
        _ source: LocalEnvironment, _ website: UUID, target: LocalEnvironment, check: DiagnosticCheck,
        options: MigrationOptions? = nil
    ) async throws -> [Diagnostic] {
        let before = try await MigrationFixtures.counts(target)
        let org = try await target.organizationInfo()
        var failed: [Diagnostic] = []
        do {
            _ = try await MigrationEngine().migrate(
                source: .environment(source, websiteID: website), target: target,
                options: try options ?? MigrationFixtures.options(env: target))
            Issue.record("the migration did not stop for \(check)")
        } catch MigrationError.checksFailed(let ds) {
            failed = ds
        }
        #expect(failed.contains { $0.check == check }, "\(failed.prefix(5))")
        #expect(try await MigrationFixtures.counts(target) == before, "nothing may be written")
        #expect(try await target.organizationInfo() == org)
        return failed
    }

    @Test("schema drift: a column the target lacks stops the run and names every record and the column")
    func schemaDrift() async throws {
        let (source, website, _) = try await Self.source(seed: 31)
        let target = try LocalEnvironmentSupport.make(
            LocalEnvironmentOptions(
                name: "old", tables: .catalog(excludingColumns: ["adx_webpage": ["adx_title"]])), label: "pm-tgt")
        let failed = try await Self.expectStops(source, website, target: target, check: .schemaDrift)
        let drift = failed.filter { $0.check == .schemaDrift }
        let titled = try await source.retrieveAll(RecordQuery("adx_webpage", filter: .isNotNull("adx_title")))
        #expect(drift.count == titled.count)
        #expect(drift.allSatisfy { $0.table == "adx_webpage" && $0.column == "adx_title" && $0.recordID != nil })
        #expect(Set(drift.compactMap(\.recordID)) == Set(titled.map(\.id)))
    }

    @Test("a blocked .js web file stops the run; --unblock-extensions js succeeds and restores the blocked list exactly")
    func blockedExtension() async throws {
        let (source, website, note) = try await Self.source(seed: 37, fileName: "site.js", size: 100)
        let target = try LocalEnvironmentSupport.make(LocalEnvironmentOptions(name: "target"), label: "pm-tgt")
        let failed = try await Self.expectStops(source, website, target: target, check: .blockedExtension)
        #expect(failed.contains { $0.check == .blockedExtension && $0.recordID == note && $0.recordName == "site.js" })

        let original = try await target.organizationInfo().blockedAttachments
        #expect(original.contains("js"))
        var options = try MigrationFixtures.options(env: target)
        options.unblockExtensions = ["js"]
        options.targetKey = "local:target"
        let report = try await MigrationEngine().migrate(source: .environment(source, websiteID: website), target: target, options: options)
        #expect(report.failures.isEmpty, "\(report.failures)")
        #expect(report.unblockedExtensions == ["js"])
        #expect(try await target.downloadFile(FileBodyKey("annotation", try #require(note), "documentbody"))?.count == 100)
        #expect(try await target.organizationInfo().blockedAttachments == original)
    }

    @Test("an interrupted run's unblocked list is restored by the next run")
    func guardRestoresAfterCrash() async throws {
        let target = try LocalEnvironmentSupport.make(LocalEnvironmentOptions(name: "target"), label: "pm-tgt")
        let data = try TestPaths.temporaryDirectory("pm-data")
        let original = try await target.organizationInfo().blockedAttachments
        let guard_ = BlockedAttachmentsGuard(target: target, writer: LocalBlockedWriter(env: target), targetKey: "t", dataDirectory: data)
        let (_, removed) = try await guard_.unblock(["js", "svg"])
        #expect(Set(removed) == ["js", "svg"])
        #expect(!(try await target.organizationInfo().blockedAttachments.contains("js")))
        // The process "dies" here; a later guard for the same target restores the list.
        let later = BlockedAttachmentsGuard(target: target, writer: LocalBlockedWriter(env: target), targetKey: "t", dataDirectory: data)
        #expect(try await later.restorePending() == original)
        #expect(try await target.organizationInfo().blockedAttachments == original)
        #expect(try await later.restorePending() == nil)
    }

    @Test("a 6 MB web file over the target's 5 MB limit stops the run")
    func fileTooLarge() async throws {
        let (source, website, note) = try await Self.source(seed: 41, fileName: "big.png", size: 6 * 1_048_576)
        let target = try LocalEnvironmentSupport.make(LocalEnvironmentOptions(name: "target"), label: "pm-tgt")
        let failed = try await Self.expectStops(source, website, target: target, check: .fileTooLarge)
        #expect(failed.contains { $0.check == .fileTooLarge && $0.recordID == note && $0.message.contains("6291456 bytes") })
    }

    @Test("different base languages stop the run")
    func languageMismatch() async throws {
        let (source, website, _) = try await Self.source(seed: 43)
        let target = try LocalEnvironmentSupport.make(LocalEnvironmentOptions(name: "fr", languageCode: 1036), label: "pm-tgt")
        let failed = try await Self.expectStops(source, website, target: target, check: .languageMismatch)
        #expect(failed.contains { $0.message.contains("1033") && $0.message.contains("1036") })
    }

    @Test("a target website that does not exist stops the run")
    func websiteNotFound() async throws {
        let (source, website, _) = try await Self.source(seed: 47)
        let target = try LocalEnvironmentSupport.make(LocalEnvironmentOptions(name: "target"), label: "pm-tgt")
        _ = try await Self.expectStops(
            source, website, target: target, check: .websiteNotFound,
            options: try MigrationFixtures.options(PlanOptions(targetWebsiteID: UUID()), env: target))
    }

    @Test("--force goes on without the failing records and reports them")
    func force() async throws {
        let (source, website, note) = try await Self.source(seed: 53, fileName: "site.js", size: 10)
        let target = try LocalEnvironmentSupport.make(LocalEnvironmentOptions(name: "target"), label: "pm-tgt")
        var options = try MigrationFixtures.options(env: target)
        options.force = true
        let report = try await MigrationEngine().migrate(source: .environment(source, websiteID: website), target: target, options: options)
        #expect(report.forced)
        #expect(report.failures.contains { $0.id == note && $0.code.contains("blocked-extension") })
        #expect(report.tables["adx_webpage"]?.created ?? 0 > 0)
        #expect(try await target.retrieveAll(RecordQuery("annotation", filter: .equal("annotationid", .guid(try #require(note))))).isEmpty)
    }
}

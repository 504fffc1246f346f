import Foundation
import LocalEnvironment
@testable import Migration
import PortalModel
import Testing
import TestSupport

/// Issue 19's newcomer-trial leftovers that live in the library: the drift summary's line diffs, the
/// absent-column note, one wording for a record's column, verify's progress without a plan, and which
/// website a `diff` side compares when its environment has several.
@Suite struct NewcomerTrialLibraryTests {
    /// Forty lines of Liquid, with line 20 different on the second side.
    static func longValues() -> (String, String) {
        let lines = (1...40).map { "<p>{{ page.title }} line \($0)</p>" }
        var other = lines
        other[19] = "<p>{{ page.title }} line 20, edited in the target</p>"
        return (lines.joined(separator: "\n"), other.joined(separator: "\n"))
    }

    @Test func aLongChangedValueInTheDriftSummaryIsALineDiff() {
        let (a, b) = Self.longValues()
        let id = UUID()
        let item = VerifyDifference(kind: .column, table: "adx_webpage", id: id, name: "Home", column: "adx_copy", source: a, target: b)
        let lines = DriftDifference(item, key: "/").lines(source: "local:dev", target: "local:test")
        #expect(lines.first?.contains("adx_copy: 1 line(s) of local:dev differ from 1 of local:test") == true, "\(lines)")
        #expect(lines.contains("  - <p>{{ page.title }} line 20</p>"), "\(lines)")
        #expect(lines.contains("  + <p>{{ page.title }} line 20, edited in the target</p>"), "\(lines)")
        // Three lines of context around the change, not the whole value.
        #expect(lines.contains("    <p>{{ page.title }} line 17</p>") && !lines.contains("    <p>{{ page.title }} line 5</p>"), "\(lines)")
        // verify shows the same line diff, source against target.
        #expect(item.lines.contains("  + <p>{{ page.title }} line 20, edited in the target</p>"), "\(item.lines)")
        #expect(item.lines.first?.hasPrefix("changed: adx_webpage \(id.dataverseString) \"Home\": adx_copy:") == true, "\(item.lines)")
        // A short value stays one line.
        let short = VerifyDifference(kind: .column, table: "adx_sitesetting", id: id, column: "adx_value", source: "a", target: "b")
        #expect(DriftDifference(short, key: "Search/Enabled").lines(source: "x", target: "y").count == 1)
    }

    /// An empty plan.
    static func emptyPlan() -> MigrationPlan {
        MigrationPlan(
            sourceWebsiteID: UUID(), targetWebsiteID: UUID(), tableOrder: [], records: [], deletions: [], links: [], idMap: [:],
            diagnostics: [], droppedLookups: [])
    }

    @Test func theAbsentColumnNoteIsToldOnlyWhenItClearsSomethingOrTheUserKeeps() {
        var plan = Self.emptyPlan()
        plan.absentColumns = "absent columns cleared (a column the source's format writes but a record leaves out is emptied)"
        #expect(!PlanRenderer.lines(plan).contains { $0.contains("absent columns") }, "nothing cleared: no note")
        plan.clearedColumns = ["adx_webpage": 2]
        #expect(PlanRenderer.lines(plan).contains { $0.contains("absent columns cleared") })
        plan.clearedColumns = [:]
        plan.absentColumns = "absent columns kept (--keep-absent-columns)"
        #expect(PlanRenderer.lines(plan).contains { $0.contains("absent columns kept") }, "the user's choice is said")
    }

    @Test func aColumnIsNamedAsAWordNotAfterASpaceAndADot() {
        let id = UUID()
        let d = Diagnostic(check: .valueTooLong, message: "too long", table: "adx_webpage", recordID: id, recordName: "Home", column: "adx_copy")
        #expect(d.description.hasSuffix("[adx_webpage \(id.dataverseString) \"Home\", column adx_copy]"), "\(d.description)")
        #expect(!d.description.contains(" .adx_copy"))
        #expect(Diagnostic(check: .input, message: "m", column: "adx_name").description == "input: m [column adx_name]")
        var plan = Self.emptyPlan()
        plan.keptColumns = [KeptColumn(table: "adx_website", recordID: id, column: "adx_name", value: "Old", reason: "the target's name")]
        #expect(PlanRenderer.lines(plan).contains("  = keep adx_website \(id.dataverseString), column adx_name = \"Old\" (the target's name)"))
    }

    /// Two embedded environments: `dev` with one website, `test` with two (`Alpha`, `Beta`).
    static func environments(_ label: String) async throws -> (dev: LocalEnvironment, test: LocalEnvironment, alpha: UUID, beta: UUID) {
        let dev = try LocalEnvironmentSupport.make(LocalEnvironmentOptions(name: "dev"), label: "pm-h8-\(label)-dev")
        let test = try LocalEnvironmentSupport.make(LocalEnvironmentOptions(name: "test"), label: "pm-h8-\(label)-test")
        _ = try await dev.provision(template: "starter", name: "Beta")
        let alpha = try await test.provision(template: "starter", name: "Alpha").websiteId
        let beta = try await test.provision(template: "starter", name: "Beta").websiteId
        return (dev, test, alpha, beta)
    }

    @Test func anEnvironmentSideWithSeveralWebsitesIsMatchedByTheOtherSidesWebsite() async throws {
        let (dev, test, alpha, beta) = try await Self.environments("match")
        let devSite = try #require(try await WebsiteListing.websites(in: dev).first?.websiteId)
        let first = try await MigrationUseCases.driftSide(dev, environment: "local:dev", website: nil, model: nil)
        // By name: dev's Beta (another id) pairs with test's Beta.
        #expect(try await MigrationUseCases.driftWebsite(nil, in: test, environment: "local:test", like: first) == beta)
        // By id first: a side describing Alpha's id.
        var sameID = first
        sameID.snapshot.websiteID = alpha
        #expect(try await MigrationUseCases.driftWebsite(nil, in: test, environment: "local:test", like: sameID) == alpha)
        // The id given wins.
        #expect(try await MigrationUseCases.driftWebsite(alpha, in: test, environment: "local:test", like: first) == alpha)
        // No fit: the error names every candidate and the option.
        var other = first
        other.snapshot.records["adx_website"] = first.snapshot.records["adx_website"]?.map { r in
            var r = r
            r.columns["adx_name"] = .string("Gamma")
            return r
        }
        await #expect {
            _ = try await MigrationUseCases.driftWebsite(nil, in: test, environment: "local:test", like: other, option: "--targetWebSiteId")
        } throws: { error in
            let text = "\(error)"
            return text.contains(alpha.dataverseString) && text.contains("\"Alpha\"") && text.contains(beta.dataverseString)
                && text.contains("(\"Gamma\")") && text.contains("--targetWebSiteId")
        }
        #expect(devSite != beta)
    }

    @Test func verifyShowsNoPlanInItsProgress() async throws {
        let (dev, test, _, beta) = try await Self.environments("verify")
        let devSite = try #require(try await WebsiteListing.websites(in: dev).first?.websiteId)
        let events = EventLog()
        let sink = ProgressSink { events.append($0) }
        let source = try await RunSource.environment(dev, name: "local:dev", websiteID: devSite)
        var choices = RunChoices()
        choices.targetWebsiteID = beta
        choices.dataDirectory = try TestPaths.temporaryDirectory("pm-h8-verify-data")
        let (result, _) = try await ProgressSink.$current.withValue(sink) {
            try await MigrationUseCases.verify(source: source, target: RunTarget(test, name: "local:test"), choices: choices)
        }
        #expect(result.checked.records > 0, "it compared")
        let all = events.all
        #expect(all.contains { if case .tablesRead = $0 { return true } else { return false } }, "reading is still shown")
        #expect(!all.contains { if case .planReady = $0 { return true } else { return false } }, "verify plans nothing to show")
    }
}

/// `site prepare-target`'s steps 2 and 3 in the library (issue 19: no admin flow decided in the command).
@Suite struct TargetPreparationTests {
    @Test func theNewWebsiteRecordIsDeletedAndTheOthersStay() async throws {
        let env = try LocalEnvironmentSupport.make(LocalEnvironmentOptions(name: "t"), label: "pm-h8-prepare")
        let kept = try await env.provision(template: "starter", name: "Kept").websiteId
        let before = Set(try await WebsiteListing.websites(in: env).map(\.websiteId))
        let made = try await env.provision(template: "starter", name: "Preparation").websiteId // step 1 (the admin API's)
        var steps: [TargetPreparation.Step] = []
        var deletedSites: [String] = []
        let outcome = try await TargetPreparation.finish(
            TargetPreparation.CreatedSite(siteID: "site-1", websiteRecordID: nil), before: before, in: env, label: "local:t",
            deleteSite: { deletedSites.append($0) }, step: { steps.append($0) })
        #expect(outcome.websiteRecordID == made && outcome.siteID == "site-1" && outcome.model == .standard)
        #expect(outcome.recordsDeleted > 10, "the starter site's configuration")
        #expect(deletedSites == ["site-1"])
        #expect(
            steps == [
                .created(siteID: "site-1", websiteRecord: made, model: .standard),
                .deletedWebsiteRecord(made, records: outcome.recordsDeleted), .deletedSite("site-1"),
            ])
        #expect(try await WebsiteListing.websites(in: env).map(\.websiteId) == [kept])
    }

    @Test func aSiteWithoutItsIdStopsPartwayWithExitOne() async throws {
        let env = try LocalEnvironmentSupport.make(LocalEnvironmentOptions(name: "t"), label: "pm-h8-prepare-fail")
        _ = try await env.provision(template: "starter", name: "Made")
        do {
            _ = try await TargetPreparation.finish(
                TargetPreparation.CreatedSite(siteID: nil, websiteRecordID: nil), before: [], in: env, label: "local:t", deleteSite: { _ in })
            Issue.record("no error")
        } catch let e as MigrationError {
            #expect(e.exitCode == DiagnosticExit.rerun)
            #expect(e.description.contains("could not be found; see `portal-migrate site list --environment local:t`"), "\(e)")
        }
        #expect(try await WebsiteListing.websites(in: env).count == 1, "nothing deleted")
    }
}

/// Progress events received from any task.
final class EventLog: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [ProgressEvent] = []
    func append(_ e: ProgressEvent) { lock.withLock { events.append(e) } }
    var all: [ProgressEvent] { lock.withLock { events } }
}

import ArgumentParser
import DataverseWebAPI
import Environments
import Foundation
import Migration
import PortalModel

/// `portal-migrate site prepare-target --environment ENV --template T [--yes] [--json]`: the one-time
/// preparation Microsoft documents for a standard-data-model target (research/emulator-facts.md §3.5):
/// 1. provision a site with the same template as the source (installs the template's solutions and
///    default records), 2. delete its website record (its configuration goes with it), 3. delete the
///    site (the portal app), keeping the Portal Management app.
struct SitePrepareTargetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prepare-target",
        abstract: "Prepare a target environment once: create a site from the template, delete its website record, delete the site.",
        discussion: """
            Microsoft's procedure for moving a standard data model site: the target gets the template's solutions \
            and no website, ready for `upload`, `data import` or `migrate`; afterwards `site create \
            --existing-website ID` gives the moved website record a site. An enhanced data model target does not \
            need this preparation. Shows the plan first and asks for confirmation on a terminal (--yes otherwise). \
            Website records already in the environment are not touched.

            --json prints {"template", "websiteRecordId", "siteId", "recordsDeleted", "steps": [...]}.
            Example: portal-migrate site prepare-target --environment TARGET --template DefaultPortalTemplate --yes
            """)
    @OptionGroup var site: SiteOptions
    @Option(help: "The template the source site was made from (Microsoft's names, e.g. DefaultPortalTemplate).") var template: String
    @Option(help: "The temporary site's subdomain (default: pm-prepare- and 8 random characters).") var subdomain: String?
    @Option(help: "The temporary site's name.") var name = "PortalMigrate preparation (deleted at once)"
    @Option(help: "The base language LCID (default: the environment's base language).") var language: Int?
    @Flag(help: "Do it without asking.") var yes = false
    @OptionGroup var wait: SiteWaitOptions

    func validate() throws {
        try usageRule { try SiteEnvironment.checkNewSite(name: name, subdomain: subdomain, language: language) }
        if wait.noWait { throw ValidationError("prepare-target waits for each step; --no-wait does not apply") }
    }

    func run() async throws {
        let c = try await site.open()
        defer { c.close() }
        let plan = try await c.planPreparation(template: template, subdomain: subdomain, name: name, language: language)
        for line in plan.lines { say(line) }
        try confirmOrRefuse(
            "Prepare \(c.label)?", yes: yes, refusal: "the plan above creates and deletes a site in \(c.label); pass --yes to confirm")
        var steps: [JSONValue] = []
        let done = try await c.prepareTarget(
            plan, wait: try wait.siteWait(), step: { steps.append(tell($0)) }, waiting: { SiteOperationWaiter.waiting($0) }, report: { printErr($0) })
        guard let outcome = done else { return }
        if site.json {
            printJSON([
                ("template", .string(plan.template)), ("websiteRecordId", .string(outcome.websiteRecordID.dataverseString)),
                ("siteId", .string(outcome.siteID)), ("recordsDeleted", .number(String(outcome.recordsDeleted))), ("steps", .array(steps)),
            ])
        } else {
            printOut(plan.done)
        }
    }

    /// Says a step of the preparation as it is done (`TargetPreparation.Step.lines`); returns its `--json` object.
    func tell(_ step: TargetPreparation.Step) -> JSONValue {
        for line in step.lines { say(line) }
        switch step {
        case .created(let siteID, let record, _):
            return .object([("step", .string("create")), ("siteId", .string(siteID)), ("websiteRecordId", .string(record.dataverseString))])
        case .deletedWebsiteRecord(let record, let counts):
            return .object([
                ("step", .string("delete-website-record")), ("websiteRecordId", .string(record.dataverseString)),
                ("recordsDeleted", .number(String(counts))),
            ])
        case .deletedSite(let siteID):
            return .object([("step", .string("delete-site")), ("siteId", .string(siteID))])
        }
    }

    /// Human lines: stdout, or stderr with --json.
    func say(_ s: String) { printHuman(s, json: site.json) }
}

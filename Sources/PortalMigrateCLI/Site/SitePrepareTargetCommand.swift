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
        if let s = subdomain, !CreateWebsiteRequest.isValidSubdomain(s) {
            throw ValidationError("--subdomain '\(s)' must be 2 to 63 lower-case letters, digits or hyphens, not starting or ending with a hyphen")
        }
        if wait.noWait { throw ValidationError("prepare-target waits for each step; --no-wait does not apply") }
    }

    func run() async throws {
        let c = try await site.open()
        defer { c.close() }
        let templateName = CreateWebsiteRequest.canonicalTemplate(template)
        let sub = subdomain ?? SiteEnvironment.preparationSubdomain()
        let existing = try await WebsiteListing.websites(in: c.service)
        say("Plan for \(c.label) (the one-time preparation of a standard data model target):")
        say("  1. create site '\(name)' from template \(templateName) at subdomain \(sub): installs the template's solutions and default records")
        say("  2. delete the new website record and, with it, its configuration records")
        say("  3. delete the new site (the portal app); the Portal Management app stays")
        if !existing.isEmpty {
            say(
                "  The \(existing.count) website record(s) already in the environment are not touched: \(existing.map { "\($0.name) (\($0.websiteId.dataverseString))" }.joined(separator: ", "))."
            )
        }
        try confirmSite("Prepare \(c.label)?", yes: yes, refusal: "the plan above creates and deletes a site in \(c.label)")

        var steps: [JSONValue] = []
        guard
            let outcome = try await c.prepareTarget(
                template: template, subdomain: sub, name: name, language: language, existing: existing, wait: wait.siteWait,
                step: { steps.append(tell($0)) }, waiting: { SiteOperationWaiter.waiting($0) }, report: { printErr($0) })
        else { return }
        if site.json {
            printOut(
                JSONValue.object([
                    ("template", .string(templateName)), ("websiteRecordId", .string(outcome.websiteRecordID.dataverseString)),
                    ("siteId", .string(outcome.siteID)), ("recordsDeleted", .number(String(outcome.recordsDeleted))), ("steps", .array(steps)),
                ]).serialized)
        } else {
            printOut(
                "\(c.label) is prepared: it has the template's solutions and no new website. Next: upload or import the configuration, then `portal-migrate site create --environment \(c.label) --existing-website ID --name NAME --subdomain SUBDOMAIN --template \(templateName)`."
            )
        }
    }

    /// Says a step of the preparation as it is done; returns its `--json` object.
    func tell(_ step: TargetPreparation.Step) -> JSONValue {
        switch step {
        case .created(let siteID, let record, let model):
            say("  1. created site \(siteID) with website record \(record.dataverseString) (\(model.rawValue))")
            if model == .enhanced {
                say(
                    "note: the environment made an enhanced data model site; Microsoft says enhanced targets need no preparation. Continuing as planned."
                )
            }
            return .object([("step", .string("create")), ("siteId", .string(siteID)), ("websiteRecordId", .string(record.dataverseString))])
        case .deletedWebsiteRecord(let record, let counts):
            say("  2. deleted website record \(record.dataverseString) and its configuration (\(counts) records)")
            return .object([
                ("step", .string("delete-website-record")), ("websiteRecordId", .string(record.dataverseString)),
                ("recordsDeleted", .number(String(counts))),
            ])
        case .deletedSite(let siteID):
            say("  3. deleted site \(siteID)")
            return .object([("step", .string("delete-site")), ("siteId", .string(siteID))])
        }
    }

    /// Human lines: stdout, or stderr with --json.
    func say(_ s: String) { if site.json { printErr(s) } else { printOut(s) } }
}

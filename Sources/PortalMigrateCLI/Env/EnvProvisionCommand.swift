import ArgumentParser
import Environments
import Foundation
import LocalEnvironment
import PortalModel

/// `portal-migrate env provision NAME --template T [--modelVersion 1|2] | --existing-website ID`.
struct EnvProvisionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "provision",
        abstract: "Provision a portal from a template, or a portal app from an existing website record.",
        discussion: """
            Templates: \(LocalProvisioning.templates.joined(separator: ", ")). Every provisioning uses fresh random GUIDs.

            --modelVersion 2 (or Enhanced) provisions an enhanced data model site (powerpagesite, powerpagesitelanguage, \
            powerpagecomponent) with the same content; 1 (Standard, the default) the adx_* tables.

            Example: portal-migrate env provision dev --template starter --modelVersion 2 --json
            """)
    @OptionGroup var env: EnvName
    @Option(help: "Built-in template: starter or customer-self-service.", completion: Completions.templates) var template: String?
    @Option(name: .customLong("existing-website"), help: "Bind a new portal app to this existing adx_website id.")
    var existingWebsite: String?
    @Option(name: .customLong("name"), help: "The website's name (default: the template's).") var siteName: String?
    @Option(
        name: [.customLong("modelVersion"), .customLong("mv", withSingleDash: true)],
        help: "Data model of the provisioned site: 1/Standard (default) or 2/Enhanced.", completion: Completions.modelVersions)
    var modelVersion: String?
    @OptionGroup var global: OutputOptions

    /// What the options ask for (`LocalProvisioning`'s rules).
    func request() throws -> LocalProvisioning {
        try LocalProvisioning(template: template, existingWebsite: existingWebsite, name: siteName, modelVersion: modelVersion)
    }

    func validate() throws { try usageRule { try request() } }

    func run() async throws {
        let made = try await EnvironmentResolver.openLocal(env.name).provision(try request())
        if global.json {
            printJSON(
                [("websiteId", .string(made.websiteID.dataverseString)), ("portalAppId", .string(made.portalAppID.dataverseString))]
                    + (made.dataModel.map { [("dataModel", .string($0.rawValue))] } ?? []))
        } else {
            let model = made.dataModel.map { " (\($0.displayName))" } ?? ""
            printOut(
                "Provisioned website \(made.websiteID.dataverseString)\(model) with portal app \(made.portalAppID.dataverseString) in local:\(env.name)"
            )
        }
    }
}

/// An `env` command acting on one website of an embedded environment (`NAME --webSiteId ID`): what it
/// does there, and the line it says on stderr after.
protocol EnvWebsiteAction: AsyncParsableCommand {
    var website: EnvWebsite { get }
    func act(on environment: LocalEnvironment, website id: UUID) async throws -> String
}

extension EnvWebsiteAction {
    func run() async throws {
        let id = try website.id()
        printErr(try await act(on: EnvironmentResolver.openLocal(website.env.name), website: id))
    }
}

/// `portal-migrate env delete-website NAME --webSiteId ID`.
struct EnvDeleteWebsiteCommand: EnvWebsiteAction {
    static let configuration = CommandConfiguration(
        commandName: "delete-website",
        abstract: "Delete a website record; its configuration goes with it (cascade), the portal app stays.",
        discussion: "Example: portal-migrate env delete-website test --webSiteId 6f0c7d5e-0000-0000-0000-000000000001")
    @OptionGroup var website: EnvWebsite
    @OptionGroup var global: OutputOptions

    func act(on environment: LocalEnvironment, website id: UUID) async throws -> String {
        try await environment.deleteWebsite(id)
        return "Deleted website \(id.dataverseString) and its configuration from local:\(website.env.name)"
    }
}

/// `portal-migrate env delete-portal-app NAME --webSiteId ID`.
struct EnvDeletePortalAppCommand: EnvWebsiteAction {
    static let configuration = CommandConfiguration(
        commandName: "delete-portal-app", abstract: "Delete the portal app bound to a website; the website record stays.",
        discussion: "Example: portal-migrate env delete-portal-app test --webSiteId 6f0c7d5e-0000-0000-0000-000000000001")
    @OptionGroup var website: EnvWebsite
    @OptionGroup var global: OutputOptions

    func act(on environment: LocalEnvironment, website id: UUID) async throws -> String {
        try await environment.deletePortalApp(websiteID: id)
        return "Deleted the portal app of website \(id.dataverseString) in local:\(website.env.name)"
    }
}

/// `portal-migrate env reset NAME --webSiteId ID`.
struct EnvResetCommand: EnvWebsiteAction {
    static let configuration = CommandConfiguration(
        commandName: "reset", abstract: "Remove a website's portal app and the website with its configuration.",
        discussion: "Example: portal-migrate env reset test --webSiteId 6f0c7d5e-0000-0000-0000-000000000001")
    @OptionGroup var website: EnvWebsite
    @OptionGroup var global: OutputOptions

    func act(on environment: LocalEnvironment, website id: UUID) async throws -> String {
        try await environment.reset(websiteID: id)
        return "Reset website \(id.dataverseString) in local:\(website.env.name)"
    }
}

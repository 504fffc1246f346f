import ArgumentParser
import Foundation
import LocalEnvironment
import PortalFolder
import PortalModel

/// `portal-migrate env provision NAME --template T [--modelVersion 1|2] | --existing-website ID`.
struct EnvProvisionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "provision",
        abstract: "Provision a portal from a template, or a portal app from an existing website record.",
        discussion: """
            Templates: \(PortalTemplate.all.keys.sorted().joined(separator: ", ")). Every provisioning uses fresh random GUIDs.

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

    /// The data model asked for with `--modelVersion` (standard when absent).
    var dataModel: DataModel { modelVersion.flatMap { DataModel(modelVersionArgument: $0) } ?? .standard }

    func validate() throws {
        if let m = modelVersion {
            // One wording for a bad --modelVersion (upload's), as a usage error (exit code 64).
            do { _ = try ModelVersionOption.parse(m) } catch let e as UserFacingError { throw ValidationError(e.message) }
            guard template != nil else { throw ValidationError("--modelVersion applies to --template only") }
        }
        guard (template == nil) != (existingWebsite == nil) else {
            throw ValidationError("give exactly one of --template or --existing-website")
        }
        if let t = template, PortalTemplate.all[t.lowercased()] == nil {
            throw ValidationError("unknown template '\(t)'; known: \(PortalTemplate.all.keys.sorted().joined(separator: ", "))")
        }
        if let w = existingWebsite { _ = try parseWebsiteID(w) }
    }

    func run() async throws {
        let environment = try EnvironmentResolver.openLocal(env.name)
        let websiteID: UUID, appID: UUID
        if let template {
            let result = try await environment.provision(template: template, name: siteName, dataModel: dataModel)
            (websiteID, appID) = (result.websiteId, result.portalAppId)
        } else {
            websiteID = try parseWebsiteID(existingWebsite ?? "")
            appID = try await environment.provisionPortalApp(existingWebsite: websiteID)
        }
        if global.json {
            var fields: [(String, JSONValue)] = [
                ("websiteId", .string(websiteID.dataverseString)),
                ("portalAppId", .string(appID.dataverseString)),
            ]
            if template != nil { fields.append(("dataModel", .string(dataModel.rawValue))) }
            printOut(JSONValue.object(fields).serialized)
        } else {
            let model = template == nil ? "" : " (\(dataModel.displayName))"
            printOut("Provisioned website \(websiteID.dataverseString)\(model) with portal app \(appID.dataverseString) in local:\(env.name)")
        }
    }
}

/// `portal-migrate env delete-website NAME --webSiteId ID`.
struct EnvDeleteWebsiteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete-website",
        abstract: "Delete a website record; its configuration goes with it (cascade), the portal app stays.",
        discussion: "Example: portal-migrate env delete-website test --webSiteId 6f0c7d5e-0000-0000-0000-000000000001")
    @OptionGroup var env: EnvName
    @Option(name: [.customLong("webSiteId"), .customLong("id", withSingleDash: true)], help: "The adx_website id.") var webSiteId: String
    @OptionGroup var global: OutputOptions

    func run() async throws {
        let id = try parseWebsiteID(webSiteId)
        try await EnvironmentResolver.openLocal(env.name).deleteWebsite(id)
        printErr("Deleted website \(id.dataverseString) and its configuration from local:\(env.name)")
    }
}

/// `portal-migrate env delete-portal-app NAME --webSiteId ID`.
struct EnvDeletePortalAppCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete-portal-app", abstract: "Delete the portal app bound to a website; the website record stays.",
        discussion: "Example: portal-migrate env delete-portal-app test --webSiteId 6f0c7d5e-0000-0000-0000-000000000001")
    @OptionGroup var env: EnvName
    @Option(name: [.customLong("webSiteId"), .customLong("id", withSingleDash: true)], help: "The website id the portal app is bound to.")
    var webSiteId: String
    @OptionGroup var global: OutputOptions

    func run() async throws {
        let id = try parseWebsiteID(webSiteId)
        try await EnvironmentResolver.openLocal(env.name).deletePortalApp(websiteID: id)
        printErr("Deleted the portal app of website \(id.dataverseString) in local:\(env.name)")
    }
}

/// `portal-migrate env reset NAME --webSiteId ID`.
struct EnvResetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reset", abstract: "Remove a website's portal app and the website with its configuration.",
        discussion: "Example: portal-migrate env reset test --webSiteId 6f0c7d5e-0000-0000-0000-000000000001")
    @OptionGroup var env: EnvName
    @Option(name: [.customLong("webSiteId"), .customLong("id", withSingleDash: true)], help: "The website id.") var webSiteId: String
    @OptionGroup var global: OutputOptions

    func run() async throws {
        let id = try parseWebsiteID(webSiteId)
        try await EnvironmentResolver.openLocal(env.name).reset(websiteID: id)
        printErr("Reset website \(id.dataverseString) in local:\(env.name)")
    }
}

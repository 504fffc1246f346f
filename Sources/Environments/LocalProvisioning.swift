import Foundation
import LocalEnvironment
import PortalModel

/// What `env provision` asks of an embedded environment: a portal from a built-in template (with a
/// website name and a data model), or a portal app bound to a website record already there
/// (research/emulator-facts.md §3: the procedure's "provision from existing website" step).
public enum LocalProvisioning: Sendable, Hashable {
    /// A new portal from `template` (`PortalTemplate.all`, any case); `name` defaults to the template's.
    case template(String, name: String?, dataModel: DataModel)
    /// A new portal app for website record `existingWebsite`.
    case portalApp(existingWebsite: UUID)

    /// The provisioning the options ask for, checked in this order: a model version other than 1, 2,
    /// Standard or Enhanced; a model version without a template; not exactly one of a template and an
    /// existing website; an unknown template; an existing website id that is not a GUID.
    /// - Parameters:
    ///   - modelVersion: pac's `--modelVersion` value; `nil`: standard.
    ///   - name: the website's name (templates only).
    /// - Throws: `EnvironmentsError.invalidOption` (usage) saying which rule failed.
    public init(template: String?, existingWebsite: String?, name: String? = nil, modelVersion: String? = nil) throws {
        var model = DataModel.standard
        if let m = modelVersion {
            guard let parsed = DataModel(modelVersionArgument: m) else {
                throw EnvironmentsError.invalidOption("--modelVersion \(m): expected 1, 2, Standard or Enhanced")
            }
            guard template != nil else { throw EnvironmentsError.invalidOption("--modelVersion applies to --template only") }
            model = parsed
        }
        switch (template, existingWebsite) {
        case (let t?, nil):
            guard PortalTemplate.all[t.lowercased()] != nil else {
                throw EnvironmentsError.invalidOption("unknown template '\(t)'; known: \(Self.templates.joined(separator: ", "))")
            }
            self = .template(t, name: name, dataModel: model)
        case (nil, let w?):
            guard let id = UUID(dataverse: w) else { throw EnvironmentsError.invalidOption("'\(w)' is not a GUID (--existing-website)") }
            self = .portalApp(existingWebsite: id)
        default:
            throw EnvironmentsError.invalidOption("give exactly one of --template or --existing-website")
        }
    }

    /// The built-in templates' names, sorted.
    public static var templates: [String] { PortalTemplate.all.keys.sorted() }
}

/// What a provisioning made: the website (new, or the existing one) and its new portal app; the data
/// model when a template was provisioned.
public struct ProvisionedPortal: Sendable, Hashable {
    public var websiteID: UUID
    public var portalAppID: UUID
    /// The new website's data model; `nil` for a portal app bound to an existing website record.
    public var dataModel: DataModel?
}

extension LocalEnvironment {
    /// Provisions what `request` asks (`provision(template:name:dataModel:)` or
    /// `provisionPortalApp(existingWebsite:)`), under fresh random GUIDs.
    /// - Throws: what those throw (`LocalEnvironmentError.websiteNotFound`, `.portalAppExists`, …).
    public func provision(_ request: LocalProvisioning) async throws -> ProvisionedPortal {
        switch request {
        case .template(let template, let name, let model):
            let result = try await provision(template: template, name: name, dataModel: model)
            return ProvisionedPortal(websiteID: result.websiteId, portalAppID: result.portalAppId, dataModel: model)
        case .portalApp(let website):
            return ProvisionedPortal(websiteID: website, portalAppID: try await provisionPortalApp(existingWebsite: website), dataModel: nil)
        }
    }
}

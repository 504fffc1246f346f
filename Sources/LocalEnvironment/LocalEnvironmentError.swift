import Foundation

/// Failures of the environment file itself and of provisioning requests (not Dataverse errors, which
/// are `DataverseError`s with Dataverse codes).
public enum LocalEnvironmentError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `create` was given a path that already exists.
    case alreadyExists(String)
    /// `open` was given a path with no file.
    case notFound(String)
    /// The file is not an environment made by this tool (no table definitions), or it is damaged.
    case notAnEnvironment(String, String)
    /// An unknown provisioning template name; the known ones are listed.
    case unknownTemplate(String, [String])
    /// No `adx_website` (or `powerpagesite`) with this id.
    case websiteNotFound(UUID)
    /// A portal app is already bound to the website.
    case portalAppExists(UUID)
    /// No portal app is bound to the website.
    case portalAppNotFound(UUID)
    /// A setting value out of range (`maxuploadfilesize` must be 1…131,072,000, research/emulator-facts.md §1.2).
    case invalidSetting(String)
    /// Another host of the environment already uses this subdomain (the admin API's `SubdomainConflict`,
    /// research/code-sites-and-admin-api.md §B.5).
    case subdomainTaken(String)

    public var description: String {
        switch self {
        case .alreadyExists(let p): return "an environment already exists at \(p)"
        case .notFound(let p): return "no environment at \(p)"
        case .notAnEnvironment(let p, let why): return "\(p) is not a PortalMigrate environment: \(why)"
        case .unknownTemplate(let t, let known): return "unknown template '\(t)'; known: \(known.joined(separator: ", "))"
        case .websiteNotFound(let id): return "no website with id \(id.uuidString.lowercased())"
        case .portalAppExists(let id): return "a portal app is already bound to website \(id.uuidString.lowercased())"
        case .portalAppNotFound(let id): return "no portal app is bound to website \(id.uuidString.lowercased())"
        case .invalidSetting(let why): return why
        case .subdomainTaken(let subdomain): return "the subdomain '\(subdomain)' is already used by another site of the environment"
        }
    }
}

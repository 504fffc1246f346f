import Foundation
import PortalModel

/// Why the environment a user named could not be opened, or a site of it not found: the one error type
/// of `Environments`. Each message says what to do; secrets never appear in it (a URL with credentials
/// is redacted by whoever prints it, `CredentialRedaction`).
///
/// `exitCode` is 64 (a usage error, DESIGN.md "Commands") for a value the user typed wrongly (a bad URL,
/// a bad `PORTAL_MIGRATE_REQUEST_TIMEOUT`, a bad `--admin-api-url`, a missing `--environment-id`), else 2.
public enum EnvironmentsError: DiagnosticConvertible, Equatable, Sendable {
    /// A typed environment URL that is not one (`EnvironmentURLInput.Invalid.description`).
    case invalidURL(String)
    /// An auth profile whose saved URL no longer parses (`reason`: the parser's description).
    case profileWithInvalidURL(profile: String, reason: String)
    /// `NAME` is no auth profile, but an embedded environment `NAME` exists.
    case localEnvironmentNamedWithoutPrefix(String)
    /// No `--environment` and no active auth profile.
    case noEnvironment
    /// A non-loopback URL with no saved profile.
    case noProfileForURL(URL)
    /// `local:NAME` names no embedded environment in `folder`.
    case noLocalEnvironment(name: String, folder: String)
    /// `local:NAME` names a zero-byte file (SQLite would make an empty database of it).
    case emptyLocalEnvironment(name: String, path: String)
    /// `PORTAL_MIGRATE_REQUEST_TIMEOUT` is not a number of seconds in 1…86400.
    case invalidRequestTimeout(String)
    /// `--admin-api-url` is not https (or loopback http).
    case invalidAdminAPIURL(String)
    /// The Power Platform environment id could not be found from the environment.
    case noPowerPlatformEnvironmentID(URL)
    /// No site has this id (`label`: how the environment was named).
    case noSiteWithID(String, label: String)
    /// No site serves this website record.
    case noSiteServesRecord(String, label: String)
    /// Several sites serve this website record (`sites`: "ID (URL)" each).
    case severalSitesServeRecord(String, sites: [String])
    /// The website record to give a site is not in the environment.
    case noWebsiteRecord(UUID, label: String)
    /// Options of a new auth profile that do not make one (the message says which).
    case invalidProfileOptions(String)
    /// An excluded column not written `table.column`.
    case invalidExclusion(String)
    /// Excluded tables the catalog lacks (`TableCatalog.unknownTablesMessage`, with the closest names).
    case unknownTables(String)
    /// Serving an embedded environment failed (`reason`: the server's error).
    case cannotServe(name: String, reason: String)
    /// No server runs for the embedded environment (no runtime file names a port).
    case noServerRunning(String)
    /// An option value a rule refuses (the message names the option and what it takes): `env serve`'s
    /// ranges, `env provision`'s and `env create`'s combinations, `env settings`' behaviour ids, a new
    /// site's name.
    case invalidOption(String)

    /// The usage exit code (ArgumentParser's), DESIGN.md "Commands".
    public static let usageExitCode: Int32 = DiagnosticExit.usage

    public var description: String {
        switch self {
        case .invalidURL(let reason): return reason
        case .profileWithInvalidURL(let p, let reason):
            return "auth profile '\(p)' has an \(reason); delete it with `portal-migrate auth delete --name \(p)` and create it again"
        case .localEnvironmentNamedWithoutPrefix(let n):
            return "no auth profile '\(n)', but there is an embedded environment named '\(n)': pass --environment local:\(n) "
                + "(embedded environments are named local:NAME; `portal-migrate auth list` lists the auth profiles)"
        case .noEnvironment:
            return "no environment given and no auth profile selected; pass --environment or run `portal-migrate auth create`"
        case .noProfileForURL(let url):
            return
                "no auth profile for \(url.absoluteString); create one with `portal-migrate auth create --name NAME --url \(url.absoluteString) …`"
        case .noLocalEnvironment(let n, let folder):
            return "no local environment '\(n)' in \(folder); see `portal-migrate env list`, or create it with `portal-migrate env create \(n)`"
        case .emptyLocalEnvironment(let n, let path):
            return
                "local environment '\(n)' is an empty file (\(path)); delete it with `portal-migrate env delete \(n)` and create it with `portal-migrate env create \(n)`"
        case .invalidRequestTimeout(let text):
            return "\(EnvironmentConnection.requestTimeoutVariable)='\(text)' is not a number of seconds between 1 and 86400"
        case .invalidAdminAPIURL(let text): return "--admin-api-url '\(text)' is not an https:// URL (or a loopback http:// URL)"
        case .noPowerPlatformEnvironmentID(let url):
            return
                "cannot find the Power Platform environment id of \(url.absoluteString); pass --environment-id ID (`pac auth who` shows it as 'Environment ID')"
        case .noSiteWithID(let id, let label):
            return "no site with id \(id) in \(label); `portal-migrate site list --environment \(label)` shows the sites"
        case .noSiteServesRecord(let record, let label):
            return "no site serves website record \(record) in \(label); `portal-migrate site list --environment \(label)` shows the sites"
        case .severalSitesServeRecord(let record, let sites):
            return "\(sites.count) sites serve website record \(record): \(sites.joined(separator: ", ")); pass --id"
        case .invalidProfileOptions(let message), .invalidOption(let message): return message
        case .invalidExclusion(let item): return "--exclude-columns: '\(item)' is not table.column"
        case .unknownTables(let message): return message
        case .cannotServe(let name, let reason): return "cannot serve local:\(name): \(reason)"
        case .noServerRunning(let name): return "no server is running for local:\(name); start it with `portal-migrate env serve \(name)`"
        case .noWebsiteRecord(let record, let label):
            return
                "no website record \(record.dataverseString) in \(label); `portal-migrate list --environment \(label)` shows the website records (upload or import the configuration first)"
        }
    }

    /// True for a value the user typed wrongly (exit 64).
    public var isUsage: Bool {
        switch self {
        case .invalidURL, .profileWithInvalidURL, .invalidRequestTimeout, .invalidAdminAPIURL, .noPowerPlatformEnvironmentID, .invalidProfileOptions,
            .invalidOption:
            return true
        default: return false
        }
    }

    public var exitCode: Int32 { isUsage ? Self.usageExitCode : DiagnosticExit.failed }

    /// One diagnostic: check `usage` (exit 64) or `input` (exit 2), as the command line's own errors.
    public var diagnostics: [Diagnostic] { [Diagnostic(check: isUsage ? .usage : .input, message: description)] }
}

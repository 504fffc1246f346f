import ArgumentParser
import DataverseWebAPI
import Environments
import Foundation
import PortalModel

/// `portal-migrate auth create|list|select|delete|who`: saved connections to environments, as pac's
/// `auth` verbs (DESIGN.md, "Commands"). Profiles live under the config directory (mode 0600).
public struct AuthCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "auth",
        abstract: "Manage auth profiles for Dataverse environments.",
        discussion: """
            Examples:
              portal-migrate auth create --name test --url https://contoso-test.crm.dynamics.com --deviceCode
              portal-migrate auth list
            """,
        subcommands: [AuthCreateCommand.self, AuthListCommand.self, AuthSelectCommand.self, AuthDeleteCommand.self, AuthWhoCommand.self]
    )
    public init() {}
}

/// `auth create`: saves a profile and makes it active; client credentials and device code sign in
/// at once so a wrong secret or a declined sign-in is reported now.
public struct AuthCreateCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create an auth profile and make it the active one.",
        discussion: """
            One of: --applicationId A --clientSecret S (or --clientSecretEnv VAR) --tenant T (client credentials);
            --deviceCode [--tenant T] (prints a sign-in message and waits); --token-env VAR (a bearer token in VAR);
            or nothing, for a loopback URL without authentication.

            Example: portal-migrate auth create --name dev --url https://contoso.crm.dynamics.com --deviceCode
            """)

    @Option(name: .long, help: "Profile name.") var name: String
    @Option(
        name: .long,
        help: "Environment URL: https://org.crm.dynamics.com, or http://127.0.0.1:PORT for env serve (a trailing /api/data/v9.2/ is accepted).")
    var url: String
    @Option(name: [.customLong("applicationId")], help: "Application (client) id for client credentials.") var applicationId: String?
    @Option(name: [.customLong("clientSecret")], help: "Client secret (stored in the 0600 profile file; never printed).") var clientSecret: String?
    @Option(name: [.customLong("clientSecretEnv")], help: "Environment variable holding the client secret at each run.") var clientSecretEnv: String?
    @Option(name: .long, help: "Tenant id or domain.") var tenant: String?
    @Flag(name: [.customLong("deviceCode")], help: "Sign in with the device code flow.") var deviceCode = false
    @Option(name: [.customLong("token-env")], help: "Environment variable holding a bearer token.") var tokenEnv: String?
    @Option(name: .long, help: "OAuth authority URL (default Entra ID; the server itself for loopback URLs).") var authority: String?
    @Flag(name: [.long, .customShort("v")], help: "Print debug detail (never secrets).") var verbose = false

    public init() {}

    public func run() async throws {
        let profile = try AuthProfileRequest(
            name: name, url: url, applicationID: applicationId, clientSecret: clientSecret, clientSecretEnv: clientSecretEnv,
            tenant: tenant, deviceCode: deviceCode, tokenEnv: tokenEnv, authority: authority
        ).profile()
        let index = try await EnvironmentResolver.connection(verbose: verbose).addProfile(profile) { authority in
            printErr("Signed in to \(authority.absoluteString).")
        }
        printOut("Created auth profile '\(name)' (index \(index), \(profile.kind.rawValue)) for \(profile.url.absoluteString); it is now active.")
    }
}

/// `auth list`: index, active marker, name, kind, URL (`--json`: an array of those).
public struct AuthListCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List auth profiles; * marks the active one.",
        discussion: "Example: portal-migrate auth list")
    @Flag(name: .long, help: "Print JSON on stdout.") var json = false
    public init() {}

    public func run() async throws {
        let c = try EnvironmentResolver.profiles.load()
        if json {
            let rows: [JSONValue] = c.profiles.enumerated().map { i, p in
                .object([
                    ("index", .number(String(i))), ("active", .bool(c.active == i)), ("name", .string(p.name)),
                    ("url", .string(p.url.absoluteString)), ("kind", .string(p.kind.rawValue)),
                ])
            }
            printOut(JSONValue.array(rows).serialized)
            return
        }
        if c.profiles.isEmpty { printErr("No auth profiles. Create one with `portal-migrate auth create`."); return }
        let nameWidth = max(4, c.profiles.map(\.name.count).max() ?? 4)
        let kindWidth = max(4, c.profiles.map(\.kind.rawValue.count).max() ?? 4)
        func pad(_ s: String, _ w: Int) -> String { s + String(repeating: " ", count: max(0, w - s.count)) }
        printOut("Index Active \(pad("Name", nameWidth)) \(pad("Kind", kindWidth)) URL")
        for (i, p) in c.profiles.enumerated() {
            printOut(
                "\(pad("[\(i)]", 5)) \(pad(c.active == i ? "*" : "", 6)) \(pad(p.name, nameWidth)) \(pad(p.kind.rawValue, kindWidth)) \(p.url.absoluteString)"
            )
        }
    }
}

/// Options naming one profile by index or name.
public struct ProfileSelector: ParsableArguments {
    @Option(name: [.long, .customShort("i")], help: "Profile index (see auth list).") var index: Int?
    @Option(name: [.long, .customShort("n")], help: "Profile name.") var name: String?
    public init() {}

    public func validate() throws {
        guard (index == nil) != (name == nil) else { throw ValidationError("give exactly one of --index and --name") }
    }

    /// The profile's index (`AuthProfileStore.index(of:name:)`).
    func resolve(_ store: AuthProfileStore) throws -> Int { try store.index(of: index, name: name) }
}

/// `auth select --index I | --name N`.
public struct AuthSelectCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "select", abstract: "Make an auth profile the active one.",
        discussion: "Example: portal-migrate auth select --name test")
    @OptionGroup var selector: ProfileSelector
    public init() {}

    public func run() async throws {
        let store = EnvironmentResolver.profiles
        let i = try selector.resolve(store)
        try store.select(index: i)
        let p = try store.load().profiles[i]
        printOut("Active auth profile: [\(i)] \(p.name) \(p.url.absoluteString)")
    }
}

/// `auth delete --index I | --name N`: removes the profile and its cached tokens.
public struct AuthDeleteCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "delete", abstract: "Delete an auth profile and its cached tokens.",
        discussion: "Example: portal-migrate auth delete --index 1")
    @OptionGroup var selector: ProfileSelector
    public init() {}

    public func run() async throws {
        let store = EnvironmentResolver.profiles
        let removed = try store.delete(index: try selector.resolve(store))
        printOut("Deleted auth profile '\(removed.name)'.")
    }
}

/// `auth who`: the caller's identity and the organization's name, base language and version.
public struct AuthWhoCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "who", abstract: "Show who the active profile, or the --environment given (profile, URL or local:NAME), signs in as.",
        discussion: "Example: portal-migrate auth who --environment local:dev --json")
    @OptionGroup var global: GlobalOptions
    public init() {}

    public func run() async throws {
        let id = try await EnvironmentResolver.connection(verbose: global.verbose).identity(for: global.environment)
        let (environment, who, org) = (id.environment, id.who, id.organization)
        if global.json {
            printJSON([
                ("url", .string(environment)), ("userId", .string(who.userID.dataverseString)),
                ("businessUnitId", .string(who.businessUnitID.dataverseString)),
                ("organizationId", .string(who.organizationID.dataverseString)), ("organizationName", .string(org.name)),
                ("baseLanguage", .number(String(org.languageCode))), ("version", .string(org.version)),
            ])
            return
        }
        printOut(
            """
            Environment:       \(environment)
            User id:           \(who.userID.dataverseString)
            Business unit id:  \(who.businessUnitID.dataverseString)
            Organization id:   \(who.organizationID.dataverseString)
            Organization name: \(org.name)
            Base language:     \(org.languageCode)
            Version:           \(org.version)
            """)
    }
}

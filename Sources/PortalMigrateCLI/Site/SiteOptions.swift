import ArgumentParser
import Environments
import Foundation

/// Options every `site` command shares: where the environment is and how to reach its admin API.
struct SiteOptions: ParsableArguments {
    @OptionGroup var target: EnvironmentOption

    @Option(
        name: .customLong("environment-id"),
        help:
            "The Power Platform environment id (`pac auth who` shows it as 'Environment ID'); found from the environment when omitted where possible."
    )
    var environmentID: String?

    @Option(
        name: .customLong("admin-api-url"),
        help: "The Power Platform API host (default: chosen by the environment URL's cloud, e.g. https://api.powerplatform.com).")
    var adminAPIURL: String?

    @Option(
        name: .customLong("admin-token-env"),
        help:
            "A variable holding a user's bearer token for the admin API (e.g. from az account get-access-token --resource https://api.powerplatform.com)."
    )
    var adminTokenEnv: String?

    @OptionGroup var output: OutputOptions

    var json: Bool { output.json }
}

/// Options of the `site` commands that start a long-running operation.
struct SiteWaitOptions: ParsableArguments {
    @Flag(name: .customLong("no-wait"), help: "Return as soon as the service accepted the operation (prints where to follow it).")
    var noWait = false

    @Option(
        name: .customLong("poll-interval"), help: "Seconds between status polls when the service does not say (default 10, as Microsoft's client).")
    var pollInterval: Int = 10

    @Option(name: .customLong("timeout-minutes"), help: "Stop waiting after this many minutes (the operation may still finish).")
    var timeoutMinutes: Int = 15

    func validate() throws { try usageRule { try siteWait() } }
}

extension SiteOptions {
    /// The environment these options name, with its admin API (`SiteEnvironment.open`); with
    /// `--verbose`, which admin API is used goes to stderr.
    /// - Throws: what `SiteEnvironment.open` throws (`EnvironmentsError` naming what could not be resolved).
    func open(interactive: Bool = true) async throws -> SiteEnvironment {
        let connection = EnvironmentResolver.connection(verbose: output.verbose, interactive: interactive)
        let c = try await SiteEnvironment.open(
            target.environment, environmentID: environmentID, adminAPIURL: adminAPIURL, adminTokenVariable: adminTokenEnv, connection: connection)
        if output.verbose, let d = c.adminDescription { printErr(d) }
        return c
    }
}

extension SiteWaitOptions {
    /// The options as the library's `SiteWait` (its rules: each at least 1).
    /// - Throws: `EnvironmentsError.invalidOption` for a value below 1 (`validate` refused it already).
    func siteWait() throws -> SiteWait {
        try SiteWait(noWait: noWait, pollIntervalSeconds: pollInterval, timeoutMinutes: timeoutMinutes)
    }
}

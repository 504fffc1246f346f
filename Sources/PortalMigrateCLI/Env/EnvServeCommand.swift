import ArgumentParser
import EnvironmentServer
import Environments
import Foundation
import Logging
import PortalModel

/// `portal-migrate env serve NAME [--port P] [switches]`: serves an embedded environment over the
/// Dataverse Web API on 127.0.0.1 until SIGINT/SIGTERM.
struct EnvServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve an embedded environment over the Dataverse Web API on 127.0.0.1.",
        discussion: """
            Prints the organization URL to pass as --environment (with the chosen port when --port is 0) and serves until SIGINT or SIGTERM. Switches imitate Dataverse's service protection and faults for rehearsals and tests.

            The Power Pages admin API (`portal-migrate site …`) is answered on the same port under /powerpages/environments/ORGANIZATION-ID/ (see `portal-migrate site --help`).

            With --require-token, requests need a bearer token from the server's token endpoint: create an auth profile for the loopback URL with --applicationId and --clientSecretEnv (any pair is accepted unless --client-credentials lists them).

            Examples:
              portal-migrate env serve dev --port 5555
              portal-migrate migrate --from local:src --to http://127.0.0.1:5555 --webSiteId ...
              portal-migrate env serve dev --port 0 --latency-ms 50 --max-concurrency 4 --fail-rate 0.2 --seed 1
              portal-migrate env serve dev --port 5555 --latency-ms 20 --cost-model typical --dop-hint 16
              curl http://127.0.0.1:5555/pm/cost-account      # server time charged, peak concurrency, the floor
              portal-migrate env serve dev --port 5555 --require-token --client-credentials app:s3cret
              APP_SECRET=s3cret portal-migrate auth create --name loop --url http://127.0.0.1:5555 --applicationId app --clientSecretEnv APP_SECRET
            """)
    @OptionGroup var env: EnvName
    @Option(help: "TCP port on 127.0.0.1; 0 picks a free one.") var port = Self.defaults.port
    @Option(name: .customLong("latency-ms"), help: "Milliseconds added to every Web API request.") var latencyMs = Self.defaults.latencyMilliseconds
    @Option(name: .customLong("max-concurrency"), help: "Requests in flight above this answer 429 (0x80072326).") var maxConcurrency: Int?
    @Option(name: .customLong("request-budget"), help: "Requests allowed per window; more answer 429 with Retry-After (0x80072322).")
    var requestBudget: Int?
    @Option(name: .customLong("budget-window-seconds"), help: "The request budget's sliding window in seconds.")
    var budgetWindowSeconds = Self.defaults.budgetWindowSeconds
    @Option(name: .customLong("fail-rate"), help: "Probability (0…1) that a request fails with 500, 503 or a dropped connection.")
    var failRate = Self.defaults.failRate
    @Option(help: "Seed of the fault generator (same seed, same failures for the same requests).") var seed = Self.defaults.seed
    @Flag(name: .customLong("require-token"), help: "Require a bearer token from the local token endpoint.") var requireToken = false
    @Option(
        name: .customLong("client-credentials"), parsing: .singleValue,
        help: "Accepted client ID:SECRET (repeatable); without it any pair is accepted.")
    var clientCredentials: [String] = []
    @Flag(name: .customLong("auto-approve-device-codes"), help: "Approve device codes as soon as they are issued.") var autoApproveDeviceCodes = false
    @Option(name: .customLong("max-body-bytes"), help: "Largest request body accepted (413 above).") var maxBodyBytes = Self.defaults.maxBodyBytes
    @Option(
        name: .customLong("cost-model"),
        help:
            "Charge Dataverse's server time per operation: low, typical or high (research/dataverse-costs.md §6); the account is at /pm/cost-account."
    )
    var costModel: String?
    @Option(name: .customLong("cost-scale"), help: "Multiply every cost of --cost-model by this factor.") var costScale = Self.defaults.costScale
    @Option(name: .customLong("dop-hint"), help: "The x-ms-dop-hint sent on every response (recommended requests in flight).")
    var dopHint = Self.defaults.dopHint
    @Option(name: .customLong("execution-budget-ms"), help: "Server time allowed per budget window under --cost-model; more answer 429 (0x80072321).")
    var executionBudgetMs = Self.defaults.executionBudgetMilliseconds
    @Option(
        name: .customLong("site-operation-delay-ms"),
        help: "Power Pages admin API: milliseconds a site create/delete stays in progress before it completes (0: at once).")
    var siteOperationDelayMs = Self.defaults.siteOperationDelayMilliseconds
    @Option(
        name: .customLong("fail-site-operations"),
        help: "Power Pages admin API: the next N site creates/deletes fail after they started (for tests).")
    var failSiteOperations = Self.defaults.failSiteOperations
    @OptionGroup var global: OutputOptions

    /// The defaults `--help` shows (`LocalServeRequest`'s).
    static let defaults = LocalServeRequest()

    /// The options as the library's request (its rules: `LocalServeRequest.serverOptions`).
    var request: LocalServeRequest {
        var r = LocalServeRequest()
        (r.port, r.latencyMilliseconds, r.maxConcurrency, r.requestBudget) = (port, latencyMs, maxConcurrency, requestBudget)
        (r.budgetWindowSeconds, r.failRate, r.seed, r.requireToken) = (budgetWindowSeconds, failRate, seed, requireToken)
        (r.clientCredentials, r.autoApproveDeviceCodes, r.maxBodyBytes) = (clientCredentials, autoApproveDeviceCodes, maxBodyBytes)
        (r.costModel, r.costScale, r.dopHint, r.executionBudgetMilliseconds) = (costModel, costScale, dopHint, executionBudgetMs)
        (r.siteOperationDelayMilliseconds, r.failSiteOperations) = (siteOperationDelayMs, failSiteOperations)
        return r
    }

    func validate() throws { try usageRule { try request.serverOptions() } }

    func run() async throws {
        let options = try request.serverOptions()
        var logger = Logger(label: "portal-migrate.server", factory: { StreamLogHandler.standardError(label: $0) })
        logger.logLevel = global.verbose ? .debug : .warning
        let announce = Announcement(name: env.name, json: global.json, costModel: options.costModel, dopHint: dopHint, tokensRequired: requireToken)
        try await EnvironmentResolver.connection().serveLocal(
            env.name, options: options, logger: logger, ready: { announce.say($0) }, runtimeFileProblem: { printErr("warning: \($0)") })
        if !global.json { printErr("Stopped serving local:\(env.name).") }
    }
}

extension EnvServeCommand {
    /// What `env serve` says once the server listens: where to point `--environment` (one JSON object
    /// with `--json`), the token endpoint, the cost model and how to get a token when one is required.
    struct Announcement: Sendable {
        let name: String
        let json: Bool
        let costModel: CostModel?
        let dopHint: Int
        let tokensRequired: Bool

        func say(_ served: ServedEndpoints) {
            let organization = served.organizationURL
            if json {
                printJSON([
                    ("environment", .string("local:\(name)")), ("url", .string(organization)),
                    ("webAPI", .string(served.webAPIURL)), ("port", .number(String(served.port))),
                    ("tokenEndpoint", .string(served.tokenEndpoint)),
                ])
                return
            }
            printOut("Serving local:\(name) at \(organization) (use --environment \(organization); Web API root \(served.webAPIURL))")
            printErr("Token endpoint: \(served.tokenEndpoint). Press Ctrl-C to stop.")
            if let model = costModel {
                printErr(
                    "Cost model: \(model.profile.rawValue)\(model.scale == 1 ? "" : " ×\(model.scale)"), x-ms-dop-hint \(dopHint); "
                        + "account at \(organization)\(CostAccount.endpointPath)")
            }
            if tokensRequired {
                printErr("Tokens required: portal-migrate auth create --name NAME --url \(organization) --applicationId ID --clientSecretEnv VAR")
            }
        }
    }
}

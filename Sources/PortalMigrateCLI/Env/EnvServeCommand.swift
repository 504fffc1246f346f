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
    @Option(help: "TCP port on 127.0.0.1; 0 picks a free one.") var port: Int = 0
    @Option(name: .customLong("latency-ms"), help: "Milliseconds added to every Web API request.") var latencyMs: Int = 0
    @Option(name: .customLong("max-concurrency"), help: "Requests in flight above this answer 429 (0x80072326).") var maxConcurrency: Int?
    @Option(name: .customLong("request-budget"), help: "Requests allowed per window; more answer 429 with Retry-After (0x80072322).")
    var requestBudget: Int?
    @Option(name: .customLong("budget-window-seconds"), help: "The request budget's sliding window in seconds.") var budgetWindowSeconds: Int = 300
    @Option(name: .customLong("fail-rate"), help: "Probability (0…1) that a request fails with 500, 503 or a dropped connection.")
    var failRate: Double = 0
    @Option(help: "Seed of the fault generator (same seed, same failures for the same requests).") var seed: UInt64 = 0
    @Flag(name: .customLong("require-token"), help: "Require a bearer token from the local token endpoint.") var requireToken = false
    @Option(
        name: .customLong("client-credentials"), parsing: .singleValue,
        help: "Accepted client ID:SECRET (repeatable); without it any pair is accepted.")
    var clientCredentials: [String] = []
    @Flag(name: .customLong("auto-approve-device-codes"), help: "Approve device codes as soon as they are issued.") var autoApproveDeviceCodes = false
    @Option(name: .customLong("max-body-bytes"), help: "Largest request body accepted (413 above).") var maxBodyBytes: Int = 128 * 1024 * 1024
    @Option(
        name: .customLong("cost-model"),
        help:
            "Charge Dataverse's server time per operation: low, typical or high (research/dataverse-costs.md §6); the account is at /pm/cost-account."
    )
    var costModel: String?
    @Option(name: .customLong("cost-scale"), help: "Multiply every cost of --cost-model by this factor.") var costScale: Double = 1
    @Option(name: .customLong("dop-hint"), help: "The x-ms-dop-hint sent on every response (recommended requests in flight).") var dopHint: Int = 4
    @Option(name: .customLong("execution-budget-ms"), help: "Server time allowed per budget window under --cost-model; more answer 429 (0x80072321).")
    var executionBudgetMs: Double = 1_200_000
    @Option(
        name: .customLong("site-operation-delay-ms"),
        help: "Power Pages admin API: milliseconds a site create/delete stays in progress before it completes (0: at once).")
    var siteOperationDelayMs: Int = 0
    @Option(
        name: .customLong("fail-site-operations"),
        help: "Power Pages admin API: the next N site creates/deletes fail after they started (for tests).")
    var failSiteOperations: Int = 0
    @OptionGroup var global: OutputOptions

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0…65535") }
        guard latencyMs >= 0 else { throw ValidationError("--latency-ms must not be negative") }
        if let m = maxConcurrency, m < 1 { throw ValidationError("--max-concurrency must be at least 1") }
        if let b = requestBudget, b < 1 { throw ValidationError("--request-budget must be at least 1") }
        guard budgetWindowSeconds >= 1 else { throw ValidationError("--budget-window-seconds must be at least 1") }
        guard (0...1).contains(failRate) else { throw ValidationError("--fail-rate must be between 0 and 1") }
        if let c = costModel, CostModel.profile(named: c) == nil {
            throw ValidationError("--cost-model takes low, typical or high (got '\(c)')")
        }
        guard costScale >= 0 else { throw ValidationError("--cost-scale must not be negative") }
        guard dopHint >= 1 else { throw ValidationError("--dop-hint must be at least 1") }
        guard executionBudgetMs > 0 else { throw ValidationError("--execution-budget-ms must be positive") }
        guard siteOperationDelayMs >= 0, failSiteOperations >= 0 else {
            throw ValidationError("--site-operation-delay-ms and --fail-site-operations must not be negative")
        }
        for c in clientCredentials where ServerOptions.parseClientCredential(c) == nil {
            throw ValidationError("--client-credentials takes ID:SECRET")
        }
    }

    func run() async throws {
        var credentials: [String: String] = [:]
        for c in clientCredentials { if let (id, secret) = ServerOptions.parseClientCredential(c) { credentials[id] = secret } }
        var options = ServerOptions(
            port: port, latencyMilliseconds: latencyMs, maxConcurrency: maxConcurrency,
            requestBudget: requestBudget, budgetWindowSeconds: budgetWindowSeconds, failRate: failRate,
            seed: seed, requireToken: requireToken, clientCredentials: credentials,
            autoApproveDeviceCodes: autoApproveDeviceCodes, maxBodyBytes: maxBodyBytes, dopHint: dopHint)
        options.costModel = costModel.flatMap(CostModel.profile(named:)).map { CostModel(profile: $0, scale: costScale) }
        options.executionBudgetMilliseconds = executionBudgetMs
        options.admin = AdminAPIOptions(operationDelayMilliseconds: siteOperationDelayMs, failOperations: failSiteOperations)
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
                printOut(
                    JSONValue.object([
                        ("environment", .string("local:\(name)")), ("url", .string(organization)),
                        ("webAPI", .string(served.webAPIURL)), ("port", .number(String(served.port))),
                        ("tokenEndpoint", .string(served.tokenEndpoint)),
                    ]).serialized)
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

import EnvironmentServer
import Foundation

/// What a user asks of an embedded environment served over the Web API (`env serve`): the port and the
/// switches that imitate Dataverse's service protection, costs and faults, as typed.
/// `serverOptions()` checks every value before anything is served and builds the server's
/// `ServerOptions` (their meaning: `ServerOptions`, `CostModel`, `AdminAPIOptions`).
///
/// Example:
/// ```swift
/// var request = LocalServeRequest()
/// request.latencyMilliseconds = 50
/// request.costModel = "typical"
/// try await connection.serveLocal("dev", options: try request.serverOptions(), logger: logger, ready: { print($0.organizationURL) })
/// ```
public struct LocalServeRequest: Sendable, Hashable {
    /// TCP port on 127.0.0.1, 0…65535; 0 picks a free one.
    public var port = 0
    /// Milliseconds added to every Web API request (not negative).
    public var latencyMilliseconds = 0
    /// Requests in flight above this answer 429 (at least 1; `nil`: no limit).
    public var maxConcurrency: Int?
    /// Requests allowed per window (at least 1; `nil`: no budget).
    public var requestBudget: Int?
    /// The request budget's sliding window, seconds (at least 1).
    public var budgetWindowSeconds = 300
    /// Probability 0…1 that a request fails with 500, 503 or a dropped connection.
    public var failRate: Double = 0
    /// Seed of the fault generator.
    public var seed: UInt64 = 0
    /// Requests need a bearer token from the local token endpoint.
    public var requireToken = false
    /// Accepted client credentials, `ID:SECRET` each (the secret may hold `:`); empty accepts any pair.
    public var clientCredentials: [String] = []
    /// Approve device codes as soon as they are issued.
    public var autoApproveDeviceCodes = false
    /// Largest request body accepted, bytes (413 above).
    public var maxBodyBytes = 128 * 1024 * 1024
    /// `low`, `typical` or `high` (`CostModel.profile(named:)`, research/dataverse-costs.md §6); `nil`: no cost model.
    public var costModel: String?
    /// Factor on every cost of the cost model (not negative).
    public var costScale: Double = 1
    /// The `x-ms-dop-hint` sent on every response (at least 1).
    public var dopHint = 4
    /// Server time allowed per budget window under the cost model, milliseconds (positive).
    public var executionBudgetMilliseconds: Double = 1_200_000
    /// Admin API: milliseconds a site create/delete stays in progress (not negative).
    public var siteOperationDelayMilliseconds = 0
    /// Admin API: the next N site creates/deletes fail after they started (not negative).
    public var failSiteOperations = 0

    public init() {}

    /// The server's options for this request, every value checked first (the ranges above).
    /// - Throws: `EnvironmentsError.invalidOption` (usage) naming the first option out of range, in
    ///   `env serve`'s spelling (`--port must be 0…65535`).
    public func serverOptions() throws -> ServerOptions {
        func check(_ ok: Bool, _ message: String) throws { if !ok { throw EnvironmentsError.invalidOption(message) } }
        try check((0...65535).contains(port), "--port must be 0…65535")
        try check(latencyMilliseconds >= 0, "--latency-ms must not be negative")
        try check((maxConcurrency ?? 1) >= 1, "--max-concurrency must be at least 1")
        try check((requestBudget ?? 1) >= 1, "--request-budget must be at least 1")
        try check(budgetWindowSeconds >= 1, "--budget-window-seconds must be at least 1")
        try check((0...1).contains(failRate), "--fail-rate must be between 0 and 1")
        let profile = try costModel.map { name in
            guard let p = CostModel.profile(named: name) else {
                throw EnvironmentsError.invalidOption("--cost-model takes low, typical or high (got '\(name)')")
            }
            return p
        }
        try check(costScale >= 0, "--cost-scale must not be negative")
        try check(dopHint >= 1, "--dop-hint must be at least 1")
        try check(executionBudgetMilliseconds > 0, "--execution-budget-ms must be positive")
        try check(
            siteOperationDelayMilliseconds >= 0 && failSiteOperations >= 0,
            "--site-operation-delay-ms and --fail-site-operations must not be negative")
        var credentials: [String: String] = [:]
        for c in clientCredentials {
            guard let (id, secret) = ServerOptions.parseClientCredential(c) else {
                throw EnvironmentsError.invalidOption("--client-credentials takes ID:SECRET")
            }
            credentials[id] = secret
        }
        var options = ServerOptions(
            port: port, latencyMilliseconds: latencyMilliseconds, maxConcurrency: maxConcurrency, requestBudget: requestBudget,
            budgetWindowSeconds: budgetWindowSeconds, failRate: failRate, seed: seed, requireToken: requireToken,
            clientCredentials: credentials, autoApproveDeviceCodes: autoApproveDeviceCodes, maxBodyBytes: maxBodyBytes, dopHint: dopHint)
        options.costModel = profile.map { CostModel(profile: $0, scale: costScale) }
        options.executionBudgetMilliseconds = executionBudgetMilliseconds
        options.admin = AdminAPIOptions(operationDelayMilliseconds: siteOperationDelayMilliseconds, failOperations: failSiteOperations)
        return options
    }
}

import Foundation

/// How `EnvironmentServer` serves: the port on 127.0.0.1 and the switches that imitate Dataverse's
/// service protection, latency, faults and authentication (issue 4; research/dataverse-webapi.md §6, §10).
///
/// - `port`: TCP port on 127.0.0.1; 0 picks a free one.
/// - `latencyMilliseconds`: added to every Web API request before it is answered.
/// - `maxConcurrency`: requests in flight above this answer 429 `0x80072326` (`nil`: no limit).
/// - `requestBudget`/`budgetWindowSeconds`: more than `requestBudget` requests within a sliding
///   window answer 429 `0x80072322` with `Retry-After` (seconds until a slot frees).
/// - `failRate`/`seed`: each Web API request fails with this probability, drawn from a generator
///   seeded with `seed` in arrival order, as 500, 503 or a dropped connection (reproducible for the
///   same sequence of requests).
/// - `requireToken`: Web API requests need `Authorization: Bearer <token>` issued by the local
///   token endpoint; `clientCredentials` (client id → secret) restricts client credentials, empty
///   accepts any id and secret; `autoApproveDeviceCodes` approves device codes as they are issued.
/// - `maxBodyBytes`: larger request bodies answer 413.
/// - `dopHint`: the `x-ms-dop-hint` response header value (research/dataverse-webapi.md §6).
public struct ServerOptions: Sendable {
    public var port: Int
    public var latencyMilliseconds: Int
    public var maxConcurrency: Int?
    public var requestBudget: Int?
    public var budgetWindowSeconds: Int
    public var failRate: Double
    public var seed: UInt64
    public var requireToken: Bool
    public var clientCredentials: [String: String]
    public var autoApproveDeviceCodes: Bool
    public var maxBodyBytes: Int
    public var dopHint: Int
    /// Seconds a device code flow client is told to wait between polls.
    public var deviceCodePollInterval: Int
    /// Lifetime of issued access tokens, seconds.
    public var tokenLifetimeSeconds: Int
    /// When set, every Web API request costs the server time this model gives (issue 20,
    /// `CostAccount`): slept before answering, counted against `executionBudgetMilliseconds`, and
    /// `maxConcurrency` defaults to 52.
    public var costModel: CostModel? = nil
    /// Combined server time allowed per `budgetWindowSeconds` under the cost model (Dataverse:
    /// 1,200,000 ms per 300 s, research/dataverse-costs.md §1.1).
    public var executionBudgetMilliseconds: Double = 1_200_000
    /// The Power Pages admin API served on the same port (issue 22, `AdminAPIHandler`): operation delay,
    /// failures injected after an operation started, page size, service-principal refusal.
    public var admin = AdminAPIOptions()

    public init(
        port: Int = 0, latencyMilliseconds: Int = 0, maxConcurrency: Int? = nil, requestBudget: Int? = nil,
        budgetWindowSeconds: Int = 300, failRate: Double = 0, seed: UInt64 = 0, requireToken: Bool = false,
        clientCredentials: [String: String] = [:], autoApproveDeviceCodes: Bool = false,
        maxBodyBytes: Int = 128 * 1024 * 1024, dopHint: Int = 4, deviceCodePollInterval: Int = 1,
        tokenLifetimeSeconds: Int = 3599
    ) {
        self.port = port
        self.latencyMilliseconds = latencyMilliseconds
        self.maxConcurrency = maxConcurrency
        self.requestBudget = requestBudget
        self.budgetWindowSeconds = budgetWindowSeconds
        self.failRate = failRate
        self.seed = seed
        self.requireToken = requireToken
        self.clientCredentials = clientCredentials
        self.autoApproveDeviceCodes = autoApproveDeviceCodes
        self.maxBodyBytes = maxBodyBytes
        self.dopHint = dopHint
        self.deviceCodePollInterval = deviceCodePollInterval
        self.tokenLifetimeSeconds = tokenLifetimeSeconds
    }

    /// Parses a `--client-credentials ID:SECRET` value (the secret may contain `:`).
    /// - Returns: `nil` when there is no `:` or either side is empty.
    public static func parseClientCredential(_ text: String) -> (String, String)? {
        guard let colon = text.firstIndex(of: ":") else { return nil }
        let id = String(text[..<colon]), secret = String(text[text.index(after: colon)...])
        guard !id.isEmpty, !secret.isEmpty else { return nil }
        return (id, secret)
    }
}

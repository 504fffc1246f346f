import Foundation

/// The cost model's own account of a server's run (issue 20): server time charged, peak concurrency,
/// operations by kind, throttling, and the floor that time allows. Also enforces the execution-time
/// limit (research/dataverse-costs.md §1.1, §6.1 rules 2–3): combined server time of 1,200,000 ms per
/// sliding 300 s; checked lazily at arrival (the request that crosses the line still runs), answered
/// with 429 `0x80072321` and a `Retry-After` of the seconds until the window falls under 80 % of the
/// limit (at least 1), × 1.5 for every request arriving while a penalty is active, at most 300 s
/// (rule 3; [I]). Thread-safe.
///
/// Time charged is split in two: `serviceSeconds` is what the operations cost by the model
/// (independent of how the client behaved), `chargedSeconds` adds the contention factor of §6
/// ("if requests in flight exceed the dop hint, multiply every operation's time by
/// (in flight ÷ hint)^0.6"), which is what the server sleeps and what the execution-time limit counts.
public final class CostAccount: Sendable {
    public let model: CostModel
    public let dopHint: Int
    public let latencyMilliseconds: Int
    public let executionBudgetMilliseconds: Double
    public let windowSeconds: Double

    /// The path, outside the Web API root, that answers `GET` with `Snapshot` as JSON and `DELETE` by
    /// resetting the account.
    public static let endpointPath = "/pm/cost-account"

    struct State {
        var inFlight = 0
        var peak = 0
        var requests = 0
        var batches = 0
        var operations: [CostKind: Int] = [:]
        var serviceMs = 0.0
        var chargedMs = 0.0
        var fileBytes = 0
        var throttled = 0
        var window: [(time: Double, ms: Double)] = []
        var windowTotal = 0.0
        var penaltyUntil = 0.0
        var penaltySeconds = 0.0
        var firstArrival: Double?
        var lastDeparture: Double?
    }
    private let state = Locked(State())

    /// - Parameters:
    ///   - executionBudgetMilliseconds: combined server time allowed per window (Dataverse: 1,200,000 ms).
    ///   - windowSeconds: the sliding window (Dataverse: 300 s).
    public init(
        model: CostModel, dopHint: Int, latencyMilliseconds: Int, executionBudgetMilliseconds: Double = 1_200_000,
        windowSeconds: Double = 300
    ) {
        self.model = model
        self.dopHint = max(1, dopHint)
        self.latencyMilliseconds = max(0, latencyMilliseconds)
        self.executionBudgetMilliseconds = executionBudgetMilliseconds
        self.windowSeconds = max(1, windowSeconds)
    }

    static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

    /// Admits a request or answers the execution-time 429; an admitted request is in flight until `depart`.
    /// - Returns: the 429 error when the window's combined time is over the limit.
    func arrive() -> ODataError? {
        let now = Self.now()
        let budget = executionBudgetMilliseconds, windowSeconds = windowSeconds
        return state.withLock { s -> ODataError? in
            if s.firstArrival == nil { s.firstArrival = now }
            Self.expire(&s, now: now, window: windowSeconds)
            if s.windowTotal > budget || now < s.penaltyUntil {
                s.throttled += 1
                var wait: Double
                if now < s.penaltyUntil {
                    // A request during the penalty is told to wait longer (× 1.5, at most 300 s), but the
                    // penalty itself is not extended: extending it on every arrival locked out a client
                    // with several requests in flight for good (seen at L, hint 16).
                    s.penaltySeconds = min(300, s.penaltySeconds * 1.5)
                    return ODataError(
                        status: 429, code: "0x80072321",
                        message:
                            "Combined execution time of incoming requests exceeded limit of \(Self.grouped(Int(budget))) milliseconds over time window of \(Int(windowSeconds)) seconds. Decrease number of concurrent requests or reduce the duration of requests and try again later.",
                        retryAfter: Int(max(1, min(s.penaltySeconds, s.penaltyUntil - now + s.penaltySeconds)).rounded(.up)))
                } else {
                    // Seconds until the window's total falls under 80 % of the limit.
                    var total = s.windowTotal
                    wait = 1
                    for e in s.window {
                        if total < 0.8 * budget { break }
                        total -= e.ms
                        wait = e.time + windowSeconds - now
                    }
                    wait = min(300, max(1, wait))
                    s.penaltySeconds = wait
                }
                s.penaltyUntil = now + wait
                let limit = Self.grouped(Int(budget))
                return ODataError(
                    status: 429, code: "0x80072321",
                    message:
                        "Combined execution time of incoming requests exceeded limit of \(limit) milliseconds over time window of \(Int(windowSeconds)) seconds. Decrease number of concurrent requests or reduce the duration of requests and try again later.",
                    retryAfter: Int(wait.rounded(.up)))
            }
            s.inFlight += 1
            s.peak = max(s.peak, s.inFlight)
            return nil
        }
    }

    /// The contention factor for a request starting service now: (in flight ÷ hint)^0.6, at least 1.
    func contention() -> Double {
        let n = state.withLock { $0.inFlight }
        return max(1, pow(Double(n) / Double(dopHint), 0.6))
    }

    /// Books an admitted request's charge when it leaves (`charged`: with contention).
    func depart(_ charge: CostCharge, charged: Double) {
        let now = Self.now()
        state.withLock { s in
            s.inFlight -= 1
            s.requests += 1
            if charge.isBatch { s.batches += 1 }
            for (k, n) in charge.operations { s.operations[k, default: 0] += n }
            s.serviceMs += charge.milliseconds
            s.chargedMs += charged
            s.fileBytes += charge.fileBytes
            s.window.append((now, charged))
            s.windowTotal += charged
            s.lastDeparture = now
        }
    }

    /// Execution time left in the window, seconds (`x-ms-ratelimit-time-remaining-xrm-requests`).
    func timeRemainingSeconds() -> Double {
        let now = Self.now()
        let w = windowSeconds
        let total = state.withLock { s -> Double in
            Self.expire(&s, now: now, window: w); return s.windowTotal
        }
        return max(0, executionBudgetMilliseconds - total) / 1000
    }

    private static func expire(_ s: inout State, now: Double, window: Double) {
        var drop = 0
        while drop < s.window.count, s.window[drop].time <= now - window {
            s.windowTotal -= s.window[drop].ms
            drop += 1
        }
        if drop > 0 { s.window.removeFirst(drop) }
    }

    /// `1200000` → `1,200,000` (the server's message format, research/dataverse-costs.md §1.3).
    static func grouped(_ n: Int) -> String {
        let f = NumberFormatter()
        f.numberStyle = .decimal
        f.locale = Locale(identifier: "en_US_POSIX")
        f.groupingSeparator = ","
        f.usesGroupingSeparator = true
        return f.string(from: NSNumber(value: n)) ?? String(n)
    }

    /// Empties the account (the window and penalty too).
    public func reset() { state.withLock { $0 = State() } }

    /// What the account holds now.
    public func snapshot() -> Snapshot {
        let s = state.current
        let service = s.serviceMs / 1000
        let budgetSeconds = executionBudgetMilliseconds / 1000
        // The floor: the hint bounds throughput to `hint` operations' time per second.
        let floor = service / Double(dopHint)
        let budgetFloor = Self.budgetFloor(
            serviceSeconds: service, dopHint: dopHint, budgetSeconds: budgetSeconds, windowSeconds: windowSeconds)
        let step = (Double(latencyMilliseconds) + model.requestOverhead + model.batchEnvelope + model.create) / 1000
        let ops = Dictionary(uniqueKeysWithValues: s.operations.map { ($0.key.rawValue, $0.value) })
        let writes = s.operations.filter { $0.key.writes }.reduce(0) { $0 + $1.value }
        return Snapshot(
            profile: model.profile.rawValue, scale: model.scale, dopHint: dopHint, latencyMilliseconds: latencyMilliseconds,
            requests: s.requests, batches: s.batches, operations: ops, writeOperations: writes,
            serviceSeconds: service, chargedSeconds: s.chargedMs / 1000, fileBytes: s.fileBytes,
            peakConcurrency: s.peak, throttled: s.throttled, floorServiceSeconds: floor,
            budgetFloorServiceSeconds: budgetFloor, chainStepSeconds: step,
            activeSeconds: s.firstArrival.flatMap { a in s.lastDeparture.map { max(0, $0 - a) } } ?? 0)
    }

    /// The least wall seconds any client can take to have `serviceSeconds` of server time executed when
    /// at most `dopHint` operations run at once and the execution-time limit allows `budgetSeconds` of
    /// server time in any sliding `windowSeconds` (research/dataverse-costs.md §6.1 rules 2 and 8).
    ///
    /// With the time split as `k` whole windows and a remainder `x`, a window holds at most the budget
    /// and the remainder at most `hint × x`, so `serviceSeconds ≤ k × budget + min(hint × x, budget)`;
    /// the schedule that runs at the hint until the window holds the budget and waits for the window to
    /// slide reaches it: `k × window + rest ÷ hint`, with `k = ⌈service ÷ budget⌉ − 1` and the rest what
    /// the last window carries. When `hint × window ≤ budget` (hint 4 at Dataverse's limits) the limit
    /// never binds and this is `serviceSeconds ÷ dopHint`, the floor. The real limit is harsher
    /// (a throttled client is told to wait until the window falls under 80 %), so this is a lower bound.
    public static func budgetFloor(serviceSeconds: Double, dopHint: Int, budgetSeconds: Double, windowSeconds: Double) -> Double {
        let hint = Double(max(1, dopHint))
        guard serviceSeconds > budgetSeconds, budgetSeconds > 0, hint * windowSeconds > budgetSeconds else {
            return serviceSeconds / hint
        }
        let windows = (serviceSeconds / budgetSeconds).rounded(.up) - 1
        let rest = serviceSeconds - windows * budgetSeconds
        return windows * windowSeconds + rest / hint
    }

    /// The account as JSON (`GET /pm/cost-account`).
    ///
    /// - `serviceSeconds`: server time the operations cost by the model; `chargedSeconds`: with contention;
    /// - `floorServiceSeconds`: the floor of that service time at the hint, `serviceSeconds ÷ dopHint`;
    /// - `budgetFloorServiceSeconds`: the least wall time that service time allows at the hint under the
    ///   execution-time limit (`CostAccount.budgetFloor`); equal to `floorServiceSeconds` while the service
    ///   time fits in one window's budget or the hint cannot spend the budget within a window;
    /// - `chainStepSeconds`: one unavoidable round trip of a dependency chain (latency + request
    ///   overhead + batch envelope + one create): the floor of a run is
    ///   `floorServiceSeconds + steps × chainStepSeconds` for a plan whose writes need `steps` rounds;
    /// - `peakConcurrency`: most requests in service at once; `throttled`: execution-time 429s;
    /// - `activeSeconds`: first arrival to last departure.
    public struct Snapshot: Codable, Sendable, Hashable {
        public var profile: String
        public var scale: Double
        public var dopHint: Int
        public var latencyMilliseconds: Int
        public var requests: Int
        public var batches: Int
        public var operations: [String: Int]
        public var writeOperations: Int
        public var serviceSeconds: Double
        public var chargedSeconds: Double
        public var fileBytes: Int
        public var peakConcurrency: Int
        public var throttled: Int
        public var floorServiceSeconds: Double
        public var budgetFloorServiceSeconds: Double
        public var chainStepSeconds: Double
        public var activeSeconds: Double

        /// The floor of a run whose writes need `steps` dependent rounds.
        public func floorSeconds(steps: Int) -> Double { floorServiceSeconds + Double(steps) * chainStepSeconds }

        /// The floor under the execution-time limit of a run whose writes need `steps` dependent rounds.
        public func budgetFloorSeconds(steps: Int) -> Double { budgetFloorServiceSeconds + Double(steps) * chainStepSeconds }
    }
}

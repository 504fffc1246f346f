import Foundation

/// The service protection limits the server imitates (research/dataverse-webapi.md §6): requests in
/// flight, and requests per sliding window. Thread-safe.
final class ServiceProtection: Sendable {
    private let maxConcurrency: Int?
    private let budget: Int?
    private let window: Double
    private let inFlight = Locked(0)
    private let arrivals = Locked<[Double]>([])

    init(options: ServerOptions) {
        maxConcurrency = options.maxConcurrency
        budget = options.requestBudget
        window = Double(max(1, options.budgetWindowSeconds))
    }

    /// Counts a request in; returns the 429 to answer when a limit is exceeded. Every call must be
    /// balanced by `leave()`, whatever it returns.
    func enter() -> ODataError? {
        let n = inFlight.withLock { v -> Int in
            v += 1; return v
        }
        if let max = maxConcurrency, n > max {
            return ODataError(
                status: 429, code: "0x80072326",
                message: "Number of concurrent requests exceeded the limit of \(max).", retryAfter: 1)
        }
        guard let budget else { return nil }
        let now = Date().timeIntervalSince1970
        let windowSeconds = window
        return arrivals.withLock { a -> ODataError? in
            a.removeAll { $0 <= now - windowSeconds }
            if a.count >= budget {
                let wait = max(1, Int((a[0] + windowSeconds - now).rounded(.up)))
                return ODataError(
                    status: 429, code: "0x80072322",
                    message: "Number of requests exceeded the limit of \(budget) over time window of \(Int(windowSeconds)) seconds.",
                    retryAfter: wait)
            }
            a.append(now)
            return nil
        }
    }

    func leave() { inFlight.withLock { $0 -= 1 } }
}

/// Reproducible fault injection: a SplitMix64 generator seeded once, drawn in request arrival order.
final class FaultInjector: Sendable {
    /// What happens to a request.
    enum Fault: Equatable { case none, internalError, unavailable, dropConnection }

    private let rate: Double
    private let state: Locked<UInt64>

    init(rate: Double, seed: UInt64) {
        self.rate = min(max(rate, 0), 1)
        self.state = Locked(seed)
    }

    private static func next(_ s: inout UInt64) -> UInt64 {
        s &+= 0x9E37_79B9_7F4A_7C15
        var z = s
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The fault for the next request (two draws per request, whatever the outcome).
    func draw() -> Fault {
        guard rate > 0 else { return .none }
        return state.withLock { s -> Fault in
            let a = Double(FaultInjector.next(&s) >> 11) / Double(1 << 53)
            let b = FaultInjector.next(&s) % 3
            guard a < rate else { return .none }
            switch b {
            case 0: return .internalError
            case 1: return .unavailable
            default: return .dropConnection
            }
        }
    }
}

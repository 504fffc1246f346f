import Foundation

/// Bounds the number of requests in flight (research/dataverse-webapi.md §6; research/dataverse-costs.md
/// §1.2, §1.5): the limit starts at `initial`, moves to the server's `x-ms-dop-hint` (the recommended
/// degree of parallelism) as soon as one arrives, halves on every 429 (the server said too much), and
/// climbs back by one for every `limit` answers without one, never above the hint. It never exceeds
/// `maximum` (a setting, itself at most `ConcurrencyGate.ceiling`, Dataverse's 52 concurrent requests)
/// nor falls below 1.
public actor ConcurrencyGate {
    /// Dataverse's concurrency limit per user and web server (research/dataverse-costs.md §1.1).
    public static let ceiling = 52

    public let maximum: Int
    public private(set) var limit: Int
    /// The last `x-ms-dop-hint` received, `nil` before the first.
    public private(set) var hint: Int?
    /// 429s seen (each halved the limit).
    public private(set) var throttles = 0
    private var inFlight = 0
    private var calmAnswers = 0
    private var waiters: [CheckedContinuation<Void, Never>] = []
    /// Told when the limit changes (old, new, why), for the verbose log.
    private let onChange: (@Sendable (Int, Int, String) -> Void)?

    /// - Parameter onChange: told about every change of the limit (old, new, why), e.g. for a verbose log.
    public init(initial: Int, maximum: Int, onChange: (@Sendable (Int, Int, String) -> Void)? = nil) {
        self.maximum = min(ConcurrencyGate.ceiling, max(1, maximum))
        self.limit = min(max(1, initial), self.maximum)
        self.onChange = onChange
    }

    /// Waits until a slot is free and takes it. Pair with `release()`.
    public func acquire() async {
        if inFlight < limit {
            inFlight += 1
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    /// Frees a slot, handing it to the longest waiter when the limit allows.
    public func release() {
        inFlight -= 1
        wakeWaiters()
    }

    /// Applies an `x-ms-dop-hint` value; non-numeric or non-positive hints are ignored. The first hint
    /// (or a changed one) sets the limit; afterwards a limit lowered by 429s climbs back towards it.
    public func applyHint(_ header: String?) {
        guard let h = header.flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }), h > 0 else { return }
        let target = min(h, maximum)
        if hint != h {
            hint = h
            if throttles == 0 || target < limit { set(target, "x-ms-dop-hint \(h)") }
        }
    }

    /// A 429 arrived: halve the limit (at least 1).
    public func throttled() {
        throttles += 1
        calmAnswers = 0
        set(max(1, limit / 2), "HTTP 429 from the server")
    }

    /// An answer other than 429 arrived: after `limit` of them in a row, one more request in flight,
    /// up to the hint (without a hint the limit stays where it is).
    public func answered() {
        guard let hint, limit < min(hint, maximum) else { calmAnswers = 0; return }
        calmAnswers += 1
        if calmAnswers >= limit {
            calmAnswers = 0
            set(limit + 1, "\(limit) answers without 429")
        }
    }

    private func set(_ newLimit: Int, _ why: String) {
        guard newLimit != limit else { return }
        let old = limit
        limit = newLimit
        onChange?(old, newLimit, why)
        wakeWaiters()
    }

    private func wakeWaiters() {
        while inFlight < limit, !waiters.isEmpty {
            inFlight += 1
            waiters.removeFirst().resume()
        }
    }
}

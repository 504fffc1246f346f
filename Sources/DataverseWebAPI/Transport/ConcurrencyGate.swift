import Foundation

/// Bounds the number of requests in flight. The limit starts at `initial`, follows the server's
/// `x-ms-dop-hint` (the recommended degree of parallelism, research/dataverse-webapi.md §6) and never
/// exceeds `maximum` (a setting) nor falls below 1.
public actor ConcurrencyGate {
    public let maximum: Int
    public private(set) var limit: Int
    private var inFlight = 0
    private var waiters: [CheckedContinuation<Void, Never>] = []

    public init(initial: Int, maximum: Int) {
        self.maximum = max(1, maximum)
        self.limit = min(max(1, initial), max(1, maximum))
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

    /// Applies an `x-ms-dop-hint` value; non-numeric or non-positive hints are ignored.
    public func applyHint(_ header: String?) {
        guard let h = header.flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }), h > 0 else { return }
        limit = min(h, maximum)
        wakeWaiters()
    }

    private func wakeWaiters() {
        while inFlight < limit, !waiters.isEmpty {
            inFlight += 1
            waiters.removeFirst().resume()
        }
    }
}

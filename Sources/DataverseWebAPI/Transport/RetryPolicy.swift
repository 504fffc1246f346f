import Foundation

/// How the client retries transient failures (research/dataverse-webapi.md §6, Microsoft's
/// service protection guidance):
///
/// - 429: wait the `Retry-After` seconds the server names (or the backoff when it names none);
/// - 500, 502, 503, 504 and transport errors (connection refused or dropped, timeouts): exponential
///   backoff `baseDelay · 2^attempt`, capped at `maxDelay`, with full jitter in [50 %, 100 %];
/// - at most `maxAttempts` sends in total per request (the first send included);
/// - `Retry-After` values above `maxRetryAfter` are capped to it.
public struct RetryPolicy: Sendable, Hashable {
    public var maxAttempts: Int
    public var baseDelay: Duration
    public var maxDelay: Duration
    public var maxRetryAfter: Duration

    public init(maxAttempts: Int = 8, baseDelay: Duration = .milliseconds(500), maxDelay: Duration = .seconds(30),
                maxRetryAfter: Duration = .seconds(300)) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxRetryAfter = maxRetryAfter
    }

    /// The statuses retried with backoff.
    public static let retriedStatuses: Set<Int> = [429, 500, 502, 503, 504]

    /// The delay before retry number `attempt` (0 for the first retry), with jitter.
    public func backoff(attempt: Int) -> Duration {
        let factor = pow(2.0, Double(min(attempt, 20)))
        let base = Double(baseDelay.components.seconds) + Double(baseDelay.components.attoseconds) / 1e18
        let cap = Double(maxDelay.components.seconds) + Double(maxDelay.components.attoseconds) / 1e18
        let full = min(cap, base * factor)
        let jittered = full * Double.random(in: 0.5...1.0)
        return .milliseconds(Int64(jittered * 1000))
    }

    /// Parses a `Retry-After` header: whole or fractional seconds (Dataverse sends seconds,
    /// research/dataverse-webapi.md §6) or an HTTP date. `nil` when absent or unreadable.
    public func retryAfter(_ header: String?) -> Duration? {
        guard let h = header?.trimmingCharacters(in: .whitespaces), !h.isEmpty else { return nil }
        var seconds: Double?
        if let s = Double(h), s >= 0 { seconds = s }
        else {
            let f = DateFormatter()
            f.locale = Locale(identifier: "en_US_POSIX")
            f.timeZone = TimeZone(identifier: "GMT")
            f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
            if let d = f.date(from: h) { seconds = max(0, d.timeIntervalSinceNow) }
        }
        guard let s = seconds else { return nil }
        let capped = min(s, Double(maxRetryAfter.components.seconds))
        return .milliseconds(Int64((capped * 1000).rounded(.up)))
    }
}

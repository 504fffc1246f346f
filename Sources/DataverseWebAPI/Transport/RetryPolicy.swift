import Foundation

/// How the client retries transient failures (research/dataverse-webapi.md §6, Microsoft's
/// service protection guidance):
///
/// - 429: wait the `Retry-After` seconds the server names (or the backoff when it names none);
/// - 500, 502, 503, 504 and dropped connections: exponential backoff `baseDelay · 2^attempt`, capped
///   at `maxDelay`, with full jitter in [50 %, 100 %];
/// - no connection at all (refused, unreachable, unknown host, connect timeout; `TransportFailure`):
///   at most `connectionFailureAttempts` tries `connectionFailureDelay` apart, so a server that is
///   down fails within seconds instead of backing off for minutes;
/// - a request with no answer within the request timeout: at most `timeoutAttempts` tries;
/// - at most `maxAttempts` sends in total per request (the first send included);
/// - `Retry-After` values above `maxRetryAfter` are capped to it.
public struct RetryPolicy: Sendable, Hashable {
    public var maxAttempts: Int
    public var baseDelay: Duration
    public var maxDelay: Duration
    public var maxRetryAfter: Duration
    /// Sends allowed while no connection can be made (default 3: two quick retries).
    public var connectionFailureAttempts: Int
    /// The wait between those sends (default 0.5 s).
    public var connectionFailureDelay: Duration
    /// Sends allowed that end in the request timeout (default 2).
    public var timeoutAttempts: Int

    public init(
        maxAttempts: Int = 8, baseDelay: Duration = .milliseconds(500), maxDelay: Duration = .seconds(30),
        maxRetryAfter: Duration = .seconds(300), connectionFailureAttempts: Int = 3,
        connectionFailureDelay: Duration = .milliseconds(500), timeoutAttempts: Int = 2
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxRetryAfter = maxRetryAfter
        self.connectionFailureAttempts = max(1, connectionFailureAttempts)
        self.connectionFailureDelay = connectionFailureDelay
        self.timeoutAttempts = max(1, timeoutAttempts)
    }

    /// A duration as whole and fractional seconds, for messages ("waiting 2.5 s").
    public static func seconds(_ d: Duration) -> String {
        let s = Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
        return s == s.rounded() ? String(Int(s)) : String(format: "%.1f", s)
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
        if let s = Double(h), s >= 0 {
            seconds = s
        } else {
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

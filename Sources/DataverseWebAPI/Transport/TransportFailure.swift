import AsyncHTTPClient
import Foundation
import PortalModel
import NIOCore

/// Why a request got no HTTP response, sorted by what retrying can do about it
/// (research/dataverse-webapi.md §6 on retries; the Python SDK retries network errors only).
public enum TransportFailureKind: String, Sendable, Hashable {
    /// No connection could be made: refused, host or network unreachable, unknown host, connect
    /// timeout. The server is down or the URL is wrong: a couple of quick retries, then fail.
    case connectionFailed
    /// Connected, but no complete answer within the request timeout.
    case timedOut
    /// The connection closed or reset while the request was in flight (a server restart, a proxy).
    case dropped
    /// The request itself cannot be sent (malformed URL, invalid header); never retried.
    case invalidRequest
}

/// A request that got no HTTP response: its kind, and the underlying error's text (never headers).
public struct TransportFailure: Error, CustomStringConvertible, Sendable {
    public let kind: TransportFailureKind
    public let detail: String

    public init(kind: TransportFailureKind, detail: String) {
        self.kind = kind
        self.detail = detail
    }

    /// Sorts any error thrown by an `HTTPTransport` (AsyncHTTPClient, NIO, or a `TransportFailure`).
    public init(_ error: Error) {
        if let f = error as? TransportFailure { self = f; return }
        if error is EnvironmentURLInput.Invalid { self.init(kind: .invalidRequest, detail: String(describing: error)); return }
        let text = String(describing: error)
        if let e = error as? HTTPClientError {
            switch e {
            case .connectTimeout, .socksHandshakeTimeout, .tlsHandshakeTimeout, .httpProxyHandshakeTimeout:
                self.init(kind: .connectionFailed, detail: text)
            case .deadlineExceeded, .readTimeout, .writeTimeout:
                self.init(kind: .timedOut, detail: text)
            case .invalidURL, .emptyHost, .emptyScheme, .bodyLengthMismatch, .missingSocketPath:
                self.init(kind: .invalidRequest, detail: text)
            default:
                self.init(kind: .dropped, detail: text)
            }
            return
        }
        if let io = error as? IOError {
            switch io.errnoCode {
            case ECONNREFUSED, EHOSTUNREACH, ENETUNREACH, EHOSTDOWN, EADDRNOTAVAIL:
                self.init(kind: .connectionFailed, detail: text)
            default:
                self.init(kind: .dropped, detail: text)
            }
            return
        }
        // NIOPosix's NIOConnectionError (every address refused) and NIOCore's SocketAddressError /
        // ChannelError.connectTimeout (unknown host, no connection in time).
        let typeName = String(reflecting: type(of: error))
        if typeName.contains("NIOConnectionError") || typeName.contains("SocketAddressError")
            || text.contains("connectTimeout") || text.contains("connection refused") || text.contains("Connection refused")
        {
            self.init(kind: .connectionFailed, detail: text)
            return
        }
        self.init(kind: .dropped, detail: text)
    }

    /// The retries `policy` allows after a failure of this kind (what progress counts as "retry N of M"):
    /// `connectionFailureAttempts` or `timeoutAttempts` less the first try, `maxAttempts` less one otherwise.
    public func maxRetries(_ policy: RetryPolicy) -> Int {
        switch kind {
        case .connectionFailed: return min(policy.connectionFailureAttempts, policy.maxAttempts) - 1
        case .timedOut: return min(policy.timeoutAttempts, policy.maxAttempts) - 1
        case .dropped, .invalidRequest: return policy.maxAttempts - 1
        }
    }

    /// A sentence for the user naming `url`, e.g. "cannot connect to http://127.0.0.1:1: connection
    /// refused (gave up after 3 attempts, retry 2 of 2); …": the retries in the words progress uses
    /// ("waiting 1 s before retry 1 of 2"; issue 19, newcomer trial).
    public func message(url: URL, attempts: Int) -> String {
        let tries = attempts == 1 ? "1 attempt, not retried" : "gave up after \(attempts) attempts, retry \(attempts - 1) of \(attempts - 1)"
        switch kind {
        case .connectionFailed:
            return "cannot connect to \(CredentialRedaction.redact(url)): \(plainReason) (\(tries)); is the environment running and the URL right?"
        case .timedOut:
            return
                "no answer from \(url.absoluteString) within the request timeout (\(tries)); set PORTAL_MIGRATE_REQUEST_TIMEOUT (seconds) to wait longer (\(detail))"
        case .dropped:
            return "the connection to \(url.absoluteString) was lost (\(tries)): \(detail)"
        case .invalidRequest:
            return "cannot send a request to \(url.absoluteString): \(detail)"
        }
    }

    public var description: String { "\(kind.rawValue): \(detail)" }

    /// Why no connection could be made, in plain words ("connection refused"), without NIO's type
    /// names and errno numbers; the raw detail when it is none of the known reasons.
    public var plainReason: String {
        let text = detail.lowercased()
        if text.contains("refused") || text.contains("errno: 111") || text.contains("errno: 61)") { return "connection refused" }
        if text.contains("timeout") || text.contains("timed out") { return "no connection within the connect timeout" }
        if text.contains("unreachable") { return "host or network unreachable" }
        if text.contains("socketaddresserror") || text.contains("unknown host") || text.contains("nodename nor servname")
            || text.contains("name or service not known")
        {
            return "unknown host"
        }
        return detail
    }
}

/// Counts a request's transport failures by kind and decides whether to retry (see `RetryPolicy`).
public struct TransportRetryCounter: Sendable {
    public private(set) var connectionFailures = 0
    public private(set) var timeouts = 0
    public private(set) var others = 0

    public init() {}

    /// Records `failure` (after `attempt` sends in total) and returns how long to wait before the
    /// next send, or nil when the request must fail now.
    ///
    /// When `environment` is given, a request that gives up because no connection could be made marks
    /// the environment unreachable (`UnreachableEnvironments`); later requests to it then fail after
    /// their first refused connection instead of retrying, so a run of hundreds of writes against a
    /// server that died ends in seconds. Any response clears the mark.
    public mutating func record(_ failure: TransportFailure, attempt: Int, policy: RetryPolicy, environment: URL? = nil) -> Duration? {
        guard attempt < policy.maxAttempts else {
            if failure.kind == .connectionFailed, let environment { UnreachableEnvironments.shared.mark(environment) }
            return nil
        }
        switch failure.kind {
        case .invalidRequest:
            return nil
        case .connectionFailed:
            connectionFailures += 1
            if let environment, UnreachableEnvironments.shared.isMarked(environment) { return nil }
            guard connectionFailures < policy.connectionFailureAttempts else {
                if let environment { UnreachableEnvironments.shared.mark(environment) }
                return nil
            }
            return policy.connectionFailureDelay
        case .timedOut:
            timeouts += 1
            guard timeouts < policy.timeoutAttempts else { return nil }
            return policy.backoff(attempt: attempt - 1)
        case .dropped:
            others += 1
            return policy.backoff(attempt: attempt - 1)
        }
    }
}

/// Environments (by scheme, host and port) to which no connection could be made after every quick
/// retry, for this process. Requests to a marked environment are still sent once (so a server that
/// comes back is used again) but not retried on a refused connection. Thread-safe.
public final class UnreachableEnvironments: @unchecked Sendable {
    /// The process-wide set.
    public static let shared = UnreachableEnvironments()
    private let lock = NSLock()
    private var marked: Set<String> = []

    public init() {}

    static func key(_ url: URL) -> String {
        "\(url.scheme?.lowercased() ?? "")://\(url.host?.lowercased() ?? ""):\(url.port ?? -1)"
    }

    public func mark(_ url: URL) { lock.withLock { _ = marked.insert(Self.key(url)) } }
    public func clear(_ url: URL) {
        let k = Self.key(url)
        lock.withLock { if marked.contains(k) { marked.remove(k) } }
    }
    public func isMarked(_ url: URL) -> Bool { lock.withLock { marked.contains(Self.key(url)) } }
}

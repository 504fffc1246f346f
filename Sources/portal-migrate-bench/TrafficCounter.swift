import Foundation
import Logging

/// HTTP traffic of one scenario run, counted at the server side of the connection:
/// - `requests`: Web API requests answered (a `$batch` is one request), from the server's request log;
/// - `writeRequests`: those whose method is not GET;
/// - `throttled`: those answered 429;
/// - `bytesSent`/`bytesReceived`: TCP payload bytes from the client to the server and back, counted
///   by `CountingProxy` (headers and bodies, as on the wire).
final class TrafficCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var _requests = 0, _writes = 0, _throttled = 0, _sent = 0, _received = 0

    struct Totals: Sendable { var requests = 0, writeRequests = 0, throttled = 0, bytesSent = 0, bytesReceived = 0 }

    var totals: Totals {
        lock.lock(); defer { lock.unlock() }
        return Totals(requests: _requests, writeRequests: _writes, throttled: _throttled, bytesSent: _sent, bytesReceived: _received)
    }

    func reset() {
        lock.lock(); defer { lock.unlock() }
        _requests = 0; _writes = 0; _throttled = 0; _sent = 0; _received = 0
    }

    func addSent(_ n: Int) { lock.lock(); _sent += n; lock.unlock() }
    func addReceived(_ n: Int) { lock.lock(); _received += n; lock.unlock() }

    /// Reads one server log line `METHOD /api/data/v9.2/… STATUS Nms` (EnvironmentServer's request
    /// line); other log messages are ignored.
    func observe(_ line: String) {
        let parts = line.split(separator: " ", maxSplits: 3)
        guard parts.count >= 3, parts[1].hasPrefix("/api/data/"),
            ["GET", "POST", "PATCH", "PUT", "DELETE"].contains(String(parts[0]))
        else { return }
        lock.lock(); defer { lock.unlock() }
        _requests += 1
        if parts[0] != "GET" { _writes += 1 }
        if parts[2] == "429" { _throttled += 1 }
    }

    /// A logger whose debug lines go to `observe` and nowhere else.
    func logger() -> Logger {
        var l = Logger(label: "portal-migrate-bench.server") { _ in CountingLogHandler(counter: self) }
        l.logLevel = .debug
        return l
    }
}

/// Feeds every log message to a `TrafficCounter`; prints nothing.
struct CountingLogHandler: LogHandler {
    let counter: TrafficCounter
    var logLevel: Logger.Level = .debug
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        counter.observe(event.message.description)
    }
}

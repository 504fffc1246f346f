import Foundation
import Logging
import PortalModel

/// A Dataverse environment over the Web API v9.2 (OData v4): implements `DataverseService` for any
/// `https://` environment URL (commercial, government and sovereign clouds) and for
/// `http://127.0.0.1:PORT` (the embedded `EnvironmentServer`).
///
/// Protocol facts follow research/dataverse-webapi.md: headers §1.2, queries and paging §2, writes §3,
/// `$batch` §4, errors §5, throttling §6, metadata §7, organization §8, files §9.
///
/// Politeness: requests in flight are bounded by a `ConcurrencyGate` that follows `x-ms-dop-hint`
/// up to `Configuration.maxParallelism`; 429 waits `Retry-After`; 5xx and dropped connections back off
/// exponentially with jitter (`RetryPolicy`); a 401 refreshes the token once. A create that has to be
/// re-sent is re-sent as an upsert by id, so retries never duplicate a record.
///
/// Every failure is a `DataverseError` with HTTP status, Dataverse code and message, method and path
/// (never headers, tokens or secrets) and the record concerned.
public final class WebAPIClient: DataverseService {
    /// Client settings.
    public struct Configuration: Sendable {
        /// The environment root, `https://org.crm.dynamics.com` or `http://127.0.0.1:5555`.
        public var environmentURL: URL
        /// The Web API version segment (research §1.1: pin v9.2).
        public var apiVersion: String
        /// Requests in flight before the first `x-ms-dop-hint` arrives.
        public var initialParallelism: Int
        /// The most requests in flight, whatever `x-ms-dop-hint` says (at most `ConcurrencyGate.ceiling`, 52).
        public var maxParallelism: Int
        public var retry: RetryPolicy
        /// Time allowed for one request, connect to last byte.
        public var requestTimeout: Duration
        /// Most operations per `$batch` request for non-atomic change sets (1 sends each operation on its
        /// own); a larger change set is cut into requests of this size, sent one after another. The
        /// caller sizes its change sets (the migration applier chooses per pass, issue 20), so the
        /// default (100) only splits what is larger than the applier ever chooses.
        public var batchSize: Int
        /// When true, the operations (or batches) of one non-atomic change set are sent concurrently
        /// and may be applied in any order; when false (default) they are applied in order.
        public var parallelWithinChangeSet: Bool
        /// File bodies larger than this many bytes are uploaded in chunks (research §9.2).
        public var chunkedUploadThreshold: Int
        /// Names the client falls back to when the environment's metadata lacks a table.
        public var catalog: TableCatalog
        /// Line ending of `$batch` bodies: CRLF by default, as MIME and Microsoft's Python SDK write
        /// them (research §4.1); LF is also accepted by Dataverse's OData batch reader.
        public var batchLineEnding: String
        /// The tool's data directory, under which note bodies read are kept by note id and row version
        /// (`BodyVersionCache`, issue 20) so a re-read downloads only bodies whose version moved;
        /// `nil` (the default) reads every body from the environment.
        public var bodyCacheDirectory: URL? = nil

        public init(
            environmentURL: URL, apiVersion: String = "v9.2", initialParallelism: Int = 4, maxParallelism: Int = ConcurrencyGate.ceiling,
            retry: RetryPolicy = RetryPolicy(), requestTimeout: Duration = .seconds(120), batchSize: Int = 100,
            parallelWithinChangeSet: Bool = false, chunkedUploadThreshold: Int = 4 * 1024 * 1024,
            catalog: TableCatalog = .standard, batchLineEnding: String = "\r\n"
        ) {
            self.environmentURL = environmentURL
            self.apiVersion = apiVersion
            self.initialParallelism = initialParallelism
            self.maxParallelism = maxParallelism
            self.retry = retry
            self.requestTimeout = requestTimeout
            self.batchSize = max(1, batchSize)
            self.parallelWithinChangeSet = parallelWithinChangeSet
            self.chunkedUploadThreshold = chunkedUploadThreshold
            self.catalog = catalog
            self.batchLineEnding = batchLineEnding
        }
    }

    public let configuration: Configuration
    public let tokenProvider: any TokenProvider
    public let transport: any HTTPTransport
    let logger: Logger
    let gate: ConcurrencyGate
    let metadata = MetadataCache()
    let definitionsCache = TableDefinitionsCache()
    let bodyCacheHolder = BodyCacheHolder()

    /// `<environment>/api/data/<version>/`.
    public let apiBase: URL

    /// - Throws: `DataverseError` (code `pm:url`) when the URL is neither `https://` nor loopback `http://`.
    public init(
        configuration: Configuration, tokenProvider: any TokenProvider = NoTokenProvider(),
        transport: any HTTPTransport = AsyncHTTPTransport(), logger: Logger = Logger(label: "portal-migrate.webapi")
    ) throws {
        try EnvironmentURL.validate(configuration.environmentURL)
        self.configuration = configuration
        self.tokenProvider = tokenProvider
        self.transport = transport
        self.logger = logger
        self.gate = ConcurrencyGate(initial: configuration.initialParallelism, maximum: configuration.maxParallelism) { [logger] old, new, why in
            logger.info("requests in flight: \(old) → \(new) (\(why))")
        }
        var root = configuration.environmentURL.absoluteString
        while root.hasSuffix("/") { root.removeLast() }
        guard let base = URL(string: root + "/api/data/\(configuration.apiVersion)/") else {
            throw DataverseError(code: "pm:url", message: "cannot form the Web API URL from \(root)")
        }
        self.apiBase = base
    }

    /// Convenience: a client for an environment URL with default settings.
    public convenience init(
        environmentURL: URL, tokenProvider: any TokenProvider = NoTokenProvider(),
        transport: any HTTPTransport = AsyncHTTPTransport()
    ) throws {
        try self.init(configuration: Configuration(environmentURL: environmentURL), tokenProvider: tokenProvider, transport: transport)
    }

    /// An absolute URL under the Web API root: `relative` is a path such as `adx_webpages(…)` with an
    /// already-encoded query.
    func url(_ relative: String) throws -> URL {
        guard let u = URL(string: apiBase.absoluteString + relative) else {
            throw DataverseError(code: "pm:url", message: "cannot form a URL for \(relative)")
        }
        return u
    }

    /// The outcome of `perform`: the final response and how many sends it took.
    struct Sent {
        var response: HTTPResponseMessage
        var attempts: Int
        var request: HTTPRequestMessage
    }

    /// Sends a request with the standard headers, the bearer token, the concurrency bound and the
    /// retry rules. What `retryForm` builds is sent instead of `request` on every retry after a
    /// transient failure (a create re-sent as an upsert); it is called at most once, on the first
    /// retry, so a request that succeeds first time never encodes its retry form (for a `$batch` that
    /// is a second copy of every body in it). `nil`, or a builder returning `nil`, re-sends `request`.
    ///
    /// Returns the final response even when it is an error status (the caller maps it).
    /// - Throws: `DataverseError` code `transport` when no response arrived after every attempt;
    ///   what the token provider throws.
    func perform(
        _ request: HTTPRequestMessage, retryForm: (() -> HTTPRequestMessage?)? = nil,
        logicalName: String? = nil, recordID: UUID? = nil
    ) async throws -> Sent {
        var retryBuilt = false
        /// Switches `current` to the retry form, building it on the first retry only.
        func useRetryForm(_ current: inout HTTPRequestMessage) {
            guard !retryBuilt else { return }
            retryBuilt = true
            if let f = retryForm?() { current = f }
        }
        var attempt = 0
        var refreshed = false
        var forceRefresh = false
        var failures = TransportRetryCounter()
        var current = request
        while true {
            var r = current
            for (n, v) in Self.standardHeaders where r.header(n) == nil { r.setHeader(n, v) }
            if r.method == "GET", r.header("If-None-Match") == nil { r.setHeader("If-None-Match", "null") }
            if let token = try await tokenProvider.token(forceRefresh: forceRefresh) {
                r.setHeader("Authorization", "Bearer \(token)")
            }
            forceRefresh = false
            await gate.acquire()
            let outcome: Result<HTTPResponseMessage, Error>
            do {
                outcome = .success(try await transport.send(r, timeout: configuration.requestTimeout))
            } catch {
                outcome = .failure(error)
            }
            await gate.release()
            attempt += 1
            switch outcome {
            case .success(let response):
                await gate.applyHint(response.header("x-ms-dop-hint"))
                if response.status == 429 { await gate.throttled() } else { await gate.answered() }
                UnreachableEnvironments.shared.clear(configuration.environmentURL)
                logger.debug("\(r.method) \(r.pathAndQuery) -> \(response.status)")
                if response.status == 401, !refreshed {
                    refreshed = true
                    logger.debug("401: refreshing the token once")
                    forceRefresh = true
                    attempt -= 1
                    continue
                }
                if RetryPolicy.retriedStatuses.contains(response.status), attempt < configuration.retry.maxAttempts {
                    let wait =
                        response.status == 429
                        ? configuration.retry.retryAfter(response.header("Retry-After")) ?? configuration.retry.backoff(attempt: attempt - 1)
                        : configuration.retry.backoff(attempt: attempt - 1)
                    logger.debug("HTTP \(response.status): retry \(attempt) after \(wait)")
                    let throttled = response.status == 429 || response.status == 503
                    // A command that shows progress shows the wait there (counting down) instead of a warning line.
                    ProgressSink.emit(
                        .retrying(
                            RetryNotice(
                                status: response.status, throttled: throttled, attempt: attempt,
                                maxRetries: configuration.retry.maxAttempts - 1, waitSeconds: Self.seconds(wait),
                                environment: configuration.environmentURL.absoluteString)))
                    if throttled && !ProgressSink.isListening {
                        logger.warning(
                            "\(configuration.environmentURL.absoluteString) is throttling (HTTP \(response.status)): waiting \(RetryPolicy.seconds(wait)) s before retry \(attempt) of \(configuration.retry.maxAttempts - 1)"
                        )
                    }
                    try await Task.sleep(for: wait)
                    useRetryForm(&current)
                    continue
                }
                return Sent(response: response, attempts: attempt, request: r)
            case .failure(let error):
                if error is CancellationError { throw error }
                if error is AuthenticationError { throw error }
                logger.debug("\(r.method) \(r.pathAndQuery) failed: \(String(describing: error))")
                let failure = TransportFailure(error)
                if let wait = failures.record(failure, attempt: attempt, policy: configuration.retry, environment: configuration.environmentURL) {
                    ProgressSink.emit(
                        .retrying(
                            RetryNotice(
                                status: nil, throttled: false, attempt: attempt,
                                maxRetries: failure.maxRetries(configuration.retry), waitSeconds: Self.seconds(wait),
                                environment: configuration.environmentURL.absoluteString)))
                    try await Task.sleep(for: wait)
                    useRetryForm(&current)
                    continue
                }
                throw DataverseError(
                    code: DataverseError.Code.transport,
                    message: failure.message(url: configuration.environmentURL, attempts: attempt),
                    method: r.method, path: r.pathAndQuery, logicalName: logicalName, recordID: recordID)
            }
        }
    }

    /// A duration in seconds (for `RetryNotice.waitSeconds`).
    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    /// Headers sent on every request (research/dataverse-webapi.md §1.2).
    static let standardHeaders: [(String, String)] = [
        ("Accept", "application/json"),
        ("OData-MaxVersion", "4.0"),
        ("OData-Version", "4.0"),
        ("User-Agent", "portal-migrate/0.1"),
    ]

    /// Sends a GET for JSON and parses it.
    /// - Throws: `DataverseError` for a non-2xx answer or an unreadable body.
    func getJSON(_ relative: String, headers: [(name: String, value: String)] = [], logicalName: String? = nil) async throws -> JSONValue {
        let request = HTTPRequestMessage(method: "GET", url: try url(relative), headers: headers)
        return try await sendJSON(request, logicalName: logicalName)
    }

    /// Sends a request and parses a JSON answer.
    func sendJSON(_ request: HTTPRequestMessage, logicalName: String? = nil, recordID: UUID? = nil) async throws -> JSONValue {
        let sent = try await perform(request, logicalName: logicalName, recordID: recordID)
        guard sent.response.isSuccess else {
            throw WebAPIErrors.error(
                from: sent.response, method: request.method, path: request.pathAndQuery,
                logicalName: logicalName, recordID: recordID)
        }
        do {
            return try JSONValue.parse(sent.response.body)
        } catch {
            throw DataverseError(
                httpStatus: sent.response.status, code: "pm:decode", message: "the response is not JSON: \(error)",
                method: request.method, path: request.pathAndQuery, logicalName: logicalName, recordID: recordID)
        }
    }
}

import Foundation
import HTTPTypes
import Hummingbird
import Logging
import PortalModel
import ServiceLifecycle

/// Serves one environment over the Dataverse Web API at `http://127.0.0.1:PORT/api/data/v9.2/`
/// (issue 4; research/dataverse-webapi.md §12.1), bound to 127.0.0.1 only, with the switches of
/// `ServerOptions` (latency, concurrency limit, request budget, fault injection, required tokens)
/// and a local OAuth token endpoint (`TokenService`).
///
/// Every response carries `x-ms-dop-hint`. One debug line is logged per request: method, path
/// (without query), status and milliseconds; never headers, tokens or secrets.
///
/// ```swift
/// let server = EnvironmentServer(service: environment, options: ServerOptions(port: 0))
/// let running = try await server.start()        // in-process, e.g. in tests
/// print(running.baseURL)                        // http://127.0.0.1:54321/api/data/v9.2/
/// await running.stop()
/// ```
public final class EnvironmentServer: Sendable {
    public let options: ServerOptions
    public let handler: WebAPIHandler
    public let tokens: TokenService
    let protection: ServiceProtection
    let faults: FaultInjector
    /// The cost model's account (`ServerOptions.costModel`), `nil` without one.
    public let costAccount: CostAccount?
    /// The Power Pages admin API under `/powerpages/` on the same port (issue 22).
    public let admin: AdminAPIHandler
    let logger: Logger
    let origin = Locked("http://127.0.0.1")
    let serviceGroup = Locked<ServiceGroup?>(nil)

    /// - Parameters:
    ///   - service: the environment served (a `LocalEnvironment`, or any `DataverseService`).
    ///   - options: port and switches.
    ///   - logger: request lines go to it at debug level.
    public init(
        service: any DataverseService, options: ServerOptions = ServerOptions(),
        logger: Logger = Logger(label: "portal-migrate.server")
    ) {
        var options = options
        if options.costModel != nil, options.maxConcurrency == nil { options.maxConcurrency = 52 }
        self.options = options
        self.logger = logger
        self.handler = WebAPIHandler(service: service, logger: logger)
        self.tokens = TokenService(options: options)
        self.protection = ServiceProtection(options: options)
        self.costAccount = options.costModel.map {
            CostAccount(
                model: $0, dopHint: options.dopHint, latencyMilliseconds: options.latencyMilliseconds,
                executionBudgetMilliseconds: options.executionBudgetMilliseconds, windowSeconds: Double(options.budgetWindowSeconds))
        }
        self.faults = FaultInjector(rate: options.failRate, seed: options.seed)
        self.admin = AdminAPIHandler(service: service, tokens: tokens, options: options.admin, requireToken: options.requireToken, logger: logger)
    }

    /// Runs until cancelled or, when `handleSignals`, until SIGINT or SIGTERM, then shuts down
    /// gracefully (in-flight requests finish). `onStarted` receives the bound port.
    /// - Throws: when the port cannot be bound.
    public func run(handleSignals: Bool, onStarted: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let responder = WebAPIResponder(server: self)
        let app = Application(
            responder: responder,
            configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: options.port), serverName: nil),
            onServerRunning: { [self] channel in
                let port = channel.localAddress?.port ?? options.port
                origin.withLock { $0 = "http://127.0.0.1:\(port)" }
                handler.baseURL = "http://127.0.0.1:\(port)" + WebAPIHandler.apiRoot
                await onStarted(port)
            },
            logger: logger
        )
        let group = ServiceGroup(
            configuration: .init(
                services: [app], gracefulShutdownSignals: handleSignals ? [.sigterm, .sigint] : [],
                logger: logger))
        serviceGroup.withLock { $0 = group }
        try await group.run()
    }

    /// Asks a running server to finish its in-flight requests and stop (what SIGTERM does).
    public func shutDown() async {
        if let g = serviceGroup.current { await g.triggerGracefulShutdown() }
    }

    /// A logger for quiet embedding (tests): warnings and errors only.
    public static func quietLogger() -> Logger {
        var l = Logger(label: "portal-migrate.server")
        l.logLevel = .warning
        return l
    }

    /// Starts the server in a task and returns once it listens.
    /// - Parameter executor: where the server's jobs run (Hummingbird's connection tasks are child tasks
    ///   of the server's and inherit it); `nil`, the default, is the cooperative pool. A test process
    ///   that loads the cooperative threads with its own work gives the server threads of its own
    ///   (TestSupport's `ServerExecutor`), so a child process's requests are answered promptly.
    /// - Throws: when it stops before listening (port in use).
    public func start(executor: (any TaskExecutor)? = nil) async throws -> RunningServer {
        let (stream, continuation) = AsyncStream<Int>.makeStream()
        let task = Task(executorPreference: executor) {
            do {
                try await self.run(handleSignals: false) { port in
                    continuation.yield(port); continuation.finish()
                }
            } catch {
                continuation.finish()
                throw error
            }
        }
        for await port in stream { return RunningServer(port: port, server: self, task: task) }
        try await task.value
        throw ODataError(status: 500, code: "pm:server", message: "The server stopped before it was listening.")
    }

    // MARK: Request pipeline

    /// The answer to one HTTP request, or `nil` when the connection is to be dropped.
    func process(
        method: String, rawPath: String, rawQuery: String?, headers: [String: String],
        body: () async throws -> Data
    ) async -> WebResponse? {
        let path = rawPath.removingPercentEncoding ?? rawPath
        if TokenService.handles(path) {
            let data = (try? await body()) ?? Data()
            return tokens.handle(
                method: method, path: path, query: WebRequest.parseQuery(rawQuery), headers: headers, body: data,
                origin: origin.current)
        }
        if path == CostAccount.endpointPath, let costAccount { return costAccount.endpoint(method: method) }
        if AdminAPIHandler.handles(path) {
            let data = (try? await body()) ?? Data()
            return await admin.handle(
                method: method, path: path, query: WebRequest.parseQuery(rawQuery), headers: headers, body: data,
                origin: origin.current)
        }
        let root = String(WebAPIHandler.apiRoot.dropLast())
        guard path == root || path.hasPrefix(WebAPIHandler.apiRoot) else {
            let segment = path.split(separator: "/").first.map(String.init) ?? path
            return .error(.resourceNotFound(segment))
        }
        defer { protection.leave() }
        let limited = protection.enter()
        if options.latencyMilliseconds > 0 {
            try? await Task.sleep(nanoseconds: UInt64(options.latencyMilliseconds) * 1_000_000)
        }
        if let limited { return .error(limited) }
        switch faults.draw() {
        case .none: break
        case .internalError:
            return .error(ODataError(status: 500, code: "0x80040216", message: "An unexpected error occurred (injected fault)."))
        case .unavailable:
            return .error(
                ODataError(status: 503, code: "0x80040216", message: "The service is temporarily unavailable (injected fault).", retryAfter: 1))
        case .dropConnection:
            return nil
        }
        if options.requireToken, !tokens.isValid(authorization: headers["authorization"]) {
            var r = WebResponse.error(
                ODataError(
                    status: 401, code: "",
                    message: "The user is not authenticated: a valid bearer token is required."))
            r.headers.append(("WWW-Authenticate", "Bearer authorization_uri=\(origin.current)/common/oauth2/authorize"))
            return r
        }
        let data: Data
        do {
            data = try await body()
        } catch {
            return .error(
                ODataError(
                    status: 413, code: "0x0",
                    message: "The request body is larger than the limit of \(options.maxBodyBytes) bytes."))
        }
        let relative = path.count > WebAPIHandler.apiRoot.count ? String(path.dropFirst(WebAPIHandler.apiRoot.count)) : ""
        let request = WebRequest(method: method, path: relative, query: WebRequest.parseQuery(rawQuery), headers: headers, body: data)
        if let costAccount { return await costAccount.serve(request, handler: handler) { await handler.handle(request) } }
        return await handler.handle(request)
    }
}

/// A server started with `EnvironmentServer.start()`: its port and how to stop it.
public final class RunningServer: Sendable {
    public let port: Int
    public let server: EnvironmentServer
    let task: Task<Void, Error>

    init(port: Int, server: EnvironmentServer, task: Task<Void, Error>) {
        self.port = port
        self.server = server
        self.task = task
    }

    /// `http://127.0.0.1:PORT/api/data/v9.2/`.
    public var baseURL: String { "http://127.0.0.1:\(port)" + WebAPIHandler.apiRoot }

    /// `http://127.0.0.1:PORT`, the token endpoint's authority.
    public var origin: String { "http://127.0.0.1:\(port)" }

    /// Stops the server gracefully and waits for it to finish.
    public func stop() async {
        await server.shutDown()
        _ = try? await task.value
    }
}

/// The Hummingbird request context: keeps the connection's source so a fault can drop it.
struct ServerRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// Closes the connection without an answer.
    let dropConnection: @Sendable () -> Void

    init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        let channel = source.channel
        self.dropConnection = { channel.close(promise: nil) }
    }
}

/// Adapts Hummingbird requests to `EnvironmentServer.process` and logs one line per request.
struct WebAPIResponder: HTTPResponder {
    typealias Context = ServerRequestContext
    let server: EnvironmentServer

    func respond(to request: Request, context: ServerRequestContext) async throws -> Response {
        let started = DispatchTime.now().uptimeNanoseconds
        var headers: [String: String] = [:]
        for field in request.headers {
            let name = field.name.canonicalName
            headers[name] = headers[name].map { $0 + ", " + field.value } ?? field.value
        }
        var req = request
        let limit = server.options.maxBodyBytes
        let method = request.method.rawValue
        let path = request.uri.path
        let response = await server.process(method: method, rawPath: path, rawQuery: request.uri.query, headers: headers) {
            let buffer = try await req.collectBody(upTo: limit)
            return Data(buffer: buffer)
        }
        let ms = (DispatchTime.now().uptimeNanoseconds - started) / 1_000_000
        guard let response else {
            server.logger.debug("\(method) \(path) dropped \(ms)ms")
            context.dropConnection()
            throw DroppedConnection()
        }
        server.logger.debug("\(method) \(path) \(response.status) \(ms)ms")
        var fields = HTTPFields()
        for (k, v) in response.headers {
            if let name = HTTPField.Name(k) { fields.append(HTTPField(name: name, value: v)) }
        }
        if let name = HTTPField.Name("x-ms-dop-hint") { fields.append(HTTPField(name: name, value: String(server.options.dopHint))) }
        return Response(
            status: HTTPResponse.Status(code: response.status), headers: fields,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: response.body)))
    }
}

/// Thrown after a connection was closed on purpose by fault injection.
struct DroppedConnection: Error {}

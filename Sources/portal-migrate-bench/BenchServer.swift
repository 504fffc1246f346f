import EnvironmentServer
import Foundation
import LocalEnvironment
import PortalModel

/// An `EnvironmentServer` in the benchmark process serving one embedded environment on 127.0.0.1 with
/// 20 ms latency (a cloud round trip), Dataverse's 52 concurrent requests, the run's `x-ms-dop-hint`
/// and, unless turned off, the cost model (`CostModel`: the server time Dataverse spends per operation,
/// research/dataverse-costs.md §6), reached through a `CountingProxy` that counts its bytes.
final class BenchServer: @unchecked Sendable {
    /// How the benchmark's servers serve: cost model (nil: answer at once) and dop hint.
    struct Settings: Sendable {
        var costModel: CostModel? = CostModel(profile: .typical)
        var dopHint = 4
        /// Milliseconds added to every answer (a cloud round trip).
        var latencyMilliseconds = BenchServer.latencyMilliseconds

        /// One line for the report.
        var description: String {
            "EnvironmentServer on 127.0.0.1, --latency-ms \(latencyMilliseconds) --max-concurrency \(BenchServer.maxConcurrency)"
                + " --dop-hint \(dopHint)"
                + (costModel.map { " --cost-model \($0.profile.rawValue)" + ($0.scale == 1 ? "" : " --cost-scale \($0.scale)") } ?? "")
        }
    }

    let environment: LocalEnvironment
    let running: RunningServer
    let proxy: CountingProxy
    let counter: TrafficCounter

    /// The default latency (`--latency-ms`) and the concurrency limit of every benchmark server.
    static let latencyMilliseconds = 20
    static let maxConcurrency = 52

    /// `http://127.0.0.1:PROXYPORT`: what children are given as the environment URL.
    var url: String { "http://127.0.0.1:\(proxy.port)" }

    /// The cost model's account of this server (nil without a cost model).
    var account: CostAccount? { running.server.costAccount }

    /// Starts serving `environment`; requests and bytes go to `counter`.
    /// - Throws: when the server or the proxy cannot listen.
    static func start(_ environment: LocalEnvironment, counter: TrafficCounter, settings: Settings = Settings()) async throws -> BenchServer {
        var options = ServerOptions(
            port: 0, latencyMilliseconds: settings.latencyMilliseconds, maxConcurrency: maxConcurrency,
            dopHint: settings.dopHint)
        options.costModel = settings.costModel
        let running = try await EnvironmentServer(service: environment, options: options, logger: counter.logger()).start()
        let proxy = try CountingProxy(targetPort: running.port, counter: counter)
        // Links the server writes (@odata.nextLink, OData-EntityId) go through the proxy too.
        running.server.handler.baseURL = "http://127.0.0.1:\(proxy.port)" + WebAPIHandler.apiRoot
        return BenchServer(environment: environment, running: running, proxy: proxy, counter: counter)
    }

    private init(environment: LocalEnvironment, running: RunningServer, proxy: CountingProxy, counter: TrafficCounter) {
        self.environment = environment
        self.running = running
        self.proxy = proxy
        self.counter = counter
    }

    /// Forgets the traffic and the cost account so far (after an untimed setup run).
    func reset() {
        counter.reset()
        account?.reset()
    }

    func stop() async {
        proxy.stop()
        await running.stop()
    }
}

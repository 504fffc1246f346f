import EnvironmentServer
import Foundation
import LocalEnvironment
import PortalModel

/// An `EnvironmentServer` in the benchmark process serving one embedded environment on 127.0.0.1 with
/// `--latency-ms 20 --max-concurrency 52` (a cloud round trip and Dataverse's concurrency limit,
/// research/dataverse-webapi.md §6), reached through a `CountingProxy` that counts its bytes.
final class BenchServer: @unchecked Sendable {
    let environment: LocalEnvironment
    let running: RunningServer
    let proxy: CountingProxy

    /// The latency and concurrency limit of every benchmark server.
    static let latencyMilliseconds = 20
    static let maxConcurrency = 52

    /// `http://127.0.0.1:PROXYPORT`: what children are given as the environment URL.
    var url: String { "http://127.0.0.1:\(proxy.port)" }

    /// Starts serving `environment`; requests and bytes go to `counter`.
    /// - Throws: when the server or the proxy cannot listen.
    static func start(_ environment: LocalEnvironment, counter: TrafficCounter) async throws -> BenchServer {
        let options = ServerOptions(port: 0, latencyMilliseconds: latencyMilliseconds, maxConcurrency: maxConcurrency)
        let running = try await EnvironmentServer(service: environment, options: options, logger: counter.logger()).start()
        let proxy = try CountingProxy(targetPort: running.port, counter: counter)
        // Links the server writes (@odata.nextLink, OData-EntityId) go through the proxy too.
        running.server.handler.baseURL = "http://127.0.0.1:\(proxy.port)" + WebAPIHandler.apiRoot
        return BenchServer(environment: environment, running: running, proxy: proxy)
    }

    private init(environment: LocalEnvironment, running: RunningServer, proxy: CountingProxy) {
        self.environment = environment
        self.running = running
        self.proxy = proxy
    }

    func stop() async {
        proxy.stop()
        await running.stop()
    }
}

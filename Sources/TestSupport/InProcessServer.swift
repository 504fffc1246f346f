import Dispatch
import EnvironmentServer
import Foundation

/// An `EnvironmentServer` serving in the test process on 127.0.0.1, whose request handling runs on
/// threads of its own (`ServerExecutor`), not on the cooperative threads the tests share.
///
/// Why: `swift test` runs every test at once on as many cooperative threads as the machine has cores
/// (2 here). A test that computes for seconds holds one of them; a server whose handlers queue behind
/// such work answers a child `portal-migrate` hundreds of times late. Measured at 3c48a55 (parallel
/// suite, 2 cores): `HTTPMigrationTests.migrateOverHTTP` took 361 s against 9 s alone, and
/// `DataCommandEndToEndTests` 354 s against 18 s. On its own executor the server's jobs (Hummingbird's
/// connection tasks are child tasks of the server's task, so they inherit the preference) are
/// scheduled by the kernel like any thread, so a loaded suite slows it no more than a child process.
///
/// Same members as `EnvironmentServer`'s `RunningServer` (`port`, `baseURL`, `origin`, `server`, `stop()`).
///
/// Example:
/// ```
/// let server = try await ServerSupport.start(env)
/// defer { Task { await server.stop() } }
/// let r = try await CLI.run(["list", "--environment", server.origin], home: home)
/// ```
public final class InProcessServer: Sendable {
    /// The port it listens on (127.0.0.1).
    public let port: Int
    /// The server (for its counters and options).
    public let server: EnvironmentServer
    let task: Task<Void, Error>

    init(port: Int, server: EnvironmentServer, task: Task<Void, Error>) {
        self.port = port
        self.server = server
        self.task = task
    }

    /// `http://127.0.0.1:PORT/api/data/v9.2/`.
    public var baseURL: String { "http://127.0.0.1:\(port)" + WebAPIHandler.apiRoot }

    /// `http://127.0.0.1:PORT`: what `--environment` takes, and the token endpoint's authority.
    public var origin: String { "http://127.0.0.1:\(port)" }

    /// Stops the server gracefully (in-flight requests finish) and waits for it to end.
    public func stop() async {
        await server.shutDown()
        _ = try? await task.value
    }

    /// Runs `server` (`EnvironmentServer.run`) in a task that prefers a new `ServerExecutor`, and
    /// returns once it listens.
    /// - Throws: what `run` throws when it stops before listening (the port cannot be bound).
    static func start(_ server: EnvironmentServer) async throws -> InProcessServer {
        let (stream, continuation) = AsyncStream<Int>.makeStream()
        let task = Task(executorPreference: ServerExecutor()) {
            do {
                try await server.run(handleSignals: false) { port in
                    continuation.yield(port)
                    continuation.finish()
                }
                continuation.finish()
            } catch {
                continuation.finish()
                throw error
            }
        }
        for await port in stream { return InProcessServer(port: port, server: server, task: task) }
        try await task.value
        throw ScenarioError(message: "the in-process server stopped before it listened")
    }
}

/// A task executor running each job on a concurrent dispatch queue of its own: threads the kernel
/// schedules beside the test's, which the cooperative pool's work cannot hold up.
final class ServerExecutor: TaskExecutor, @unchecked Sendable {
    private let queue = DispatchQueue(label: "pm-test-server", attributes: .concurrent)

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }
}

/// Runs a test's own waiting loop on threads of its own (a `ServerExecutor`), for a loop that must react
/// promptly while the suite loads the cooperative threads: a poll that kills a child at a point of its
/// progress. Not for computing: it only moves the loop's jobs off the shared threads.
public enum OwnThreads {
    /// Runs `body` preferring a new `ServerExecutor`; its nonisolated async code and child tasks run there.
    /// - Throws: what `body` throws.
    public static func run<T: Sendable>(_ body: @Sendable () async throws -> T) async rethrows -> T {
        try await withTaskExecutorPreference(ServerExecutor()) { try await body() }
    }
}

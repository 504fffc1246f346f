import Dispatch
import EnvironmentServer
import Foundation

/// Why an in-process server gets threads of its own (`ServerExecutor`, given to
/// `EnvironmentServer.start(executor:)` by `ServerSupport.start`): `swift test` runs every test at
/// once on as many cooperative threads as the machine has cores (2 here). A test that computes for
/// seconds holds one of them; a server whose handlers queue behind such work answers a child
/// `portal-migrate` hundreds of times late. Measured at 3c48a55 (parallel suite, 2 cores):
/// `HTTPMigrationTests.migrateOverHTTP` took 361 s against 9 s alone, and `DataCommandEndToEndTests`
/// 354 s against 18 s. On its own executor the server's jobs are scheduled by the kernel like any
/// thread, so a loaded suite slows it no more than a child process.
///
/// Each job runs on a concurrent dispatch queue of its own: threads the kernel schedules beside the
/// test's, which the cooperative pool's work cannot hold up.
public final class ServerExecutor: TaskExecutor, @unchecked Sendable {
    private let queue = DispatchQueue(label: "pm-test-server", attributes: .concurrent)

    public init() {}

    /// Runs `job` on the queue.
    public func enqueue(_ job: consuming ExecutorJob) {
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

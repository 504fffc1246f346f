import Foundation
import LocalEnvironment
import Migration
import PortalModel
import Testing
import TestSupport

/// `PendingRun.apply` says what a stop after writing began means (issue 19: it was the command's): an
/// environment that stops answering then is exit 1 with "rerun the same command to resume", never the
/// planning-time "nothing was written".
@Suite struct PendingRunStopTests {
    /// The embedded environment, silent (a transport failure) for every read once a write was sent.
    final class SilentAfterWriting: ForwardingService, @unchecked Sendable {
        let forwardedService: any DataverseService
        private let lock = NSLock()
        private var wrote = false

        init(_ base: any DataverseService) { forwardedService = base }

        func execute(_ changeSets: [ChangeSet], options: ExecuteOptions) async throws -> [OperationResult] {
            lock.withLock { wrote = true }
            return try await forwardedService.execute(changeSets, options: options)
        }

        func retrieve(_ query: RecordQuery, pageSize: Int, page: String?) async throws -> RecordPage {
            if lock.withLock({ wrote }) {
                throw DataverseError(code: DataverseError.Code.transport, message: "cannot connect to http://127.0.0.1:9 (connection refused)")
            }
            return try await forwardedService.retrieve(query, pageSize: pageSize, page: page)
        }
    }

    @Test("silent after the first write: stoppedPartway (exit 1) saying to rerun, with the environment's own words")
    func silentAfterWriting() async throws {
        let home = try TestPaths.temporaryDirectory("pm-pending-stop")
        defer { try? FileManager.default.removeItem(at: home) }
        let env = try LocalEnvironmentSupport.make(LocalEnvironmentOptions(name: "test"), label: "pm-pending-stop-env")
        let source = RunSource(snapshot: SyntheticPortal.generate(seed: 7, records: 40, webFileBytes: 100), location: "synthetic")
        var choices = RunChoices()
        choices.dataDirectory = home
        let pending = try await MigrationUseCases.prepare(
            .upload, source: source, target: RunTarget(SilentAfterWriting(env), name: "local:test"), choices: choices)
        #expect(pending.plan.operationCount > 0)
        do {
            _ = try await pending.apply()
            Issue.record("apply returned although the environment went silent")
        } catch let e as MigrationError {
            guard case .stoppedPartway(let message) = e else { Issue.record("\(e)"); return }
            #expect(message.contains("after writing began") && message.contains("rerun the same command to resume"), "\(message)")
            #expect(message.contains("connection refused"), "the environment's words are kept: \(message)")
            #expect(e.exitCode == 1)
        }
    }
}

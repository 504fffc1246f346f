import Foundation
import LocalEnvironment
@testable import Migration
import PortalModel
import Testing
import TestSupport

/// Web file bodies travel as bytes inside one process (issue 19): the applier sends a note's body as an
/// `OperationBody` beside its columns, never as base64 text in `documentbody`; the reader takes the bodies
/// of an in-process environment as bytes (`downloadFile`) instead of asking for `documentbody` text. The
/// read-back still proves every byte.
@Suite("Byte carrier: note bodies as bytes between the engine and an in-process environment")
struct ByteCarrierTests {
    /// An environment in front of a local one that records the queries and operations it is given. With
    /// `inProcess` false it hides the file store, as the Web API client has none.
    final class RecordingService: ForwardingService, @unchecked Sendable {
        let forwardedService: any DataverseService
        let inProcess: Bool
        private let lock = NSLock()
        private var queries: [RecordQuery] = []
        private var operations: [DataverseOperation] = []

        init(_ base: any DataverseService, inProcess: Bool = true) {
            forwardedService = base
            self.inProcess = inProcess
        }

        var fileStore: (any FileStore)? { inProcess ? forwardedService.fileStore : nil }
        var recordedQueries: [RecordQuery] { lock.withLock { queries } }
        var recordedOperations: [DataverseOperation] { lock.withLock { operations } }

        func retrieve(_ query: RecordQuery, pageSize: Int, page: String?) async throws -> RecordPage {
            lock.withLock { queries.append(query) }
            return try await forwardedService.retrieve(query, pageSize: pageSize, page: page)
        }

        func execute(_ changeSets: [ChangeSet], options: ExecuteOptions) async throws -> [OperationResult] {
            lock.withLock { operations += changeSets.flatMap(\.operations) }
            return try await forwardedService.execute(changeSets, options: options)
        }
    }

    static func noteBodies(_ s: PortalSnapshot) throws -> [FileBodyKey: Data] {
        var out: [FileBodyKey: Data] = [:]
        for (k, b) in s.bodies where k.logicalName == "annotation" { out[k] = try b.load() }
        return out
    }

    @Test("an in-process read never asks for documentbody text and gives the same bytes as a read of the text form")
    func readerTakesBytesInProcess() async throws {
        let (source, snapshot) = try await MigrationFixtures.sourceEnvironment(seed: 41, records: 500, webFileBytes: 20_000)
        let website = try #require(snapshot.websiteID)
        let local = RecordingService(source)
        let read = try await SnapshotReader(service: local).read(websiteID: website)
        let noteQueries = local.recordedQueries.filter { $0.table == "annotation" }
        #expect(!noteQueries.isEmpty)
        for q in noteQueries {
            let columns = try #require(q.columns, "an in-process note read selects every column (documentbody as text)")
            #expect(!columns.contains("documentbody"))
        }
        let expected = try Self.noteBodies(snapshot)
        #expect(!expected.isEmpty)
        #expect(try Self.noteBodies(read) == expected)
        // A service without a file store (the Web API) gives the bodies as base64 text: the same bytes.
        let wire = try await SnapshotReader(service: RecordingService(source, inProcess: false)).read(websiteID: website)
        #expect(try Self.noteBodies(wire) == expected)
        #expect(wire.records["annotation"]?.count == read.records["annotation"]?.count)
        #expect(read.records["annotation"]?.allSatisfy { $0["documentbody"] == nil } ?? false)
    }

    @Test("the applier sends each note's body as bytes beside its columns, never as documentbody text; read-back passes")
    func applierSendsBytes() async throws {
        let snapshot = SyntheticPortal.generate(seed: 43, records: 500, webFileBytes: 20_000)
        let env = try LocalEnvironmentSupport.make(LocalEnvironmentOptions(name: "carrier"), label: "pm-carrier")
        let target = RecordingService(env)
        let report = try await MigrationEngine().migrate(
            source: .snapshot(snapshot, organization: nil), target: target, options: try MigrationFixtures.options(env: env))
        #expect(report.failures.isEmpty)
        #expect(report.verification?.passed == true)
        let expected = try Self.noteBodies(snapshot)
        var sent: [UUID: Data] = [:]
        for op in target.recordedOperations {
            switch op {
            case .create(let r, let body), .update(let r, let body):
                #expect(r["documentbody"] == nil, "\(r.logicalName) \(r.id) carries documentbody as a column")
                if let body {
                    #expect(body.column == "documentbody")
                    sent[r.id] = try body.body.load()
                }
            default: break
            }
        }
        #expect(sent.count == expected.count)
        for (key, data) in expected { #expect(sent[key.id] == data, "\(key)") }
        for (key, data) in expected { #expect(try await env.downloadFile(key) == data) }
    }

    @Test("a body whose spool file is gone fails that note only (named, documentbody), the others are written")
    func unreadableBodyFailsOneNote() async throws {
        var snapshot = SyntheticPortal.generate(seed: 47, records: 500, webFileBytes: 5_000)
        let keys = snapshot.bodies.keys.filter { $0.logicalName == "annotation" }.sorted()
        let lost = try #require(keys.first)
        snapshot.bodies[lost] = .file(FileManager.default.temporaryDirectory.appendingPathComponent("pm-h4-lost-\(UUID().uuidString)"))
        let env = try LocalEnvironmentSupport.make(LocalEnvironmentOptions(name: "carrier-lost"), label: "pm-carrier")
        let report = try await MigrationEngine().migrate(
            source: .snapshot(snapshot, organization: nil), target: env, options: try MigrationFixtures.options(env: env))
        let failure = try #require(report.failures.first { $0.id == lost.id })
        #expect(failure.column == "documentbody")
        #expect(failure.message.contains("cannot read the file body"))
        #expect(report.failures.filter { $0.table == "annotation" }.count == 1)
        for key in keys.dropFirst() { #expect(try await env.downloadFile(key) == snapshot.bodies[key]?.load()) }
    }

    @Test("after a migrate, one byte changed in the target's body is a file-body difference; restored, none")
    func oneByteIsCaught() async throws {
        let snapshot = SyntheticPortal.generate(seed: 53, records: 500, webFileBytes: 3_000)
        let env = try LocalEnvironmentSupport.make(LocalEnvironmentOptions(name: "carrier-byte"), label: "pm-carrier")
        let engine = MigrationEngine()
        let report = try await engine.migrate(
            source: .snapshot(snapshot, organization: nil), target: env, options: try MigrationFixtures.options(env: env))
        #expect(report.verification?.passed == true)
        let key = try #require(snapshot.bodies.keys.filter { $0.logicalName == "annotation" }.min())
        let original = try #require(try await env.downloadFile(key))
        var changed = original
        changed[changed.count / 2] ^= 0x01
        let note = EntityRecord("annotation", id: key.id)
        #expect(try await env.execute([.update(note, body: .documentBody(.data(changed)))]).first?.isSuccess == true)
        let data = try TestPaths.temporaryDirectory("pm-h4-verify")
        let differs = try await engine.verify(
            source: .snapshot(snapshot, organization: nil), target: env, targetWebsiteID: nil, dataDirectory: data)
        #expect(differs.items.contains { $0.kind == .fileBody && $0.id == key.id })
        #expect(try await env.execute([.update(note, body: .documentBody(.data(original)))]).first?.isSuccess == true)
        let same = try await engine.verify(source: .snapshot(snapshot, organization: nil), target: env, targetWebsiteID: nil, dataDirectory: data)
        #expect(!same.items.contains { $0.kind == .fileBody })
    }
}

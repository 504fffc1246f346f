import Foundation
import Testing
import LocalEnvironment
import PortalModel
import TestSupport
@testable import Migration

/// The blocked-list guard follows the organization, not the name the target was given: a run that
/// unblocked an extension and died, resumed under another name for the same environment (its URL
/// instead of `local:NAME`, a served environment's new port), restores the list (it stayed unblocked).
struct BlockedGuardNameTests {
    @Test func aResumeUnderAnotherNameRestoresTheList() async throws {
        let env = try LocalEnvironmentSupport.make(LocalEnvironmentOptions(name: "t"), label: "pm-guard-name")
        let data = try TestPaths.temporaryDirectory("pm-guard-name-data")
        let before = try await env.organizationInfo().blockedAttachments
        #expect(before.contains("js"), "\(before)")
        let first = BlockedAttachmentsGuard(target: env, writer: LocalBlockedWriter(env: env), targetKey: "local:t", dataDirectory: data)
        _ = try await first.unblock(["js"])
        #expect(try await !env.organizationInfo().blockedAttachments.contains("js"))

        // The process dies; the next run names the environment by the URL it is served at.
        let resumed = BlockedAttachmentsGuard(
            target: env, writer: LocalBlockedWriter(env: env), targetKey: "http://127.0.0.1:40001", dataDirectory: data)
        let restored = try await resumed.restorePending()
        #expect(restored == before)
        #expect(try await env.organizationInfo().blockedAttachments == before)
        #expect(try await resumed.restorePending() == nil, "the guard file was left behind")
        #expect(try await first.restorePending() == nil)
    }

    /// A guard file an earlier version saved under the target's name is still restored.
    @Test func aGuardFileUnderTheNameIsStillRestored() async throws {
        let env = try LocalEnvironmentSupport.make(LocalEnvironmentOptions(name: "t"), label: "pm-guard-legacy")
        let data = try TestPaths.temporaryDirectory("pm-guard-legacy-data")
        let before = try await env.organizationInfo().blockedAttachments
        try await env.updateOrganization(blockedAttachments: before.filter { $0 != "js" })
        let byName = BlockedAttachmentsGuard(target: env, writer: LocalBlockedWriter(env: env), targetKey: "local:t", dataDirectory: data)
        try FileManager.default.createDirectory(at: byName.guardURL.deletingLastPathComponent(), withIntermediateDirectories: true)
        let saved = JSONValue.object([("original", .array(before.map { .string($0) })), ("removed", .array([.string("js")]))])
        try Data(saved.serialized.utf8).write(to: byName.guardURL)
        #expect(try await byName.restorePending() == before)
        #expect(try await env.organizationInfo().blockedAttachments == before)
        #expect(!FileManager.default.fileExists(atPath: byName.guardURL.path))
    }
}

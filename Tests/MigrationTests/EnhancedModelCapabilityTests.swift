import Foundation
import LocalEnvironment
@testable import Migration
import PortalModel
import Synchronization
import TestSupport
import Testing

/// The enhanced-model view forwards every capability of the environment underneath (issue 19): a
/// wrapper that dropped one would make the engine and the server treat the environment as if it could
/// not do it (no sending advice, no file names, no site hosts) — the bug class downcasts caused.
@Suite struct EnhancedModelCapabilityTests {
    /// An embedded environment that also advises how much to send: a base with every capability
    /// a service can have except being an enhanced-model view itself.
    final class FullyCapableEnvironment: ForwardingService, SendingAdvice, FileStore, OrganizationSettingsEditor, SiteHosting {
        let env: LocalEnvironment
        let notes = Mutex<[String]>([])
        init(_ env: LocalEnvironment) { self.env = env }
        var forwardedService: any DataverseService { env }

        func recommendedParallelism() async -> Int? { 3 }
        func noteSendingChoice(_ line: String) { notes.withLock { $0.append(line) } }
        func storedFile(_ key: FileBodyKey) async throws -> StoredFileBody? { try await env.storedFile(key) }
        func setBlockedAttachments(_ extensions: [String]) async throws { try await env.setBlockedAttachments(extensions) }
        func siteHosts() async throws -> [SiteHost] { try await env.siteHosts() }
        func createSiteHost(
            template: String, hostTemplate: String, name: String, subdomain: String, dataModel: DataModel, hostID: UUID
        ) async throws -> SiteHost {
            try await env.createSiteHost(
                template: template, hostTemplate: hostTemplate, name: name, subdomain: subdomain, dataModel: dataModel, hostID: hostID)
        }
        func bindSiteHost(existingWebsite: UUID, hostTemplate: String, name: String, subdomain: String, hostID: UUID) async throws -> SiteHost {
            try await env.bindSiteHost(existingWebsite: existingWebsite, hostTemplate: hostTemplate, name: name, subdomain: subdomain, hostID: hostID)
        }
        func deleteSiteHost(_ hostID: UUID) async throws -> Bool { try await env.deleteSiteHost(hostID) }
        var versionNumberOnEveryTable: Bool { true }
        var environmentURL: URL? { URL(string: "http://127.0.0.1:1") }
    }

    @Test func viewForwardsEveryCapabilityOfItsBase() async throws {
        let env = try LocalEnvironmentSupport.make(label: "pm-capabilities")
        let base = FullyCapableEnvironment(env)
        // The base has every capability but the view's own: a capability added to `ServiceCapability`
        // fails here until the base has it, and then below until the view forwards it.
        #expect(base.capabilities == Set(ServiceCapability.allCases).subtracting([.enhancedModelView]))
        let view = EnhancedModelService(base: base)
        #expect(view.capabilities == Set(ServiceCapability.allCases))

        #expect((view.enhancedModelView?.base as? FullyCapableEnvironment) === base)
        #expect(await view.sendingAdvice?.recommendedParallelism() == 3)
        view.sendingAdvice?.noteSendingChoice("sending 4 operations")
        #expect(base.notes.withLock { $0 } == ["sending 4 operations"])
        #expect((view.siteHosting as? FullyCapableEnvironment) === base)
        try await view.organizationSettingsEditor?.setBlockedAttachments(["zip", "exe"])
        #expect(try await env.organizationInfo().blockedAttachments == ["zip", "exe"])
        #expect(view.versionNumberOnEveryTable)
        #expect(view.environmentURL?.absoluteString == "http://127.0.0.1:1")
        try env.close()
    }

    /// A capability the base lacks is not invented by the view (it used to advise on sending over an
    /// embedded environment, which has no advice, because it conformed to `SendingAdvice` itself).
    @Test func viewHasOnlyWhatItsBaseHas() async throws {
        let env = try LocalEnvironmentSupport.make(label: "pm-capabilities")
        #expect(env.capabilities == [.fileStore, .organizationSettingsEditor, .siteHosting, .versionNumberOnEveryTable])
        let view = EnhancedModelService(base: env)
        #expect(view.capabilities == env.capabilities.union([.enhancedModelView]))
        #expect(view.sendingAdvice == nil)
        #expect(view.environmentURL == nil)
        #expect(view.enhancedModelView?.freshView(acceptingColumnsOf: nil, siteScope: nil).capabilities == view.capabilities)
        try env.close()
    }

    /// The view's file store answers a web file note (as the view shows it) with the name and bytes the
    /// environment stores for the web file component's `filecontent`.
    @Test func viewFileStoreAnswersWebFileNotesWithTheStoredName() async throws {
        let env = try LocalEnvironmentSupport.make(label: "pm-capabilities")
        let site = UUID(), file = UUID()
        let bytes = Data("body { color: teal; }".utf8)
        let results = try await env.execute([
            .create(EntityRecord("powerpagesite", id: site, columns: ["name": .string("Files"), "content": .string("{}")])),
            .create(
                EntityRecord(
                    "powerpagecomponent", id: file,
                    columns: [
                        "name": .string("theme.css"), "powerpagecomponenttype": .choice(PowerPageComponentType.webFile.rawValue),
                        "content": .string("{}"), "powerpagesiteid": .lookup(EntityReference("powerpagesite", site)),
                    ])),
            .uploadFile(FileBodyKey("powerpagecomponent", file, "filecontent"), fileName: "Theme 1.css", body: .data(bytes)),
        ])
        #expect(results.allSatisfy { $0.error == nil })
        let view = EnhancedModelService(base: env)
        let note = FileBodyKey("annotation", EnhancedModelService.webFileNoteID(forWebFile: file), "documentbody")
        let stored = try #require(try await view.fileStore?.storedFile(note))
        #expect(stored.fileName == "Theme 1.css")
        #expect(stored.data == bytes)
        #expect(try await view.downloadFile(note) == bytes)
        try env.close()
    }
}

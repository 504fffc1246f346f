import Foundation
import LocalEnvironment
import PortalModel
import Testing
import TestSupport
@testable import EnvironmentServer

/// `--unblock-extensions` over the Web API: a `PATCH organizations(id)` that changes `blockedattachments`
/// must change the list the note write path enforces (it used to change only the organization row, so
/// notes were still checked against the old list and refused with 0x80043e09).
@Suite(.serialized) struct UnblockOverHTTPTests {
    static func note(_ name: String) -> JSONValue {
        .object([
            ("subject", .string(name)), ("filename", .string(name)), ("mimetype", .string("image/svg+xml")),
            ("documentbody", .string(Data("<svg/>".utf8).base64EncodedString())),
        ])
    }

    @Test func patchingTheOrganizationChangesWhatNotesMayCarry() async throws {
        let dir = try TestPaths.temporaryDirectory("pm-unblock")
        defer { try? FileManager.default.removeItem(at: dir) }
        let env = try LocalEnvironment.create(at: dir.appendingPathComponent("env.sqlite"), options: LocalEnvironmentOptions(name: "unblock"))
        let server = try await ServerSupport.start(env)
        do { try await check(env, server) } catch { await server.stop(); throw error }
        await server.stop()
    }

    private func check(_ env: LocalEnvironment, _ server: RunningServer) async throws {
        let org = try await env.organizationInfo()
        #expect(org.blockedAttachments.contains("svg"))

        let refused = try await HTTP.json("POST", server.baseURL + "annotations", Self.note("a.svg"))
        #expect(refused.errorCode == "0x80043e09", "\(refused.text)")

        let unblocked = org.blockedAttachments.filter { $0 != "svg" }.joined(separator: ";")
        let patch = try await HTTP.json(
            "PATCH", server.baseURL + "organizations(\(org.organizationID.dataverseString))",
            .object([("blockedattachments", .string(unblocked))]))
        #expect(patch.status == 204, "\(patch.text)")
        let accepted = try await HTTP.json("POST", server.baseURL + "annotations", Self.note("b.svg"))
        #expect(accepted.status == 204, "\(accepted.text)")
        #expect(try await env.organizationInfo().blockedAttachments.contains("svg") == false)

        // Blocked again: refused again; other settings written the same way take effect too.
        let restore = try await HTTP.json(
            "PATCH", server.baseURL + "organizations(\(org.organizationID.dataverseString))",
            .object([
                ("blockedattachments", .string(org.blockedAttachments.joined(separator: ";"))),
                ("maxuploadfilesize", .number("10")),
            ]))
        #expect(restore.status == 204, "\(restore.text)")
        let again = try await HTTP.json("POST", server.baseURL + "annotations", Self.note("c.svg"))
        #expect(again.errorCode == "0x80043e09", "\(again.text)")
        let info = try await env.organizationInfo()
        #expect(info.blockedAttachments == org.blockedAttachments)
        #expect(info.maxUploadFileSize == 10)
    }

    /// The trial's repro with the built binary: corpus/pac/book-multilang-2023 (its .svg web files) uploaded
    /// over HTTP with `--unblock-extensions svg`; every note is written and the list is restored after.
    @Test func uploadWithUnblockExtensionsOverHTTP() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: TestPaths.portalMigrateBinary.path), "build portal-migrate first")
        let home = try TestPaths.temporaryDirectory("pm-unblock-e2e")
        defer { try? FileManager.default.removeItem(at: home) }
        let folder = home.appendingPathComponent("book-multilang-2023")
        try FileManager.default.copyItem(at: TestPaths.pacFolder("book-multilang-2023"), to: folder)
        let env = try LocalEnvironment.create(at: home.appendingPathComponent("target.sqlite"), options: LocalEnvironmentOptions(name: "target"))
        let before = try await env.organizationInfo()
        let server = try await ServerSupport.start(env)
        let run = try await CLI.run(
            [
                "upload", "--path", folder.path, "--environment", server.origin,
                "--unblock-extensions", "svg", "--yes",
            ], home: home, currentDirectory: home)
        await server.stop()
        #expect(run.exitCode == 0, "\(run.stdout.suffix(1500)) \(run.stderr.suffix(1500))")
        let notes = try await env.retrieveAll(RecordQuery("annotation", columns: ["filename"]))
        let svg = notes.filter { ($0.string("filename") ?? "").lowercased().hasSuffix(".svg") }
        #expect(!svg.isEmpty, "the folder's .svg web files have their notes")
        #expect(try await env.organizationInfo().blockedAttachments == before.blockedAttachments, "the list is restored")
    }
}

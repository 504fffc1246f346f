import Foundation
import Testing
import TestSupport

/// Issue 24, items 2 and 3, with the built binary against embedded environments: every failure ends
/// with what to do next, and a run with `--missing-lookups drop` verifies.
@Suite(.serialized) struct NextStepMessagesTests {
    /// The comet folder's one entity permission points to a parent permission the folder lacks.
    static let comet = TestPaths.pacFolder("comet-selfservice-2023")

    static func lastLines(_ text: String, _ n: Int) -> String {
        text.split(separator: "\n").suffix(n).joined(separator: "\n")
    }

    @Test func aFailedMissingLookupCheckEndsWithTheFlagsThatGetPastIt() async throws {
        let home = try TestPaths.temporaryDirectory("pm-next-lookup")
        defer { try? FileManager.default.removeItem(at: home) }
        #expect(try await CLI.run(["env", "create", "t"], home: home).status == 0)
        let upload = try await CLI.run(["upload", "--path", Self.comet.path, "--environment", "local:t", "--yes"], home: home)
        #expect(upload.status == 2, "\(upload.err)")
        let tail = Self.lastLines(upload.err, 2)
        #expect(tail.contains("--missing-lookups drop") && tail.contains("--force"), "\(upload.err)")
        let plan = try await CLI.run(["plan", "--path", Self.comet.path, "--to", "local:t"], home: home)
        #expect(plan.status == 2, "\(plan.err)")
        #expect(Self.lastLines(plan.out, 2).contains("--missing-lookups drop"), "\(plan.out)")
    }

    @Test func uploadWithDroppedLookupsThenPlanAndVerifyPass() async throws {
        let home = try TestPaths.temporaryDirectory("pm-next-drop")
        defer { try? FileManager.default.removeItem(at: home) }
        #expect(try await CLI.run(["env", "create", "t"], home: home).status == 0)
        let upload = try await CLI.run(
            ["upload", "--path", Self.comet.path, "--environment", "local:t", "--missing-lookups", "drop", "--yes"],
            home: home)
        #expect(upload.status == 0, "\(upload.err)")
        for extra in [[], ["--missing-lookups", "drop"]] {
            let verify = try await CLI.run(["verify", "--path", Self.comet.path, "--to", "local:t"] + extra, home: home)
            #expect(verify.status == 0, "\(extra): \(verify.out) \(verify.err)")
            #expect(verify.out.contains("Identical"), "\(verify.out)")
        }
        let plan = try await CLI.run(["plan", "--path", Self.comet.path, "--to", "local:t", "--missing-lookups", "drop"], home: home)
        #expect(plan.status == 0, "\(plan.out) \(plan.err)")
    }

    @Test func recordsOnlyInTheTargetPointToPrune() async throws {
        let home = try TestPaths.temporaryDirectory("pm-next-prune")
        defer { try? FileManager.default.removeItem(at: home) }
        let folder = home.appendingPathComponent("site")
        try FileManager.default.copyItem(at: Self.comet, to: folder)
        #expect(try await CLI.run(["env", "create", "t"], home: home).status == 0)
        let upload = try await CLI.run(
            ["upload", "--path", folder.path, "--environment", "local:t", "--missing-lookups", "drop", "--yes"],
            home: home)
        #expect(upload.status == 0, "\(upload.err)")
        // The folder loses a content snippet the target keeps.
        try FileManager.default.removeItem(at: folder.appendingPathComponent("content-snippets/about-footer"))
        let verify = try await CLI.run(["verify", "--path", folder.path, "--to", "local:t"], home: home)
        #expect(verify.status == 1, "\(verify.out) \(verify.err)")
        #expect(verify.out.contains("only in the target"), "\(verify.out)")
        #expect(Self.lastLines(verify.out, 1).contains("--prune"), "\(verify.out)")
    }

    @Test func aDownloadRootNamesTheSiteSubfolder() async throws {
        let home = try TestPaths.temporaryDirectory("pm-next-root")
        defer { try? FileManager.default.removeItem(at: home) }
        let root = home.appendingPathComponent("site")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Self.comet, to: root.appendingPathComponent("customer-self-service"))
        #expect(try await CLI.run(["env", "create", "t"], home: home).status == 0)
        let upload = try await CLI.run(["upload", "--path", "./site", "--environment", "local:t", "--yes"], home: home, currentDirectory: home)
        #expect(upload.status != 0)
        // The path as the command resolved it, ending in the subfolder that holds website.yml.
        #expect(upload.err.contains("(did you mean --path ") && upload.err.contains("site/customer-self-service?)"), "\(upload.err)")
    }

    @Test func aRefusedConnectionIsSaidInPlainWords() async throws {
        let home = try TestPaths.temporaryDirectory("pm-next-transport")
        defer { try? FileManager.default.removeItem(at: home) }
        let r = try await CLI.run(["list", "--environment", "http://127.0.0.1:1"], home: home)
        #expect(r.status == 1, "\(r.err)")
        #expect(r.err.contains("cannot connect to http://127.0.0.1:1: connection refused"), "\(r.err)")
        #expect(r.err.contains("run the command again") || r.err.contains("Run the command again"), "\(r.err)")
        for fragment in ["pm:transport", "errno", "))", "NIOConnectionError"] {
            #expect(!r.err.contains(fragment), "\(fragment): \(r.err)")
        }
    }

    @Test func ctrlCDuringAnUploadSaysToRerunAndExits130() async throws {
        let home = try TestPaths.temporaryDirectory("pm-next-sigint")
        defer { try? FileManager.default.removeItem(at: home) }
        #expect(try await CLI.run(["env", "create", "t"], home: home).status == 0)
        // A served environment that answers slowly, so that the upload is still running when interrupted.
        let server = try await ServerSupport.startBinary(
            ["env", "serve", "t", "--port", "0", "--latency-ms", "100"],
            home: home)
        defer { Task { _ = await server.terminate() } }
        let upload = try CLI.start(
            ["upload", "--path", Self.comet.path, "--environment", server.origin, "--missing-lookups", "drop", "--yes"],
            home: home)
        try await Task.sleep(for: .seconds(3))
        #expect(!upload.hasExited, "the upload ended before it could be interrupted")
        let status = await upload.terminate(signal: SIGINT)
        let err = upload.errorOutput
        #expect(upload.process.terminationReason == .exit && status == 130, "\(status) \(err)")
        #expect(err.contains("interrupted; rerun the same command to resume"), "\(err)")
        // The rerun resumes and completes.
        let again = try await CLI.run(
            ["upload", "--path", Self.comet.path, "--environment", server.origin, "--missing-lookups", "drop", "--yes"],
            home: home)
        #expect(again.status == 0, "\(again.err)")
    }
}

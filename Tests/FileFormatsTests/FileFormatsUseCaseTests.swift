import ConfigurationMigration
import FileFormats
import Foundation
import LocalEnvironment
import Migration
import PortalFolder
import PortalModel
import Testing
import TestSupport

/// The rules that left the command layer for FileFormats (issue 19): a CMT schema file as a verify
/// scope, check of a file source, the pac folder download and the CMT package export, each run
/// in-process.
@Suite struct FileFormatsUseCaseTests {
    @Test("--schemaFile scopes verify and diff to the tables, fields and N:N relationships the schema names")
    func schemaScope() throws {
        let url = TestPaths.cmt("schemas/microsoft/Custom_Portal.xml")
        let scope = try VerifyScope.schemaFile(url)
        let schema = try CMTSchema(contentsOf: url)
        #expect(scope.label == "the schema Custom_Portal.xml")
        #expect(Set((scope.columnsByTable ?? [:]).keys) == Set(schema.entities.map(\.name)))
        let page = try #require(schema.entity("adx_webpage"))
        #expect(scope.columnsByTable?["adx_webpage"] == Set(page.fields.map(\.name)))
        let nn = schema.entities.flatMap(\.relationships).filter(\.manyToMany).map(\.name)
        #expect(!nn.isEmpty && scope.relationships == Set(nn))
        #expect(scope.includes(table: "adx_webpage") && !scope.includes(table: "adx_websitebinding"))

        let missing = url.deletingLastPathComponent().appendingPathComponent("no-such-schema.xml")
        #expect(throws: CMTError.self) { try VerifyScope.schemaFile(missing) }
    }

    @Test("check of a folder that cannot be read answers with every problem of it (file named), not an error")
    func checkUnreadableFolder() throws {
        let dir = try TestPaths.temporaryDirectory("pm-ff-check")
        defer { try? FileManager.default.removeItem(at: dir) }
        let root = dir.appendingPathComponent("site")
        try FileManager.default.copyItem(at: TestPaths.pacFolder("ejada-starter-2022"), to: root)
        let roles = root.appendingPathComponent("webrole.yml")
        let text = try String(contentsOf: roles, encoding: .utf8)
        try #require(text.contains("  adx_name: Administrators\n"))
        try text.replacingOccurrences(of: "  adx_name: Administrators\n", with: "  adx_name: [Administrators\n")
            .write(to: roles, atomically: true, encoding: .utf8)

        let file = try #require(SourceFactory.fileSource(data: nil, path: root.path))
        let findings = try SourceFactory.check(file, model: nil)
        #expect(findings.contains { $0.severity == .error && ($0.file ?? "").hasSuffix("webrole.yml") }, "\(findings)")
        #expect(DiagnosticExit.code(findings) == DiagnosticExit.failed)

        let intact = try #require(SourceFactory.fileSource(data: nil, path: TestPaths.pacFolder("ejada-starter-2022").path))
        let clean = try SourceFactory.check(intact, model: nil)
        #expect(!clean.contains { ($0.file ?? "").hasSuffix("webrole.yml") })
    }

    @Test("download: --path a file is a usage refusal; a filled site folder is refused without --overwrite; a filtered download writes the folder")
    func folderDownload() async throws {
        let env = try LocalEnvironmentSupport.make(LocalEnvironmentOptions(name: "dev"), label: "pm-ff-dl-env")
        let site = try await env.provision(template: "starter")
        let parent = try TestPaths.temporaryDirectory("pm-ff-dl")
        defer { try? FileManager.default.removeItem(at: parent) }

        let file = parent.appendingPathComponent("a-file")
        try Data("x".utf8).write(to: file)
        #expect(FolderDownload(websiteID: site.websiteId, into: file).pathRefusal?.isUsage == true)

        var download = FolderDownload(websiteID: site.websiteId, into: parent)
        download.includeTables = ["adx_webpage"]
        download.environmentName = "local:dev"
        #expect(download.pathRefusal == nil)
        guard case .ready(let pending) = try await download.read(from: env) else { Issue.record("refused"); return }
        #expect(Set(pending.snapshot.tableNames).isSubset(of: ["adx_website", "adx_webpage"]), "\(pending.snapshot.tableNames)")
        #expect(pending.tableCounts.map(\.records).reduce(0, +) == pending.snapshot.recordCount)
        #expect(pending.exposure.exposed.isEmpty)
        let (folder, summary) = try pending.write()
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("website.yml").path))
        #expect(!summary.written.isEmpty)
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent(".portalconfig/local-dev-manifest.yml").path))

        guard case .refused(let refusal) = try await download.read(from: env) else { Issue.record("not refused"); return }
        #expect(!refusal.isUsage && refusal.message.contains(folder.path))
        download.overwrite = true
        guard case .ready = try await download.read(from: env) else { Issue.record("refused with --overwrite"); return }
    }

    /// Opening the environment when the export must not get that far.
    static func noEnvironment() throws -> any DataverseService {
        Issue.record("the environment was opened")
        throw CancellationError()
    }

    @Test("data export: a destination in the way is refused before the schema is read or the environment opened; else the zip and the coverage")
    func packageExport() async throws {
        let dir = try TestPaths.temporaryDirectory("pm-ff-export")
        defer { try? FileManager.default.removeItem(at: dir) }
        let schema = TestPaths.cmt("schemas/microsoft/Custom_Portal.xml")
        await #expect(throws: CMTError.self) {
            _ = try await PackageExport.run(schemaFile: schema, dataFile: dir, overwrite: false, from: try Self.noEnvironment())
        }
        let missingSchema = dir.appendingPathComponent("none.xml")
        await #expect(throws: CMTError.self) {
            _ = try await PackageExport.run(
                schemaFile: missingSchema, dataFile: dir.appendingPathComponent("d.zip"), overwrite: false, from: try Self.noEnvironment())
        }

        let env = try LocalEnvironmentSupport.make(LocalEnvironmentOptions(name: "dev"), label: "pm-ff-export-env")
        let site = try await env.provision(template: "starter")
        let out = dir.appendingPathComponent("data.zip")
        let export = try await PackageExport.run(schemaFile: schema, dataFile: out, overwrite: false, from: env)
        #expect(FileManager.default.fileExists(atPath: out.path))
        #expect(export.package.snapshot.record("adx_website", site.websiteId) != nil)
        #expect(export.coverage.count == 1, "one website in the package")
        let back = try CMTPackage(contentsOf: out)
        #expect(back.snapshot.recordCount == export.package.snapshot.recordCount)
    }
}

import CodeSite
import ConfigurationMigration
import FileFormats
import Foundation
import Migration
import PortalFolder
import PortalModel
import Testing
import TestSupport

/// The source factory (issue 19): every file format a command reads is one line of
/// `SourceFactory.formats`, and each resolves the option and path a user gives to its format's reader.
@Suite struct SourceFactoryTests {
    @Test("the factory knows three file formats, in the order they are tried")
    func formats() {
        #expect(SourceFactory.formats.map(\.name) == ["cmt-package", "code-site", "pac-folder"])
        #expect(SourceFactory.formats.map(\.option) == [.data, .path, .path])
        #expect(SourceFactory.formats.map(\.isFolder) == [false, true, true])
    }

    @Test("each format resolves a path given with its option to its reader, and the reader reads it")
    func resolves() throws {
        let package = TestPaths.cmt("packages/css-portal-2020").path
        let folder = TestPaths.pacFolder("ejada-starter-2022").path
        let project = TestPaths.corpus.appendingPathComponent("code-sites/car-sales-react-2026").path
        let cases: [(data: String?, path: String?, format: String, reader: any PortalSource.Type)] = [
            (package, nil, "cmt-package", CMTPackageSource.self),
            (nil, project, "code-site", CodeSiteSource.self),
            (nil, project + "/.powerpages-site", "code-site", CodeSiteSource.self),
            (nil, folder, "pac-folder", PacFolderSource.self),
        ]
        for c in cases {
            let file = try #require(SourceFactory.fileSource(data: c.data, path: c.path), "\(c)")
            #expect(file.format.name == c.format, "\(c.data ?? c.path ?? "")")
            #expect(type(of: file.source) == c.reader, "\(c.data ?? c.path ?? "")")
            let read = try RunSource.read(file.source)
            #expect((read.snapshot?.recordCount ?? 0) > 0, "\(c.format) reads records")
        }
        #expect(SourceFactory.fileSource(data: nil, path: nil) == nil, "no file option: the source is an environment")
    }

    @Test("check reads a package and a folder through the factory: a package carries its schema's tables, a folder every table")
    func checkInputs() throws {
        let package = try #require(SourceFactory.fileSource(data: TestPaths.cmt("packages/css-portal-2020").path, path: nil))
        let read = try RunSource.read(package.source)
        let input = MigrationUseCases.checkInput(read, isFolder: package.format.isFolder)
        #expect(input.tablesCarried == Set(read.meaning.declaredColumns.keys))
        #expect(input.tablesCarried?.contains("adx_webpage") == true)
        #expect(!input.isFolder)
        let narrowed = MigrationUseCases.checkInput(read, isFolder: false, tablesOnly: ["adx_webpage", "not_a_table"])
        #expect(narrowed.tablesCarried == ["adx_webpage"])

        let folder = try #require(SourceFactory.fileSource(data: nil, path: TestPaths.pacFolder("ejada-starter-2022").path))
        let folderInput = MigrationUseCases.checkInput(try RunSource.read(folder.source), isFolder: folder.format.isFolder)
        #expect(folderInput.tablesCarried == nil)
        #expect(folderInput.isFolder)
    }
}

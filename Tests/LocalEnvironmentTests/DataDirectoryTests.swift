import Foundation
import Testing
import PortalModel
import LocalEnvironment
import TestSupport

@Suite struct DataDirectoryTests {
    @Test func resolutionOrder() throws {
        let explicit = DataDirectory.current(environment: ["PORTAL_MIGRATE_HOME": "/data/pm", "XDG_DATA_HOME": "/xdg", "HOME": "/home/u"])
        #expect(explicit.root.path == "/data/pm")
        let xdg = DataDirectory.current(environment: ["XDG_DATA_HOME": "/xdg", "HOME": "/home/u"])
        #expect(xdg.root.path == "/xdg/portal-migrate")
        let home = DataDirectory.current(environment: ["HOME": "/home/u", "PORTAL_MIGRATE_HOME": ""])
        #expect(home.root.path == "/home/u/.local/share/portal-migrate")
        #expect(try explicit.environmentFile("dev-1").path == "/data/pm/environments/dev-1.sqlite")
        for bad in ["", "../x", "a/b", ".hidden", "a b"] {
            #expect(throws: DataDirectoryError.invalidName(bad)) { try explicit.environmentFile(bad) }
        }
    }

    @Test func environmentDirectoryCreatesListsAndDeletes() async throws {
        let root = try TestPaths.temporaryDirectory("pm-data")
        let directory = EnvironmentDirectory(DataDirectory(root: root))
        try directory.create("b", options: LocalEnvironmentOptions(tables: .tables(LocalEnvironmentSupport.customTables())))
        try directory.create("a", options: LocalEnvironmentOptions(tables: .tables(LocalEnvironmentSupport.customTables()), languageCode: 1031))
        let list = await directory.list()
        #expect(list.map(\.name) == ["a", "b"])
        #expect(list.first?.baseLanguage == 1031)
        #expect(list.first?.organizationName == "a")
        #expect(throws: LocalEnvironmentError.self) { try directory.create("a", options: LocalEnvironmentOptions()) }
        try directory.delete("a")
        #expect(await directory.list().map(\.name) == ["b"])
        #expect(throws: LocalEnvironmentError.self) { try directory.delete("a") }
        #expect(throws: LocalEnvironmentError.self) { try directory.open("a") }
    }
}

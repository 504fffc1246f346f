import Foundation
import PortalModel
import Testing
import TestSupport
@testable import PortalFolder

/// `FolderReader.readBytes` reads a folder's files with `open`/`read` instead of `Data(contentsOf:)`,
/// which leaks 4 KiB per empty file on this toolchain (issue 20): the bytes are exactly the file's,
/// an empty file is empty, and a file that cannot be read is named with the system's reason.
@Suite struct FolderReadBytesTests {
    @Test func readsExactlyTheFileEmptyOrNot() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pm-readbytes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("web-pages"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let bytes = Data([0xEF, 0xBB, 0xBF] + Array("<p>copy</p>\n".utf8) + [UInt8](repeating: 0x41, count: 70_000))
        try bytes.write(to: dir.appendingPathComponent("web-pages/a.webpage.copy.html"))
        try Data().write(to: dir.appendingPathComponent("web-pages/a.webpage.custom_css.css"))
        let reader = FolderReader(root: dir, coding: PacValueCoding(catalog: .standard))

        #expect(try reader.readBytes("web-pages/a.webpage.copy.html") == bytes, "a leading BOM and every byte kept")
        #expect(try reader.readBytes("web-pages/a.webpage.custom_css.css").isEmpty)
        #expect {
            try reader.readBytes("web-pages/missing.webpage.copy.html")
        } throws: { error in
            guard case .io(let file, let message)? = error as? PortalFolderError else { return false }
            return file == "web-pages/missing.webpage.copy.html" && message.contains("No such file")
        }
    }
}

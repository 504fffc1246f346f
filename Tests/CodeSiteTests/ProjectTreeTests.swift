import Foundation
import Testing
import TestSupport

@testable import CodeSite

/// `ProjectTree`: the one walk and link test behind the build output, `.powerpages-site/` and the
/// source files (a link is skipped or refused, never followed; a deep tree does not recurse).
@Suite struct ProjectTreeTests {
    /// A folder with `a.txt`, `sub/b.txt`, `sub/deep/c.txt`, a link to a file outside and a link to a
    /// folder outside (each with a file inside that must never be listed).
    static func tree() throws -> (root: URL, outside: URL) {
        let base = try TestPaths.temporaryDirectory("project-tree")
        let root = base.appendingPathComponent("root"), outside = base.appendingPathComponent("outside")
        let fm = FileManager.default
        try fm.createDirectory(at: root.appendingPathComponent("sub/deep"), withIntermediateDirectories: true)
        try fm.createDirectory(at: outside, withIntermediateDirectories: true)
        for rel in ["a.txt", "sub/b.txt", "sub/deep/c.txt"] { try Data(rel.utf8).write(to: root.appendingPathComponent(rel)) }
        try Data("secret".utf8).write(to: outside.appendingPathComponent("secret.txt"))
        try fm.createSymbolicLink(at: root.appendingPathComponent("sub/file-link.txt"), withDestinationURL: outside.appendingPathComponent("secret.txt"))
        try fm.createSymbolicLink(at: root.appendingPathComponent("folder-link"), withDestinationURL: outside)
        return (root, outside)
    }

    struct Refused: Error, Equatable { let rel: String }

    @Test func skippedLinksAreLeftOutAndNothingBehindThemIsListed() throws {
        let (root, outside) = try Self.tree()
        defer { try? FileManager.default.removeItem(at: outside.deletingLastPathComponent()) }
        let files = try ProjectTree.files(under: root, links: .skip)
        #expect(files == ["a.txt", "sub/b.txt", "sub/deep/c.txt"])
    }

    @Test func aRefusedLinkStopsTheWalkNamingIt() throws {
        let (root, outside) = try Self.tree()
        defer { try? FileManager.default.removeItem(at: outside.deletingLastPathComponent()) }
        #expect(throws: Refused.self) { try ProjectTree.files(under: root, links: .refuse { Refused(rel: $0) }) }
        do {
            _ = try ProjectTree.files(under: root, from: "sub", links: .refuse { Refused(rel: $0) })
            Issue.record("the link under sub/ was not refused")
        } catch let e as Refused {
            #expect(e.rel == "sub/file-link.txt")
        }
    }

    @Test func descendAndIncludeChooseFoldersAndFiles() throws {
        let (root, outside) = try Self.tree()
        defer { try? FileManager.default.removeItem(at: outside.deletingLastPathComponent()) }
        let files = try ProjectTree.files(under: root, links: .skip, descend: { $0 != "sub/deep" }, include: { $0 != "a.txt" })
        #expect(files == ["sub/b.txt"])
    }

    @Test func linkTestSeesTheLinkNotItsTarget() throws {
        let (root, outside) = try Self.tree()
        defer { try? FileManager.default.removeItem(at: outside.deletingLastPathComponent()) }
        #expect(ProjectTree.isSymbolicLink(root.appendingPathComponent("folder-link")))
        #expect(ProjectTree.isSymbolicLink(root.appendingPathComponent("sub/file-link.txt")))
        #expect(!ProjectTree.isSymbolicLink(root.appendingPathComponent("a.txt")))
        #expect(!ProjectTree.isSymbolicLink(root.appendingPathComponent("absent")))
        // A dangling link is still a link.
        try FileManager.default.removeItem(at: outside.appendingPathComponent("secret.txt"))
        #expect(ProjectTree.isSymbolicLink(root.appendingPathComponent("sub/file-link.txt")))
    }

    @Test func aDeepTreeIsWalkedWithoutRecursion() throws {
        let base = try TestPaths.temporaryDirectory("project-tree-deep")
        defer { try? FileManager.default.removeItem(at: base) }
        var rel = ""
        for i in 0..<300 { rel += (rel.isEmpty ? "" : "/") + "d\(i % 10)" }
        // Paths over PATH_MAX are not what this checks: 300 levels of two characters stay under it.
        try FileManager.default.createDirectory(at: base.appendingPathComponent(rel), withIntermediateDirectories: true)
        try Data("x".utf8).write(to: base.appendingPathComponent(rel + "/leaf.txt"))
        #expect(try ProjectTree.files(under: base, links: .skip) == [rel + "/leaf.txt"])
    }
}

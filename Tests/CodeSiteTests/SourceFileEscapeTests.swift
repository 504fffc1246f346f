import CodeSite
import Foundation
import PortalModel
import Testing
import TestSupport

/// A `source-files/*.sourcefile.yml` entry is a file anyone may edit: its `partialurl` must not make
/// an upload read (and send to the target) a file from outside the project (DESIGN.md "Hostile input").
@Suite struct SourceFileEscapeTests {
    @Test func aListedPartialURLLeavingTheProjectIsAProblemAndNothingOutsideIsRead() async throws {
        let s = try Scenario("pm-codesite-src-escape")
        defer { s.remove() }
        let root = try CodeSiteFixture.copy(CodeSiteFixture.current, into: s.work, as: "car-sales")
        try CodeSiteFixture.writeBuild(CodeSiteFixture.hashedBuild("3f9a1c"), root: root)
        // A file outside the project that must never be read.
        let secret = s.work.appendingPathComponent("secret.txt")
        try Data("SECRET=outside\n".utf8).write(to: secret)
        try FileManager.default.createSymbolicLink(
            at: root.appendingPathComponent("src/linked.txt"), withDestinationURL: secret)
        let folder = root.appendingPathComponent(".powerpages-site/source-files")
        let hostile = ["../secret.txt", secret.path, "src/../../secret.txt", "src/linked.txt"]
        for (i, path) in hostile.enumerated() {
            let yaml = "filename: secret.txt\nid: \(UUID().uuidString.lowercased())\nmimetype: text/plain\nname: s\(i)\npartialurl: \(path)\n"
            try Data(yaml.utf8).write(to: folder.appendingPathComponent("escape\(i).sourcefile.yml"))
        }
        try await s.createEnvironment("t")
        let project = try CodeSiteProject.read(root: root)
        let plan = try await SourceFilePlan.make(project, site: UUID(), target: try s.open("t"), unblockExtensions: ["js", "svg", "md"])
        for path in hostile {
            #expect(plan.problems.contains { $0.hasPrefix("source file \(path) (") }, "\(path): \(plan.problems)")
            #expect(!plan.items.contains { $0.partialURL == path }, "\(path) is planned for upload")
        }
        #expect(!plan.items.contains { $0.body == Data("SECRET=outside\n".utf8) }, "a file outside the project was read")
        #expect(plan.items.contains { $0.partialURL == "src/App.tsx" && $0.body != nil }, "the project's own files still read")
    }
}

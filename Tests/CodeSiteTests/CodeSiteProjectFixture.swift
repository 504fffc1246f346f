import CodeSite
import Foundation
import PortalModel
import TestSupport

/// A writable copy of a corpus code site in a scenario's work folder, and build outputs the tests make.
enum CodeSiteFixture {
    static let current = TestPaths.corpus.appendingPathComponent("code-sites/car-sales-react-2026", isDirectory: true)
    static let legacy = TestPaths.corpus.appendingPathComponent("code-sites/car-sales-angular-2025-old", isDirectory: true)
    /// The current sample's site id (`website.yml`).
    static let currentSite = "ac53dce0-8247-43e0-a382-90d2b7e25291"

    /// Copies `corpus` to `work/name`, writable (the corpus files are read-only).
    static func copy(_ corpus: URL, into work: URL, as name: String) throws -> URL {
        let copy = work.appendingPathComponent(name, isDirectory: true)
        try FileManager.default.copyItem(at: corpus, to: copy)
        let fm = FileManager.default
        try fm.setAttributes([.posixPermissions: 0o755], ofItemAtPath: copy.path)
        for rel in fm.subpaths(atPath: copy.path) ?? [] {
            var isDir: ObjCBool = false
            _ = fm.fileExists(atPath: copy.appendingPathComponent(rel).path, isDirectory: &isDir)
            try fm.setAttributes([.posixPermissions: isDir.boolValue ? 0o755 : 0o644], ofItemAtPath: copy.appendingPathComponent(rel).path)
        }
        return copy
    }

    /// Writes `files` (build-relative path → text) as `root/<compiled>/`, replacing what was there.
    static func writeBuild(_ files: [String: Data], root: URL, compiled: String = "dist") throws {
        let build = root.appendingPathComponent(compiled, isDirectory: true)
        try? FileManager.default.removeItem(at: build)
        for (rel, data) in files {
            let url = build.appendingPathComponent(rel)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: url)
        }
    }

    /// The current sample's own build, from its web files: `index.html`, `car.svg` at the top,
    /// `assets/index-C_YbwGs6.js` and `assets/index-Co_vgdee.css` (the folder the sample's `assets` page holds).
    static func sampleBuild(_ root: URL) throws -> [String: Data] {
        let w = root.appendingPathComponent(".powerpages-site/web-files")
        return [
            "index.html": try Data(contentsOf: w.appendingPathComponent("index.html/index.html")),
            "car.svg": try Data(contentsOf: w.appendingPathComponent("car.svg/car.svg")),
            "assets/index-C_YbwGs6.js": try Data(contentsOf: w.appendingPathComponent("index-c_ybwgs6.js/index-C_YbwGs6.js")),
            "assets/index-Co_vgdee.css": try Data(contentsOf: w.appendingPathComponent("index-co_vgdee.css/index-Co_vgdee.css")),
        ]
    }

    /// A new build with hashed names (`assets/index-<hash>.js` …) and an `index.html` referencing them.
    static func hashedBuild(_ hash: String) -> [String: Data] {
        let html = """
            <!doctype html>
            <html lang="en"><head>
              <link rel="icon" type="image/svg+xml" href="/car.svg" />
              <script type="module" crossorigin src="/assets/index-\(hash).js"></script>
              <link rel="stylesheet" crossorigin href="/assets/index-\(hash).css">
            </head><body><div id="root"></div></body></html>

            """
        return [
            "index.html": Data(html.utf8), "car.svg": Data("<svg xmlns=\"http://www.w3.org/2000/svg\"/>".utf8),
            "assets/index-\(hash).js": Data("console.log('build \(hash)');\n".utf8),
            "assets/index-\(hash).css": Data("body{color:#\(hash.prefix(3))}\n".utf8),
        ]
    }

    /// The differences between two folders, file by file and byte by byte, outside `.portalconfig/` and
    /// the paths `skip` names: `missing X`, `extra X`, `X differs (a bytes ≠ b bytes, first at byte n)`.
    static func differences(expected: URL, actual: URL, skip: (String) -> Bool = { _ in false }) -> [String] {
        func all(_ folder: URL) -> Set<String> {
            Set(
                (FileManager.default.subpaths(atPath: folder.path) ?? []).filter { rel in
                    var isDir: ObjCBool = false
                    _ = FileManager.default.fileExists(atPath: folder.appendingPathComponent(rel).path, isDirectory: &isDir)
                    return !isDir.boolValue && !rel.split(separator: "/").contains(".portalconfig") && !skip(rel)
                })
        }
        let a = all(expected), b = all(actual)
        var out = a.subtracting(b).sorted().map { "missing \($0)" } + b.subtracting(a).sorted().map { "extra \($0)" }
        for rel in a.intersection(b).sorted() {
            let x = (try? Data(contentsOf: expected.appendingPathComponent(rel))) ?? Data()
            let y = (try? Data(contentsOf: actual.appendingPathComponent(rel))) ?? Data()
            if x != y {
                let at = zip(x, y).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(x.count, y.count)
                out.append("\(rel) differs (\(x.count) bytes ≠ \(y.count) bytes, first at byte \(at))")
            }
        }
        return out
    }

    /// The project files of the current sample that are source files (everything outside `.powerpages-site/`).
    static func projectFiles(_ root: URL) -> [String] {
        (FileManager.default.subpaths(atPath: root.path) ?? []).filter { rel in
            var isDir: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: root.appendingPathComponent(rel).path, isDirectory: &isDir)
            return !isDir.boolValue && !rel.hasPrefix(".powerpages-site")
        }.sorted()
    }

    /// Every file under `folder` (relative paths) except those under `.portalconfig/`.
    static func files(_ folder: URL) -> [String] {
        (FileManager.default.subpaths(atPath: folder.path) ?? []).filter { rel in
            var isDir: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: folder.appendingPathComponent(rel).path, isDirectory: &isDir)
            return !isDir.boolValue && !rel.hasPrefix(".portalconfig")
        }.sorted()
    }
}

import Foundation
import PortalFolder

/// One `source-files/<FileName>.sourcefile.yml` entry: a row of `powerpagessourcefile` whose bytes
/// are the project file at `partialurl` (research/code-sites-and-admin-api.md §A.1.5 [V-files]).
public struct SourceFileEntry: Sendable, Equatable {
    public var id: UUID
    public var name: String
    public var fileName: String
    public var mimeType: String?
    /// The project-relative path with `/` (`src/App.tsx`).
    public var partialURL: String
    /// The YAML file, relative to `.powerpages-site/`.
    public var file: String

    /// Reads every `source-files/*.sourcefile.yml` of `siteFolder` (none when the folder is absent).
    /// - Throws: `CodeSiteError.badSiteFile` for a file that is not YAML or lacks `id`/`partialurl`.
    static func read(siteFolder: URL) throws -> [SourceFileEntry] {
        let folder = siteFolder.appendingPathComponent("source-files")
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return [] }
        var out: [SourceFileEntry] = []
        for name in names.sorted() where name.hasSuffix(".sourcefile.yml") {
            let rel = "source-files/" + name
            let doc = try SiteFileYAML.read(folder.appendingPathComponent(name), rel: rel)
            guard let id = doc.root["id"]?.text.flatMap({ UUID(uuidString: $0) }), let path = doc.root["partialurl"]?.text, !path.isEmpty else {
                throw CodeSiteError.badSiteFile(
                    file: ".powerpages-site/" + rel, line: 1, problem: "a source file needs an `id` (GUID) and a `partialurl`")
            }
            out.append(
                SourceFileEntry(
                    id: id, name: doc.root["name"]?.text ?? path, fileName: doc.root["filename"]?.text ?? name,
                    mimeType: doc.root["mimetype"]?.text, partialURL: path, file: rel))
        }
        return out
    }
}

/// Which project files are source files (`includeSource`, research §A.1.5): everything under the
/// root except `.git/**`, `.github/**`, `node_modules/**`, `.powerpages-site/**` (always, as VS Code
/// states pac does), the build output (never stored as source, [V-files]), paths the root
/// `.gitignore` matches, and `sourceExcludePatterns`.
///
/// Patterns are globs: `*` within one path segment, `**` any depth, case-insensitive ([V-code] VS
/// Code's matcher; pac's own is unknown). A `.gitignore` line is read the simple way: blank lines and
/// `#` comments skipped, a leading `/` anchors at the root, a trailing `/` names a folder, a pattern
/// without `/` matches at any depth; `!` negations are not supported (assumption, noted in the list).
public struct SourceSelection: Sendable {
    public var patterns: [String]

    public static let alwaysExcluded = [".git/**", ".github/**", "node_modules/**", ".powerpages-site/**"]

    public init(config: CodeSiteConfig, root: URL) {
        var p = Self.alwaysExcluded
        if let compiled = config.compiledPath, !compiled.isEmpty {
            let c = compiled.split(separator: "/").filter { $0 != "." }.joined(separator: "/")
            if !c.isEmpty { p.append(c + "/**") }
        }
        if let text = try? String(contentsOf: root.appendingPathComponent(".gitignore"), encoding: .utf8) {
            for raw in text.split(whereSeparator: \.isNewline) {
                var line = raw.trimmingCharacters(in: .whitespaces)
                if line.isEmpty || line.hasPrefix("#") || line.hasPrefix("!") { continue }
                let folder = line.hasSuffix("/")
                if folder { line.removeLast() }
                let anchored = line.hasPrefix("/")
                if anchored { line.removeFirst() }
                let base = anchored || line.contains("/") ? line : "**/" + line
                p.append(base)
                p.append(base + "/**")
            }
        }
        p += config.sourceExcludePatterns
        patterns = p
    }

    /// True when the project-relative `path` is excluded.
    public func excludes(_ path: String) -> Bool {
        patterns.contains { Self.glob($0, matches: path) }
    }

    /// The source files under `root` (project-relative paths with `/`, sorted), symbolic links left out.
    public func files(under root: URL) -> [String] {
        // `.skip` never throws and unlistable folders are left out: the walk cannot fail.
        (try? ProjectTree.files(
            under: root, links: .skip, skipUnlistable: true,
            descend: { !excludes($0 + "/") && !excludes($0) }, include: { !excludes($0) })) ?? []
    }

    /// Glob match of a whole path: `**` any number of segments, `*` and `?` within one segment, case-insensitive.
    public static func glob(_ pattern: String, matches path: String) -> Bool {
        let p = pattern.lowercased().split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        let s = path.lowercased().split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        // Iterative matching over segments with backtracking on the last `**`.
        var pi = 0, si = 0, star = -1, mark = 0
        while si < s.count {
            if pi < p.count && p[pi] == "**" {
                star = pi; mark = si; pi += 1
            } else if pi < p.count && BundlePatterns.wildcard(p[pi], matches: s[si]) {
                pi += 1; si += 1
            } else if star >= 0 {
                pi = star + 1; mark += 1; si = mark
            } else {
                return false
            }
        }
        while pi < p.count && p[pi] == "**" { pi += 1 }
        return pi == p.count
    }
}

import Foundation
import PortalFolder
import PortalModel

/// Reading one YAML file of a project's `.powerpages-site/` folder: the one place that turns "cannot be
/// read", "not UTF-8" and "not YAML" into `CodeSiteError.badSiteFile` naming the file (and line).
/// An unreadable file is never taken as empty (it used to be, and was then reported as missing its `id`).
enum SiteFileYAML {
    /// The parsed file at `url`; `rel` is its path below `.powerpages-site/` (`server-logic/a/a.serverlogic.yml`).
    /// - Throws: `CodeSiteError.badSiteFile` with the file system's reason, "not UTF-8 text", or the
    ///   YAML reader's problem and line.
    static func read(_ url: URL, rel: String) throws -> PacYAMLReader.Document {
        let shown = ".powerpages-site/" + rel
        let data: Data
        do { data = try FileReadProblem.read(url, what: "the site file") } catch let e as FileReadError {
            throw CodeSiteError.badSiteFile(file: shown, line: nil, problem: e.reason)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw CodeSiteError.badSiteFile(file: shown, line: nil, problem: "is not UTF-8 text")
        }
        do { return try PacYAMLReader.parse(text, file: rel) } catch let e as PortalFolderError {
            throw CodeSiteError.badSiteFile(file: shown, line: e.line, problem: e.description)
        }
    }
}

import Foundation
import PortalModel

extension CodeSiteDownload.Result {
    /// What a download wrote as a user reads it, one line each: the records and the site's files
    /// (written, unchanged, removed), each file removed because its record is gone, the server logic
    /// and the source files when the site has any (a source file whose row keeps no bytes named).
    public var summaryLines: [String] {
        var lines = [
            "Downloaded \(records) record(s) into \(site.siteFolder.path): \(site.written.count) file(s) "
                + "written, \(site.unchanged) unchanged, \(site.removed.count) removed."
        ]
        lines += site.removed.map { "  removed \($0) (its record is gone from the site)" }
        if !serverLogic.written.isEmpty || serverLogic.unchanged > 0 {
            lines.append("Server logic: \(serverLogic.written.count) file(s) written, \(serverLogic.unchanged) unchanged")
        }
        if sourceFiles.rows > 0 || !sourceFiles.removed.isEmpty {
            lines.append(
                "Source files: \(sourceFiles.rows) (\(sourceFiles.written.count) file(s) written, \(sourceFiles.unchanged) unchanged, "
                    + "\(sourceFiles.removed.count) removed)")
            lines += sourceFiles.removed.map { "  removed \($0) (its row is gone from the site)" }
            lines += sourceFiles.withoutContent.map { "  \($0): the site keeps no bytes for it; only its source-files/ entry is written" }
        }
        return lines
    }

    /// The `--json` object: `{"folder", "records", "written", "unchanged", "removed", "skipped",
    /// "sourceFiles": {"rows", "written", "removed"}}` (sorted keys).
    public func jsonText() throws -> String {
        let obj: [String: Any] = [
            "folder": site.siteFolder.path, "records": records, "written": site.written,
            "unchanged": site.unchanged, "removed": site.removed, "skipped": site.skipped,
            "sourceFiles": ["rows": sourceFiles.rows, "written": sourceFiles.written, "removed": sourceFiles.removed] as [String: Any],
        ]
        return String(decoding: try JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys]), as: UTF8.self)
    }
}

import Foundation

extension PortalFolder {
    /// True when `url` is a pac site folder: a directory holding `website.yml` (what `pac paportal
    /// download` writes at the top of each site folder; research/pac-portal-format.md §1.1). A download
    /// into it would write a second site folder inside the first (`download` refuses that).
    public static func isSiteFolder(_ url: URL) -> Bool {
        FileManager.default.fileExists(atPath: url.appendingPathComponent("website.yml").path)
    }
}

import Foundation
import PortalModel

extension PortalManifest {
    /// Which of two files holding one record id the `.portalconfig` environment manifests
    /// (`<env-host>-manifest.yml`, research/pac-portal-format.md §3) name as current, as a sentence for
    /// the duplicate-id error: a page renamed in the environment makes pac write the new file and leave
    /// the old one, and the last download's manifest lists the record under its current name
    /// (`DisplayName`), so the file whose record has that name is the one to keep.
    ///
    /// - Parameters:
    ///   - duplicate: the two files and the record's name in each (`firstName`, `secondName`).
    ///   - manifests: every manifest of the folder by relative path (`manifest.yml` is not read: it
    ///     tracks deletions, not current names).
    /// - Returns: e.g. `.portalconfig/org.crm.dynamics.com-manifest.yml names it "New" (DisplayName):
    ///   web-pages/new/New.webpage.yml is current; delete web-pages/old/Old.webpage.yml`; a sentence
    ///   saying the name matches neither file; `nil` when no environment manifest lists the id.
    public static func currentCopyNote(_ duplicate: PortalFolderError.DuplicateRecord, manifests: [String: PortalManifest]) -> String? {
        let id = duplicate.id.dataverseString
        for path in manifests.keys.sorted() where path.hasSuffix("-manifest.yml") {
            let sections = [duplicate.table] + (duplicate.secondTable.map { [$0] } ?? [])
            guard
                let name = sections.lazy.compactMap({
                    manifests[path]?.sections[$0]?
                        .first(where: { $0.recordID.lowercased() == id && !$0.isDeleted })?.displayName
                }).first
            else { continue }
            let file = { (f: String) in String(f.split(separator: ":").first ?? Substring(f)) }
            if let same = duplicate.withinOneFile {
                // Both copies are entries of one file: deleting it would delete every record it holds.
                let entry = { (line: String?, n: String?) in
                    "the entry\(line.map { " at line \($0)" } ?? "") (name \(n.map { "\"\($0)\"" } ?? "none"))"
                }
                switch (duplicate.firstName == name, duplicate.secondName == name) {
                case (true, false):
                    return
                        "\(path) names it \"\(name)\" (DisplayName): keep \(entry(same.firstLine, duplicate.firstName)) and remove \(entry(same.secondLine, duplicate.secondName)) from \(same.file)"
                case (false, true):
                    return
                        "\(path) names it \"\(name)\" (DisplayName): keep \(entry(same.secondLine, duplicate.secondName)) and remove \(entry(same.firstLine, duplicate.firstName)) from \(same.file)"
                default:
                    return "\(path) names it \"\(name)\" (DisplayName), which does not tell the two entries apart"
                }
            }
            switch (duplicate.firstName == name, duplicate.secondName == name) {
            case (true, false):
                return "\(path) names it \"\(name)\" (DisplayName): \(file(duplicate.firstFile)) is current; delete \(file(duplicate.secondFile))"
            case (false, true):
                return "\(path) names it \"\(name)\" (DisplayName): \(file(duplicate.secondFile)) is current; delete \(file(duplicate.firstFile))"
            default:
                return
                    "\(path) names it \"\(name)\" (DisplayName), which does not tell the two files apart (names \(duplicate.firstName.map { "\"\($0)\"" } ?? "none") and \(duplicate.secondName.map { "\"\($0)\"" } ?? "none"))"
            }
        }
        return nil
    }
}

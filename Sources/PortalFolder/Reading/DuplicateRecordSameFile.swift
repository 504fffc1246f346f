import Foundation

extension PortalFolderError.DuplicateRecord {
    /// When both copies of the id are entries of ONE list file (`sitesetting.yml` holding the same
    /// `adx_sitesettingid` twice): the file and both lines. Deleting that file would delete every
    /// record it holds, so the advice is to remove one of the two entries (red-team F8).
    public var withinOneFile: (file: String, firstLine: String?, secondLine: String?)? {
        let split = { (f: String) -> (String, String?) in
            guard let colon = f.lastIndex(of: ":"), f[f.index(after: colon)...].allSatisfy(\.isNumber),
                f.index(after: colon) < f.endIndex
            else { return (f, nil) }
            return (String(f[..<colon]), String(f[f.index(after: colon)...]))
        }
        let (a, la) = split(firstFile), (b, lb) = split(secondFile)
        return a == b ? (a, la, lb) : nil
    }

    /// "is twice in sitesetting.yml (lines 1 and 165); remove one of the two entries (not the file: it holds other records)".
    var withinOneFileDescription: String? {
        guard let same = withinOneFile else { return nil }
        let lines = [same.firstLine, same.secondLine].compactMap { $0 }
        let at = lines.count == 2 ? " (lines \(lines[0]) and \(lines[1]))" : ""
        let what = secondTable.map { "\(id.dataverseString) is both \(table) and \($0)" } ?? "\(table) \(id.dataverseString) is"
        return "\(what) twice in \(same.file)\(at); remove one of the two entries from \(same.file) (do not delete the file: it holds other records)"
    }
}

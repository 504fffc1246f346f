import Foundation

extension TableCatalog {
    /// The names of `names` the catalog has no table for, sorted (issue 17: an unknown table in
    /// `--excludeEntities`, `--exclude-tables` or a deployment profile is an error, not ignored).
    public func unknownTables<S: Sequence>(_ names: S) -> [String] where S.Element == String {
        Set(names).filter { table($0) == nil }.sorted()
    }

    /// The message for unknown table names given with `option`: the names, the closest known name of
    /// each (same prefix and length within a few characters) and what to do.
    public func unknownTablesMessage(_ unknown: [String], option: String) -> String {
        let hints = unknown.map { name -> String in
            let close = logicalNames.min { distance(name, $0) < distance(name, $1) }
            if let close, distance(name, close) <= 2 { return "\(name) (did you mean \(close)?)" }
            return name
        }
        return "\(option): \(hints.joined(separator: ", ")) \(unknown.count == 1 ? "is not a table" : "are not tables") this tool knows; "
            + "give logical names of portal tables (for example adx_webpage, adx_webfile, adx_sitesetting)"
    }

    /// Levenshtein distance of two short names.
    private func distance(_ a: String, _ b: String) -> Int {
        let x = Array(a.utf8), y = Array(b.utf8)
        if x.isEmpty || y.isEmpty { return max(x.count, y.count) }
        var previous = Array(0...y.count)
        for i in 1...x.count {
            var current = [i] + Array(repeating: 0, count: y.count)
            for j in 1...y.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[y.count]
    }
}

import Foundation

/// A line diff of two long text values (HTML, Liquid, JSON), with context around each change, for the
/// side-by-side of a report. Built on the standard library's `CollectionDifference` (Myers' algorithm).
///
/// A value on one line longer than `LineDiff.splitLength` characters (minified HTML) is split after
/// each `>` so its tags diff as lines. Values of more than `maxLines` lines are not diffed (`nil`).
public enum LineDiff {
    /// One line of the diff: `kind` is `context`, `removed` (only in the source), `added` (only in the
    /// target) or `gap` (unchanged lines left out); line numbers are 1-based, 0 where the side has none.
    public struct Line: Sendable, Hashable {
        public enum Kind: String, Sendable { case context, removed, added, gap }
        public var kind: Kind
        public var sourceNumber: Int
        public var targetNumber: Int
        public var text: String
    }

    /// Lines of unchanged context kept around each change.
    public static let context = 3
    /// A one-line value longer than this is split after each `>`.
    public static let splitLength = 160
    /// Values with more lines than this are shown whole, not diffed.
    public static let maxLines = 20_000

    /// The lines of `text` as diffed: split on line breaks, or after each `>` for one long line.
    public static func lines(_ text: String) -> [String] {
        var out = text.components(separatedBy: .newlines)
        if out.count == 1, text.count > splitLength {
            out = []
            var current = ""
            for ch in text {
                current.append(ch)
                if ch == ">" { out.append(current); current = "" }
            }
            if !current.isEmpty { out.append(current) }
        }
        return out
    }

    /// True when a value is worth a line diff rather than two cells: several lines, or a long one.
    public static func isLong(_ value: String?) -> Bool {
        guard let value else { return false }
        return value.contains("\n") || value.count > splitLength
    }

    /// The diff of `source` against `target` with `context` lines around changes; `nil` when either
    /// side has more than `maxLines` lines.
    public static func diff(_ source: String, _ target: String) -> [Line]? {
        let a = lines(source), b = lines(target)
        guard a.count <= maxLines, b.count <= maxLines else { return nil }
        let d = b.difference(from: a)
        var removed = Set<Int>(), inserted = Set<Int>()
        for change in d {
            switch change {
            case .remove(let offset, _, _): removed.insert(offset)
            case .insert(let offset, _, _): inserted.insert(offset)
            }
        }
        var all: [Line] = []
        var i = 0, j = 0
        while i < a.count || j < b.count {
            if i < a.count, removed.contains(i) {
                all.append(Line(kind: .removed, sourceNumber: i + 1, targetNumber: 0, text: a[i])); i += 1
            } else if j < b.count, inserted.contains(j) {
                all.append(Line(kind: .added, sourceNumber: 0, targetNumber: j + 1, text: b[j])); j += 1
            } else if i < a.count, j < b.count {
                all.append(Line(kind: .context, sourceNumber: i + 1, targetNumber: j + 1, text: a[i])); i += 1; j += 1
            } else {
                break
            }
        }
        // Keep context lines within `context` of a change; runs left out become one gap line.
        let changed = all.indices.filter { all[$0].kind != .context }
        var keep = Set<Int>()
        for c in changed { for k in max(0, c - context)...min(all.count - 1, c + context) { keep.insert(k) } }
        var out: [Line] = []
        var skipped = 0
        for (k, line) in all.enumerated() {
            if keep.contains(k) {
                if skipped > 0 { out.append(Line(kind: .gap, sourceNumber: 0, targetNumber: 0, text: "… \(skipped) unchanged line(s)")); skipped = 0 }
                out.append(line)
            } else {
                skipped += 1
            }
        }
        if skipped > 0 { out.append(Line(kind: .gap, sourceNumber: 0, targetNumber: 0, text: "… \(skipped) unchanged line(s)")) }
        return out
    }
}

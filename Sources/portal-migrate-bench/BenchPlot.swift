import Foundation

/// The benchmark's plot (issue 20): two panels side by side, milliseconds of wall time per record and
/// peak resident memory (MB) against the portal's size in records (log scale), one line per scenario
/// and dop hint, from several `BenchReport`s (S, M, L). Plain SVG 1.1, no script, readable in a browser.
enum BenchPlot {
    struct Point { var records: Int; var value: Double }
    struct Series { var name: String; var points: [Point] }

    /// The scenarios drawn (the product's own; baselines are in the table).
    static let drawn = ["upload", "reupload-unchanged", "reupload-one-change", "download", "migrate", "cmt-export", "cmt-import"]

    static func series(_ reports: [BenchReport], _ value: (ScenarioResult) -> Double?) -> [Series] {
        var byKey: [String: [Point]] = [:]
        for r in reports {
            for s in r.scenarios where s.error == nil && drawn.contains(s.name) {
                guard let v = value(s), v > 0 else { continue }
                byKey["\(s.name) hint \(s.dopHint.map(String.init) ?? "–")", default: []].append(Point(records: s.records, value: v))
            }
        }
        return byKey.keys.sorted().map { Series(name: $0, points: byKey[$0]!.sorted { $0.records < $1.records }) }
    }

    /// The SVG document.
    static func svg(_ reports: [BenchReport]) -> String {
        let time = series(reports) { $0.records > 0 ? $0.wallSeconds * 1000 / Double($0.records) : nil }
        let memory = series(reports) { Double($0.peakRSSBytes) / 1_048_576 }
        let width = 1100.0, height = 520.0
        let commits = Set(reports.map { String($0.gitCommit.prefix(12)) }).sorted().joined(separator: ", ")
        let loads = reports.flatMap(\.loadAverage).map { String(format: "%.1f", $0) }.joined(separator: ", ")
        var out = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" font-family="sans-serif" font-size="11">
            <rect width="100%" height="100%" fill="white"/>
            <text x="20" y="22" font-size="14">portal-migrate-bench: time and memory per record against size (\(escape(reports.first?.server ?? "")))</text>
            <text x="20" y="40" fill="#555">commit \(escape(commits)); load average (1 min) at start/end of each size: \(loads)</text>

            """
        out += panel(time, title: "wall ms per record", x: 60, y: 70, w: 420, h: 340)
        out += panel(memory, title: "peak RSS MB", x: 560, y: 70, w: 420, h: 340)
        // Legend.
        let names = Array(Set(time.map(\.name) + memory.map(\.name))).sorted()
        for (i, n) in names.enumerated() {
            let lx = 20 + Double(i % 4) * 270, ly = 450 + Double(i / 4) * 16
            out += "<line x1=\"\(lx)\" y1=\"\(ly - 4)\" x2=\"\(lx + 24)\" y2=\"\(ly - 4)\" stroke=\"\(color(n))\" stroke-width=\"2\"\(dash(n))/>"
            out += "<text x=\"\(lx + 30)\" y=\"\(ly)\">\(escape(n))</text>\n"
        }
        return out + "</svg>\n"
    }

    static func panel(_ series: [Series], title: String, x: Double, y: Double, w: Double, h: Double) -> String {
        let xs = series.flatMap { $0.points.map { Double($0.records) } }
        let ys = series.flatMap { $0.points.map(\.value) }
        guard let xMin = xs.min(), let xMax = xs.max(), let yMaxRaw = ys.max() else {
            return "<text x=\"\(x)\" y=\"\(y + 20)\">\(escape(title)): no data</text>\n"
        }
        let lx0 = log10(xMin) - 0.1, lx1 = log10(max(xMax, xMin * 1.01)) + 0.1
        let yMax = yMaxRaw * 1.1
        func px(_ v: Double) -> Double { x + (log10(v) - lx0) / (lx1 - lx0) * w }
        func py(_ v: Double) -> Double { y + h - v / yMax * h }
        var out = "<text x=\"\(x)\" y=\"\(y - 8)\" font-size=\"12\">\(escape(title))</text>\n"
        out += "<rect x=\"\(x)\" y=\"\(y)\" width=\"\(w)\" height=\"\(h)\" fill=\"none\" stroke=\"#999\"/>\n"
        for k in 0...4 {
            let v = yMax * Double(k) / 4
            out += "<line x1=\"\(x)\" y1=\"\(py(v))\" x2=\"\(x + w)\" y2=\"\(py(v))\" stroke=\"#eee\"/>"
            out += "<text x=\"\(x - 6)\" y=\"\(py(v) + 4)\" text-anchor=\"end\">\(String(format: v < 10 ? "%.2f" : "%.0f", v))</text>\n"
        }
        for r in Set(xs).sorted() {
            out += "<line x1=\"\(px(r))\" y1=\"\(y)\" x2=\"\(px(r))\" y2=\"\(y + h)\" stroke=\"#eee\"/>"
            out += "<text x=\"\(px(r))\" y=\"\(y + h + 14)\" text-anchor=\"middle\">\(Int(r)) records</text>\n"
        }
        for s in series {
            let pts = s.points.map { "\(px(Double($0.records))),\(py($0.value))" }.joined(separator: " ")
            out += "<polyline points=\"\(pts)\" fill=\"none\" stroke=\"\(color(s.name))\" stroke-width=\"2\"\(dash(s.name))/>"
            for p in s.points {
                out +=
                    "<circle cx=\"\(px(Double(p.records)))\" cy=\"\(py(p.value))\" r=\"3\" fill=\"\(color(s.name))\"><title>\(escape(s.name)): \(String(format: "%.2f", p.value))</title></circle>"
            }
            out += "\n"
        }
        return out
    }

    /// A colour per scenario; hints are told apart by dashes.
    static func color(_ name: String) -> String {
        let palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2"]
        let scenario = name.components(separatedBy: " hint ").first ?? name
        return palette[(drawn.firstIndex(of: scenario) ?? 0) % palette.count]
    }

    static func dash(_ name: String) -> String {
        name.hasSuffix(" hint 4") ? " stroke-dasharray=\"5,3\"" : ""
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;")
    }
}

import PortalModel

/// The live progress line drawn on a terminal, from a `ProgressState`:
///
/// ```
/// ⠹ Writing ██████░░░░░░░░░░░░░░ 1,234/5,000 operations · 24% · 410/s · ~10 s left · 2.1/8.4 MB   0:07
/// ⠹ Reading the target · table 12 of 31 · 4,321 records · 2,100/s   0:01
/// ⠹ Writing ████░░░░░░░░░░░░░░░░ 800/5,000 operations · throttled (HTTP 429): next try in 12 s   0:33
/// ```
///
/// Parts are dropped, least useful first, until the line fits `width` columns (a wrapped line could not
/// be redrawn in place). `unicode` picks block and braille characters over ASCII ones.
struct ProgressLine {
    var unicode = true
    /// Cells of the bar.
    var barWidth = 20

    /// The line at `now` for the given terminal width; `frame` advances the spinner.
    func render(_ state: ProgressState, now: Double, width: Int, frame: Int) -> String {
        var parts: [(text: String, keep: Int)] = [] // higher `keep` survives longer
        let (done, total, unit) = state.mainCount
        let spinner = unicode ? ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"] : ["|", "/", "-", "\\"]
        let head = spinner[frame % spinner.count] + " " + Self.label(state)
        let rate = state.meter.rate(at: now)
        var barText: String?

        switch state.stage {
        case .checking:
            if let p = state.plan { parts.append((Self.planText(p), 3)) }
        default:
            if total > 0 {
                barText = bar(done, of: total)
                parts.append(("\(ProgressFormat.count(done))/\(ProgressFormat.count(total)) \(unit)", 9))
                parts.append((ProgressFormat.percent(done, of: total), 4))
            } else if state.tablesTotal > 0 {
                parts.append((Self.tables(state), 8))
                parts.append((ProgressFormat.counted(state.records, "record"), 9))
            }
            if state.bodiesTotal > 0 && state.bodiesDone < state.bodiesTotal {
                parts.append(("file bodies \(state.bodiesDone)/\(state.bodiesTotal) (\(ProgressFormat.bytes(state.bodyBytesRead)))", 5))
            }
            if state.written.failed > 0 { parts.append(("\(ProgressFormat.count(state.written.failed)) failed", 8)) }
        }
        if let (notice, left) = state.waiting(at: now) {
            parts.append((Self.waitText(notice, secondsLeft: left), 10))
        } else {
            if let rate, done > 0 { parts.append((ProgressFormat.rate(rate), 2)) }
            if total > 0, let left = ProgressFormat.timeLeft(remaining: total - done, rate: rate) { parts.append((left, 3)) }
        }
        if state.stage == .writing && state.written.totalBytes > 0 {
            parts.append((ProgressFormat.bytes(state.written.bytes, of: state.written.totalBytes), 1))
        }
        let clock = ProgressFormat.clock(now - state.runStarted)

        func compose(_ parts: [(text: String, keep: Int)], bar: String?) -> String {
            var line = head
            if let bar { line += " " + bar }
            for (i, p) in parts.enumerated() {
                line += (i == 0 && bar != nil ? " " : " · ") + p.text
            }
            return line + "   " + clock
        }
        var kept = parts
        var keptBar = barText
        while Self.columns(compose(kept, bar: keptBar)) > width {
            // Drop the least useful part; the bar goes when only essentials are left.
            if let i = kept.indices.filter({ kept[$0].keep < 6 }).min(by: { kept[$0].keep < kept[$1].keep }) {
                kept.remove(at: i)
            } else if keptBar != nil {
                keptBar = nil
            } else if let i = kept.indices.min(by: { kept[$0].keep < kept[$1].keep }) {
                kept.remove(at: i)
            } else {
                return String(compose([], bar: nil).prefix(max(0, width)))
            }
        }
        return compose(kept, bar: keptBar)
    }

    /// The stage's name as the line starts with it.
    static func label(_ state: ProgressState) -> String {
        switch state.stage {
        case .readingSource: return state.filesTotal > 0 && state.tablesTotal == 0 ? "Reading the folder" : "Reading the source"
        case .planning:
            // Once every table is read, the planner compares (and reads what it still needs).
            return state.plan == nil && (state.tablesTotal == 0 || state.tablesDone < state.tablesTotal) ? "Reading the target" : "Planning"
        case .checking: return "Checking before writing"
        case .writing: return "Writing"
        case .verifying: return "Verifying (reading back)"
        case nil: return "Reading"
        }
    }

    /// `table 12 of 31` while reading, `31 tables` once all are read.
    static func tables(_ s: ProgressState) -> String {
        s.tablesDone >= s.tablesTotal ? ProgressFormat.counted(s.tablesTotal, "table") : "table \(s.tablesDone + 1) of \(s.tablesTotal)"
    }

    /// `120 to create · 30 to update · 2 to delete · 15 link changes` (zero counts left out).
    static func planText(_ p: PlanCounts) -> String {
        var parts: [String] = []
        if p.create > 0 { parts.append("\(ProgressFormat.count(p.create)) to create") }
        if p.update > 0 { parts.append("\(ProgressFormat.count(p.update)) to update") }
        if p.delete > 0 { parts.append("\(ProgressFormat.count(p.delete)) to delete") }
        if p.links > 0 { parts.append("\(ProgressFormat.count(p.links)) N:N link change(s)") }
        if parts.isEmpty { parts.append("nothing to write") }
        return parts.joined(separator: ", ")
    }

    /// `throttled (HTTP 429): next try in 12 s` or `no answer: next try in 2 s (retry 2 of 7)`.
    static func waitText(_ n: RetryNotice, secondsLeft: Double) -> String {
        let why = n.throttled ? "throttled (HTTP \(n.status ?? 429))" : n.status.map { "HTTP \($0)" } ?? "no answer"
        return "\(why): next try in \(ProgressFormat.wait(secondsLeft)) (retry \(n.attempt) of \(n.maxRetries))"
    }

    /// `██████░░░░` for `done` of `total` in `barWidth` cells (eighths of a cell with unicode).
    func bar(_ done: Int, of total: Int) -> String {
        let fraction = total > 0 ? min(1, Double(done) / Double(total)) : 0
        guard unicode else {
            let full = Int(fraction * Double(barWidth))
            return "[" + String(repeating: "#", count: full) + String(repeating: "-", count: barWidth - full) + "]"
        }
        let eighths = Int(fraction * Double(barWidth * 8))
        let full = eighths / 8, rest = eighths % 8
        let partial = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"][rest]
        let empty = barWidth - full - (rest > 0 ? 1 : 0)
        return String(repeating: "█", count: full) + partial + String(repeating: "░", count: empty)
    }

    /// Terminal columns `text` takes (every character one column: the line holds no wide characters).
    static func columns(_ text: String) -> Int { text.unicodeScalars.count }
}

import Foundation

/// How progress numbers read: counts with thousands separators, bytes, rates, durations and time left.
/// Pure functions (tested with fixed values).
public enum ProgressFormat {
    /// `1234567` → `1,234,567`.
    public static func count(_ n: Int) -> String {
        let digits = String(abs(n))
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return n < 0 ? "-" + out : out
    }

    /// `1 record`, `1,234 records`: a count and its noun, plural unless one.
    public static func counted(_ n: Int, _ noun: String) -> String {
        "\(count(n)) \(noun)\(n == 1 ? "" : "s")"
    }

    /// `done/total` bytes with one unit when both share it: `1.6/2.0 MB`, else `33.3 KB/2.0 MB`.
    public static func bytes(_ done: Int, of total: Int) -> String {
        let (a, b) = (bytes(done), bytes(total))
        let unitA = a.split(separator: " ").last, unitB = b.split(separator: " ").last
        return unitA == unitB ? "\(a.split(separator: " ")[0])/\(b)" : "\(a)/\(b)"
    }

    /// Bytes in decimal units: `512 B`, `12.3 KB`, `40.0 MB`, `1.20 GB`.
    public static func bytes(_ n: Int) -> String {
        let v = Double(n)
        switch v {
        case ..<1000: return "\(n) B"
        case ..<1_000_000: return String(format: "%.1f KB", v / 1000)
        case ..<1_000_000_000: return String(format: "%.1f MB", v / 1_000_000)
        default: return String(format: "%.2f GB", v / 1_000_000_000)
        }
    }

    /// Items per second: `410/s`, `4.1/s`, `0.3/s`.
    public static func rate(_ perSecond: Double) -> String {
        perSecond >= 10 ? "\(count(Int(perSecond.rounded())))/s" : String(format: "%.1f/s", perSecond)
    }

    /// Elapsed time as a clock: `0:07`, `3:05`, `1:02:03`.
    public static func clock(_ seconds: Double) -> String {
        let s = max(0, Int(seconds))
        let (h, m, r) = (s / 3600, (s % 3600) / 60, s % 60)
        return h > 0 ? String(format: "%d:%02d:%02d", h, m, r) : String(format: "%d:%02d", m, r)
    }

    /// A duration in words: `0.4 s`, `12 s`, `2 min 05 s`, `1 h 05 min`.
    public static func duration(_ seconds: Double) -> String {
        if seconds < 10 { return String(format: "%.1f s", max(0, seconds)) }
        let s = Int(seconds.rounded())
        if s < 60 { return "\(s) s" }
        if s < 3600 { return String(format: "%d min %02d s", s / 60, s % 60) }
        return String(format: "%d h %02d min", s / 3600, (s % 3600) / 60)
    }

    /// Time left, rounded so it does not flicker: `~3 s left`, `~40 s left` (to 5 s), `~4 min left`,
    /// `~1 h 10 min left`; `nil` when the rate is unknown or nothing is left.
    public static func timeLeft(remaining: Int, rate: Double?) -> String? {
        guard remaining > 0, let rate, rate > 0 else { return nil }
        let s = Double(remaining) / rate
        switch s {
        case ..<10: return "~\(max(1, Int(s.rounded(.up)))) s left"
        case ..<60: return "~\(Int((s / 5).rounded(.up)) * 5) s left"
        case ..<3600: return "~\(Int((s / 60).rounded(.up))) min left"
        default: return "~\(Int(s / 3600)) h \(Int(s.truncatingRemainder(dividingBy: 3600) / 60)) min left"
        }
    }

    /// A seconds count for a wait: `12 s`, `2.5 s`.
    public static func wait(_ seconds: Double) -> String {
        seconds >= 10 || seconds == seconds.rounded() ? "\(Int(seconds.rounded(.up))) s" : String(format: "%.1f s", seconds)
    }

    /// `part` of `whole` as a whole percentage, never 100 before the end: `25%`.
    public static func percent(_ part: Int, of whole: Int) -> String {
        guard whole > 0 else { return "" }
        let p = part >= whole ? 100 : min(99, Int(Double(part) * 100 / Double(whole)))
        return "\(p)%"
    }
}

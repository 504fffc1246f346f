import Foundation

/// A Dataverse date-time in UTC, exact to the 100-nanosecond tick that .NET, CMT and pac write
/// (`2023-04-17T06:26:17.0000000Z`, seven fraction digits, research/cmt-format.md §3).
///
/// Stored as ticks since 1970-01-01T00:00:00Z so text round-trips without floating-point loss.
public struct DateTimeValue: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// 100-nanosecond ticks since the Unix epoch, UTC. May be negative.
    public var ticks: Int64

    public static let ticksPerSecond: Int64 = 10_000_000

    public init(ticks: Int64) { self.ticks = ticks }

    /// From a Foundation `Date` (sub-tick precision is truncated).
    public init(_ date: Date) {
        let seconds = date.timeIntervalSince1970
        let whole = seconds.rounded(.down)
        let frac = Int64(((seconds - whole) * 1e7).rounded(.down))
        self.ticks = Int64(whole) * Self.ticksPerSecond + frac
    }

    /// The same instant as a Foundation `Date` (may lose sub-microsecond precision).
    public var date: Date {
        Date(timeIntervalSince1970: Double(ticks) / Double(Self.ticksPerSecond))
    }

    public static func < (lhs: DateTimeValue, rhs: DateTimeValue) -> Bool { lhs.ticks < rhs.ticks }

    /// Parses ISO 8601 as Dataverse, pac and CMT write it: `YYYY-MM-DDTHH:MM:SS[.f{1,7}](Z|±HH:MM)?`,
    /// a space instead of `T` allowed, no zone meaning UTC. Also accepts the date-only form
    /// `YYYY-MM-DD`. Returns `nil` for anything else (culture-formatted dates are the CMT reader's job).
    public init?(iso8601 text: String) {
        let s = Array(text.trimmingCharacters(in: .whitespaces).utf8)
        func num(_ from: Int, _ len: Int) -> Int? {
            guard from + len <= s.count else { return nil }
            var v = 0
            for i in from..<(from + len) {
                let c = s[i]
                guard c >= 48 && c <= 57 else { return nil }
                v = v * 10 + Int(c - 48)
            }
            return v
        }
        guard let year = num(0, 4), s.count >= 10, s[4] == 45, let month = num(5, 2), s[7] == 45,
            let day = num(8, 2), (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        var hour = 0, minute = 0, second = 0
        var fracTicks: Int64 = 0
        var offsetSeconds = 0
        var i = 10
        if i < s.count {
            guard s[i] == 84 || s[i] == 32, let h = num(i + 1, 2), s.count > i + 3, s[i + 3] == 58,
                let m = num(i + 4, 2)
            else { return nil }
            hour = h; minute = m; i += 6
            if i < s.count && s[i] == 58 {
                guard let sec = num(i + 1, 2) else { return nil }
                second = sec; i += 3
            }
            if i < s.count && s[i] == 46 {
                i += 1
                var digits = 0
                var value: Int64 = 0
                while i < s.count, s[i] >= 48, s[i] <= 57 {
                    if digits < 7 { value = value * 10 + Int64(s[i] - 48) }
                    digits += 1; i += 1
                }
                guard digits > 0 else { return nil }
                for _ in 0..<max(0, 7 - digits) { value *= 10 }
                fracTicks = value
            }
            if i < s.count {
                if s[i] == 90 && i == s.count - 1 {
                    i += 1
                } else if s[i] == 43 || s[i] == 45, let oh = num(i + 1, 2), s.count == i + 6, s[i + 3] == 58,
                    let om = num(i + 4, 2)
                {
                    offsetSeconds = (oh * 3600 + om * 60) * (s[i] == 43 ? 1 : -1)
                    i += 6
                } else {
                    return nil
                }
            }
        }
        guard i == s.count, hour < 24, minute < 60, second < 61 else { return nil }
        let days = Self.daysFromCivil(year: year, month: month, day: day)
        let secs = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second - offsetSeconds)
        self.ticks = secs * Self.ticksPerSecond + fracTicks
    }

    /// `2023-04-17T06:26:17.0000000Z`: seven fraction digits, the form CMT and pac write.
    public var iso8601Ticks: String { format(fractionDigits: 7) }

    /// `2023-04-17T06:26:17Z`, or with the shortest exact fraction (`…17.123Z`): the Web API's form.
    public var iso8601: String {
        let frac = ((ticks % Self.ticksPerSecond) + Self.ticksPerSecond) % Self.ticksPerSecond
        if frac == 0 { return format(fractionDigits: 0) }
        var digits = 7
        var f = frac
        while f % 10 == 0 { f /= 10; digits -= 1 }
        return format(fractionDigits: digits)
    }

    public var description: String { iso8601Ticks }

    private func format(fractionDigits: Int) -> String {
        var secs = ticks / Self.ticksPerSecond
        var frac = ticks % Self.ticksPerSecond
        if frac < 0 { frac += Self.ticksPerSecond; secs -= 1 }
        var days = secs / 86_400
        var rem = secs % 86_400
        if rem < 0 { rem += 86_400; days -= 1 }
        let (y, m, d) = Self.civilFromDays(Int(days))
        func pad(_ v: Int, _ n: Int) -> String {
            let t = String(v)
            return t.count >= n ? t : String(repeating: "0", count: n - t.count) + t
        }
        var out = "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(Int(rem / 3600), 2)):\(pad(Int(rem % 3600 / 60), 2)):\(pad(Int(rem % 60), 2))"
        if fractionDigits > 0 {
            let full = pad(Int(frac), 7)
            out += "." + full.prefix(fractionDigits)
        }
        return out + "Z"
    }

    // Howard Hinnant's civil-calendar algorithms (proleptic Gregorian).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civilFromDays(_ z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }
}

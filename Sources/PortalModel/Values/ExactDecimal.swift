import Foundation

/// An exact decimal number (Dataverse decimal and money columns) that remembers the invariant text it
/// was given, so `100.0000` written by CMT or the Web API is written back as `100.0000`.
///
/// Equality and hashing compare the numeric value (`1.50 == 1.5`); `text` is the invariant form
/// (`-` sign, `.` separator, no grouping, no exponent).
public struct ExactDecimal: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let text: String
    public let value: Decimal

    /// Parses invariant-culture text: optional sign, digits, optional `.` fraction; an exponent
    /// (`1E-05`) is accepted and normalised. Returns `nil` for anything else (`1,5`, `NaN`, empty).
    public init?(_ text: String) {
        let t = text.trimmingCharacters(in: .whitespaces)
        var sawDigit = false
        for (i, c) in t.enumerated() {
            if c.isASCII && c.isNumber { sawDigit = true; continue }
            if (c == "-" || c == "+") && i == 0 { continue }
            if c == "." || c == "e" || c == "E" || c == "-" || c == "+" { continue }
            return nil
        }
        guard sawDigit, let d = Decimal(string: t, locale: Locale(identifier: "en_US_POSIX")) else { return nil }
        if t.contains("e") || t.contains("E") || t.hasPrefix("+") {
            self.text = NSDecimalNumber(decimal: d).description(withLocale: Locale(identifier: "en_US_POSIX"))
        } else {
            self.text = t
        }
        self.value = d
    }

    /// From a `Decimal`; `text` is its invariant description.
    public init(_ value: Decimal) {
        self.value = value
        self.text = NSDecimalNumber(decimal: value).description(withLocale: Locale(identifier: "en_US_POSIX"))
    }

    public static func == (lhs: ExactDecimal, rhs: ExactDecimal) -> Bool { lhs.value == rhs.value }
    public func hash(into hasher: inout Hasher) {
        // Equal decimals convert to equal doubles, so this agrees with `==`.
        hasher.combine(NSDecimalNumber(decimal: value).doubleValue)
    }
    public static func < (lhs: ExactDecimal, rhs: ExactDecimal) -> Bool { lhs.value < rhs.value }
    public var description: String { text }

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        let s = try c.decode(String.self)
        guard let v = ExactDecimal(s) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "not a decimal: \(s)")
        }
        self = v
    }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(text)
    }
}

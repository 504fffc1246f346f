import Foundation
import PortalModel

/// Compares column values the way Dataverse stores them, so a source read from a file and a target read
/// from a service compare equal when the stored value is the same.
///
/// Rules: an empty string equals null (Dataverse stores empty text as null); lookups and owners compare
/// by referenced id only; numbers compare by value whatever their case (integer vs choice, decimal
/// scale); strings compare exactly (case matters for values); multi-select choices compare as sets.
public enum ValueComparison {
    /// True when `a` and `b` store the same value. `nil` (absent) counts as null.
    public static func equal(_ a: FieldValue?, _ b: FieldValue?) -> Bool {
        let x = normalized(a), y = normalized(b)
        if x == y { return true }
        switch (x, y) {
        case (.null, _), (_, .null): return false
        case let (.string(s), .string(t)): return s == t
        case let (.multiChoice(s), .multiChoice(t)): return Set(s) == Set(t)
        case let (.string(s), other), let (other, .string(s)):
            // A string read from a file against a typed value: compare the invariant text.
            return other.text == s
        default:
            if let rx = x.reference, let ry = y.reference { return rx.id == ry.id }
            if let c = RecordFilter.compare(x, y) { return c == 0 }
            return x.text == y.text
        }
    }

    private static func normalized(_ v: FieldValue?) -> FieldValue {
        guard let v else { return .null }
        if case .string(let s) = v, s.isEmpty { return .null }
        return v
    }
}

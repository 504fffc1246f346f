import Foundation
import PortalModel

extension StrictVerifier {
    /// The `notCompared` lines: one per kind of thing `leftOut` records (system columns; by table,
    /// environment-specific, not carried and out-of-scope columns; counts of kept absent values and
    /// dropped lookups), then the count of values a deployment profile sets (`hiddenColumns`). Out-of-scope
    /// columns are listed only for a table the scope excludes columns of, or under a schema scope.
    func notCompared(_ leftOut: VerifyLeftOut) -> [String] {
        var left: [String] = []
        if !leftOut.system.isEmpty {
            left.append(
                "system columns (\(leftOut.system.sorted().joined(separator: ", "))): not compared (Dataverse maintains them; bound to one environment)"
            )
        }
        for (table, cols) in leftOut.environmentSpecific.sorted(by: { $0.key < $1.key }) {
            left.append("\(table) columns \(cols.sorted().joined(separator: ", ")): not compared (environment specific: the website's domain)")
        }
        for (table, cols) in leftOut.notCarried.sorted(by: { $0.key < $1.key }) {
            left.append(
                "\(table) columns \(cols.sorted().joined(separator: ", ")): set in the target, not compared (\(carried.label) does not carry them)")
        }
        for (table, cols) in leftOut.excluded.sorted(by: { $0.key < $1.key })
        where scope.excludedColumns[table] != nil || scope.columnsByTable != nil {
            let excluded = scope.excludedColumns[table].map { cols.isSubset(of: $0) } ?? false
            let why =
                excluded ? scope.excludedColumnReasons[table] ?? "no counterpart in the target's data model" : "not in \(scope.label ?? "the schema")"
            left.append("\(table) columns \(cols.sorted().joined(separator: ", ")): not compared (\(why))")
        }
        if leftOut.keptAbsent > 0 {
            left.append(
                "\(leftOut.keptAbsent) value(s) the source leaves out, kept as the target has them (--keep-absent-columns, or a source format that does not say): not compared"
            )
        }
        if leftOut.droppedLookups > 0 {
            left.append("\(leftOut.droppedLookups) lookup(s) dropped on purpose (--missing-lookups drop): not compared")
        }
        if !hiddenColumns.isEmpty {
            left.append("\(hiddenColumns.count) value(s) set by the deployment profile: compared with the profile's value, never printed")
        }
        return left
    }

    /// The order of `StrictVerifyOutcome.differences`: by table, then id, then column, then kind.
    static func differenceOrder(_ a: VerifyDifference, _ b: VerifyDifference) -> Bool {
        (a.table, a.id.dataverseString, a.column ?? "", a.kind.rawValue) < (b.table, b.id.dataverseString, b.column ?? "", b.kind.rawValue)
    }
}

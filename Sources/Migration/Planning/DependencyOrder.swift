import Foundation
import PortalModel

/// The order tables are written in: a table after the tables its lookups point to, so a record can be
/// created with its lookups set (DESIGN.md "Ordering").
///
/// Cycles between tables (website ↔ website language, website ↔ web template, web page ↔ web file, web
/// form ↔ step) are broken by putting first the table most others in the cycle point to; lookups that
/// then point forward are the cycle-closing ones, written in a later pass. Website tables and portal
/// languages always come first. Ties break by logical name, so the order is deterministic.
public enum DependencyOrder {
    /// Orders `tables`; `lookupTargets(table)` gives the tables a table's lookups point to.
    public static func order(_ tables: Set<String>, lookupTargets: (String) -> Set<String>) -> [String] {
        var edges: [String: Set<String>] = [:]
        for t in tables { edges[t] = lookupTargets(t).intersection(tables).subtracting([t]) }
        var done: [String] = []
        var placed = Set<String>()
        var remaining = tables
        let first = ["adx_portallanguage", "adx_website", "powerpagesite"]
        for f in first where remaining.contains(f) {
            done.append(f); placed.insert(f); remaining.remove(f)
        }
        while !remaining.isEmpty {
            let ready = remaining.filter { edges[$0, default: []].isSubset(of: placed) }.sorted()
            if let next = ready.first {
                done.append(next); placed.insert(next); remaining.remove(next)
                continue
            }
            // A cycle: take the table most remaining tables point to.
            let pick = remaining.sorted().max { a, b in
                let ia = remaining.filter { edges[$0, default: []].contains(a) }.count
                let ib = remaining.filter { edges[$0, default: []].contains(b) }.count
                return ia < ib || (ia == ib && a > b)
            }!
            done.append(pick); placed.insert(pick); remaining.remove(pick)
        }
        return done
    }
}

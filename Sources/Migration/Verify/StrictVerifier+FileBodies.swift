import Foundation
import PortalModel

extension StrictVerifier {
    /// The file bodies of paired records to compare: target key → source key. A source body of a table in
    /// scope pairs with the target key of its mapped id (`idMap`) when that record was paired (`paired`,
    /// target ids by table); a body only the target has, on a paired record, pairs with its own key (the
    /// source side is then empty).
    func bodyPairs(source: PortalSnapshot, target: PortalSnapshot, paired: [String: Set<UUID>], idMap: [UUID: UUID])
        -> [FileBodyKey: FileBodyKey]
    {
        var pairs: [FileBodyKey: FileBodyKey] = [:]
        for key in source.bodies.keys where scope.includes(table: key.logicalName) {
            let tk = FileBodyKey(key.logicalName, idMap[key.id] ?? key.id, key.column)
            if paired[key.logicalName]?.contains(tk.id) ?? false { pairs[tk] = key }
        }
        for key in target.bodies.keys where paired[key.logicalName]?.contains(key.id) ?? false && pairs[key] == nil {
            pairs[key] = key
        }
        return pairs
    }

    /// The file-body step: each pair of `pairs` (target key → source key, in target key order) compared by
    /// SHA-256 (`digest`), skipping records compared on presence only; a `file-body` difference names the
    /// source record.
    func compareFileBodies(_ pairs: [FileBodyKey: FileBodyKey], source: PortalSnapshot, target: PortalSnapshot) -> VerifyFindings {
        var out = VerifyFindings()
        for (tk, sk) in pairs.sorted(by: { $0.key < $1.key }) {
            if presenceOnly[tk.logicalName]?.contains(tk.id) ?? false { continue }
            out.compared += 1
            let sh = Self.digest(source.bodies[sk]), th = Self.digest(target.bodies[tk])
            guard sh != th else { continue }
            let s = source.records[sk.logicalName]?.first { $0.id == sk.id }
            out.differences.append(
                VerifyDifference(
                    kind: .fileBody, table: tk.logicalName, id: sk.id, targetID: tk.id,
                    name: s.flatMap { PortalTables.primaryName($0, definitions: [:], catalog: catalog) },
                    column: tk.column, source: sh, target: th))
        }
        return out
    }
}

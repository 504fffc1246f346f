import Foundation
import PortalModel

extension StrictVerifier {
    /// The link step: every N:N relationship in scope that either side has, in name order
    /// (`compareLinks(of:…)`).
    func compareLinks(
        source: PortalSnapshot, target: PortalSnapshot, idMap: [UUID: UUID], removedLinks: [String: [ManyToManyLink]]
    ) -> VerifyFindings {
        var out = VerifyFindings()
        for rel in Set(source.links.keys).union(target.links.keys).sorted() where scope.includes(relationship: rel) {
            let found = compareLinks(
                of: rel, source: source.links[rel] ?? [], target: target.links[rel] ?? [], idMap: idMap,
                removed: removedLinks[rel] ?? [])
            out.compared += found.compared
            out.differences += found.differences
        }
        return out
    }

    /// The links of one relationship, both directions, in target ids (the source's ends mapped through
    /// `idMap`), matched by their ends' ids in order (first, second); links with an end in a table out
    /// of scope are left out. A source link the target lacks is `link-missing-in-target`;
    /// a target link the source lacks is `link-only-in-target` when `reportTargetOnly`, or when the run
    /// removed it (`removed`, either orientation). `compared` counts the source's links, plus the
    /// target's when `reportTargetOnly`.
    func compareLinks(
        of rel: String, source: Set<ManyToManyLink>, target: Set<ManyToManyLink>, idMap: [UUID: UUID], removed: [ManyToManyLink]
    ) -> VerifyFindings {
        func inScope(_ l: ManyToManyLink) -> Bool { scope.includes(table: l.first.logicalName) && scope.includes(table: l.second.logicalName) }
        func mapped(_ r: EntityReference) -> EntityReference { EntityReference(r.logicalName, idMap[r.id] ?? r.id) }
        func key(_ l: ManyToManyLink) -> [UUID] { [l.first.id, l.second.id] }
        let src = Set(source.filter(inScope).map { ManyToManyLink(mapped($0.first), mapped($0.second)) })
        let tgt = Set(target.filter(inScope))
        let srcKeys = Set(src.map(key)), tgtKeys = Set(tgt.map(key))
        var out = VerifyFindings()
        out.compared = srcKeys.union(reportTargetOnly ? tgtKeys : []).count
        for l in src.sorted() where !tgtKeys.contains(key(l)) {
            out.differences.append(VerifyDifference(kind: .linkMissingInTarget, table: rel, id: l.first.id, targetID: l.second.id))
        }
        let removedEnds = Set(removed.map { Set([$0.first.id, $0.second.id]) })
        if reportTargetOnly || !removedEnds.isEmpty {
            for l in tgt.sorted() where !srcKeys.contains(key(l)) && (reportTargetOnly || removedEnds.contains(Set(key(l)))) {
                out.differences.append(VerifyDifference(kind: .linkOnlyInTarget, table: rel, id: l.first.id, targetID: l.second.id))
            }
        }
        return out
    }
}

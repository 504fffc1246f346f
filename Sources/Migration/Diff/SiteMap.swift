import Foundation
import PortalModel

/// How a record compares between the two sides of a report: added (only in the target of a diff, or
/// created by a plan), removed (only in the source of a diff, or deleted by a plan), changed, same.
public enum ChangeStatus: String, Sendable, Hashable, Codable {
    case added, removed, changed, same
}

/// A content page of a site-map node: the page's copy in one website language.
public struct SiteMapContentPage: Sendable, Hashable {
    public var language: String
    public var title: String
    public var status: ChangeStatus

    public init(language: String, title: String, status: ChangeStatus) {
        self.language = language
        self.title = title
        self.status = status
    }
}

/// A root web page placed in the site map (input of `SiteMap.tree`).
///
/// - `id`: the page's id on the side the tree is drawn in (the target's for a paired page).
/// - `parentID`: its parent page in the same ids; `nil` for Home and pages without a parent.
public struct SiteMapPage: Sendable, Hashable {
    public var id: UUID
    public var parentID: UUID?
    public var name: String
    public var path: String
    public var status: ChangeStatus
    public var contentPages: [SiteMapContentPage]

    public init(id: UUID, parentID: UUID?, name: String, path: String, status: ChangeStatus, contentPages: [SiteMapContentPage]) {
        self.id = id
        self.parentID = parentID
        self.name = name
        self.path = path
        self.status = status
        self.contentPages = contentPages
    }
}

/// A page of the site map with its child pages, ordered by path.
public struct SiteMapNode: Sendable, Hashable {
    public var page: SiteMapPage
    public var children: [SiteMapNode]
}

/// The site map of a drift comparison or a plan: the website's root web pages by parent page, each
/// marked added / removed / changed / same, with its content pages per language.
public enum SiteMap {
    /// Pages nested deeper than this are listed under their ancestor at this depth (bounded recursion
    /// over hostile input); a page in a parent cycle is listed at the top level.
    public static let maxDepth = 40

    /// Nests `pages` by `parentID` (a parent not among them makes a top-level page), children by path.
    public static func tree(_ pages: [SiteMapPage]) -> [SiteMapNode] {
        let ids = Set(pages.map(\.id))
        var children: [UUID: [SiteMapPage]] = [:]
        var roots: [SiteMapPage] = []
        for p in pages {
            if let parent = p.parentID, parent != p.id, ids.contains(parent) { children[parent, default: []].append(p) } else { roots.append(p) }
        }
        var placed = Set<UUID>()
        func ordered(_ list: [SiteMapPage]) -> [SiteMapPage] { list.sorted { ($0.path, $0.id.dataverseString) < ($1.path, $1.id.dataverseString) } }
        func all(below id: UUID) -> [SiteMapPage] { // iterative: every descendant not yet placed
            var out: [SiteMapPage] = [], stack = children[id] ?? []
            while let p = stack.popLast() { if placed.insert(p.id).inserted { out.append(p); stack += children[p.id] ?? [] } }
            return out
        }
        func node(_ p: SiteMapPage, depth: Int) -> SiteMapNode {
            if depth >= maxDepth { return SiteMapNode(page: p, children: ordered(all(below: p.id)).map { SiteMapNode(page: $0, children: []) }) }
            let kids = ordered((children[p.id] ?? []).filter { placed.insert($0.id).inserted })
            return SiteMapNode(page: p, children: kids.map { node($0, depth: depth + 1) })
        }
        var out: [SiteMapNode] = []
        for r in ordered(roots) where placed.insert(r.id).inserted { out.append(node(r, depth: 0)) }
        for p in ordered(pages) where placed.insert(p.id).inserted { out.append(node(p, depth: 0)) } // parent cycles
        return out
    }

    /// True for a content page (a page with a root page other than itself).
    static func isContentPage(_ r: EntityRecord) -> Bool {
        guard let root = r.columns["adx_rootwebpageid"]?.reference?.id else { return false }
        return root != r.id
    }

    /// The site map of a drift comparison, in the target's ids (a page only the source has in its own).
    public static func drift(_ result: DriftResult) -> [SiteMapNode] {
        let src = result.source.snapshot.records["adx_webpage"] ?? [], tgt = result.target.snapshot.records["adx_webpage"] ?? []
        let srcLabels = RecordKeyLabel(result.source.snapshot), tgtLabels = RecordKeyLabel(result.target.snapshot)
        let tgtIDs = Set(tgt.map(\.id))
        func mapped(_ id: UUID) -> UUID { result.idMap[id] ?? id }
        var changed = Set<UUID>() // target ids of changed pages (content pages included)
        for d in result.differences where d.item.table == "adx_webpage" && (d.item.kind == .column || d.item.kind == .fileBody) {
            changed.insert(d.item.targetID ?? d.item.id)
        }
        let pairedSource = Set(src.filter { tgtIDs.contains(mapped($0.id)) }.map { mapped($0.id) })
        func contentPages(sourceRoot: UUID?, targetRoot: UUID?) -> [SiteMapContentPage] {
            var out: [SiteMapContentPage] = []
            var seen = Set<UUID>()
            for c in tgt where isContentPage(c) && c.columns["adx_rootwebpageid"]?.reference?.id == targetRoot && targetRoot != nil {
                seen.insert(c.id)
                let status: ChangeStatus = pairedSource.contains(c.id) ? (changed.contains(c.id) ? .changed : .same) : .added
                out.append(
                    SiteMapContentPage(
                        language: tgtLabels.language(c.columns["adx_webpagelanguageid"]),
                        title: c.string("adx_title") ?? tgtLabels.name(c), status: status))
            }
            for c in src
            where isContentPage(c) && c.columns["adx_rootwebpageid"]?.reference?.id == sourceRoot && sourceRoot != nil
                && !seen.contains(mapped(c.id))
            {
                out.append(
                    SiteMapContentPage(
                        language: srcLabels.language(c.columns["adx_webpagelanguageid"]),
                        title: c.string("adx_title") ?? srcLabels.name(c), status: .removed))
            }
            return out.sorted { ($0.language, $0.title) < ($1.language, $1.title) }
        }
        var pages: [SiteMapPage] = []
        var reverse: [UUID: UUID] = [:]
        for s in src { reverse[mapped(s.id)] = s.id }
        for t in tgt where !isContentPage(t) {
            let sourceID = pairedSource.contains(t.id) ? reverse[t.id] : nil
            let content = contentPages(sourceRoot: sourceID, targetRoot: t.id)
            let status: ChangeStatus =
                sourceID == nil
                ? .added
                : (changed.contains(t.id) || content.contains { $0.status != .same }) ? .changed : .same
            pages.append(
                SiteMapPage(
                    id: t.id, parentID: t.columns["adx_parentpageid"]?.reference?.id, name: tgtLabels.name(t),
                    path: tgtLabels.path(t), status: status, contentPages: content))
        }
        for s in src where !isContentPage(s) && !tgtIDs.contains(mapped(s.id)) {
            pages.append(
                SiteMapPage(
                    id: s.id, parentID: s.columns["adx_parentpageid"]?.reference.map { mapped($0.id) }, name: srcLabels.name(s),
                    path: srcLabels.path(s), status: .removed,
                    contentPages: contentPages(sourceRoot: s.id, targetRoot: nil)))
        }
        return tree(pages)
    }

    /// The site map of a plan, in the target's ids: pages the plan creates are added, updates changed,
    /// deletions removed, the rest of the target's pages the same.
    public static func plan(_ plan: MigrationPlan, source: PortalSnapshot, target: PortalSnapshot) -> [SiteMapNode] {
        var byTarget: [UUID: RecordPlan] = [:]
        for r in plan.records where r.table == "adx_webpage" { byTarget[r.targetID] = r }
        let deleted = Set(plan.deletions.filter { $0.table == "adx_webpage" }.map(\.targetID))
        func status(_ id: UUID) -> ChangeStatus {
            if deleted.contains(id) { return .removed }
            guard let r = byTarget[id] else { return .same }
            switch r.action {
            case .create: return .added
            case .update: return .changed
            case .delete: return .removed
            case .unchanged: return r.writesNothing ? .same : .changed
            }
        }
        func mapped(_ id: UUID) -> UUID { plan.idMap[id] ?? id }
        // The page as it will be: the source's record for planned pages, the target's otherwise.
        var pages: [UUID: EntityRecord] = [:]
        for t in target.records["adx_webpage"] ?? [] { pages[t.id] = t }
        var fromSource = Set<UUID>()
        for s in source.records["adx_webpage"] ?? [] { pages[mapped(s.id)] = s; fromSource.insert(mapped(s.id)) }
        let srcLabels = RecordKeyLabel(source), tgtLabels = RecordKeyLabel(target)
        func labels(_ id: UUID) -> RecordKeyLabel { fromSource.contains(id) ? srcLabels : tgtLabels }
        func root(_ r: EntityRecord, _ id: UUID) -> UUID? {
            r.columns["adx_rootwebpageid"]?.reference.map { fromSource.contains(id) ? mapped($0.id) : $0.id }
        }
        var content: [UUID: [SiteMapContentPage]] = [:]
        for (id, r) in pages where isContentPage(r) {
            guard let rootID = root(r, id) else { continue }
            content[rootID, default: []].append(
                SiteMapContentPage(
                    language: labels(id).language(r.columns["adx_webpagelanguageid"]),
                    title: r.string("adx_title") ?? labels(id).name(r), status: status(id)))
        }
        var out: [SiteMapPage] = []
        for (id, r) in pages where !isContentPage(r) {
            let parent = r.columns["adx_parentpageid"]?.reference.map { fromSource.contains(id) ? mapped($0.id) : $0.id }
            let c = (content[id] ?? []).sorted { ($0.language, $0.title) < ($1.language, $1.title) }
            var st = status(id)
            if st == .same && c.contains(where: { $0.status != .same }) { st = .changed }
            out.append(SiteMapPage(id: id, parentID: parent, name: labels(id).name(r), path: labels(id).path(r), status: st, contentPages: c))
        }
        return tree(out)
    }
}

import Crypto
import Foundation
import Migration
import PortalModel

/// Helpers shared by the report builders: value cells, line diffs, site-map nodes, file bodies.
enum ReportValues {
    /// A changed column: both values (empty string for none) and, for long values, their line diff.
    static func column(_ name: String, source: String?, target: String?) -> ReportColumn {
        var lines: [ReportDiffLine] = []
        let hidden = source == VerifyDifference.hidden || target == VerifyDifference.hidden
        if !hidden, LineDiff.isLong(source) || LineDiff.isLong(target), let diff = LineDiff.diff(source ?? "", target ?? "") {
            lines = diff.map { l in
                ReportDiffLine(
                    cls: l.kind.rawValue, sourceNumber: l.sourceNumber > 0 ? String(l.sourceNumber) : "",
                    targetNumber: l.targetNumber > 0 ? String(l.targetNumber) : "", text: l.text)
            }
        }
        return ReportColumn(
            column: name, source: source ?? "", target: target ?? "", sourceEmpty: source == nil,
            targetEmpty: target == nil, lines: lines)
    }

    /// The site map as report nodes (bounded depth: `SiteMap.tree` caps nesting).
    static func nodes(_ nodes: [SiteMapNode]) -> [ReportNode] {
        nodes.map { n in
            ReportNode(
                name: n.page.name, path: n.page.path, status: n.page.status.rawValue,
                contentPages: n.page.contentPages.map { ReportContentPage(language: $0.language, title: $0.title, status: $0.status.rawValue) },
                children: Self.nodes(n.children))
        }
    }

    /// Image extensions shown as thumbnails, with their MIME types (SVG is left out: it is a document).
    static let imageTypes = [
        "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif", "webp": "image/webp",
        "bmp": "image/bmp", "ico": "image/x-icon",
    ]
    /// Bodies larger than this (bytes) get no thumbnail, to keep the page small.
    static let thumbnailLimit = 512 * 1024

    /// A web file's body on one side: size text, `sha256:` hash, and a `data:` URI thumbnail for images.
    struct Body { var size = ""; var hash = ""; var thumbnail = ""; var digest: String? }

    /// The body of web file `id` in `snapshot`: a body keyed by the web file itself, else its note's
    /// `documentbody` (`annotation` whose `objectid` is the web file).
    static func body(of id: UUID, fileName: String, in snapshot: PortalSnapshot) -> Body {
        var key = snapshot.bodies.keys.filter { $0.logicalName == "adx_webfile" && $0.id == id }.sorted().first
        if key == nil {
            let notes = (snapshot.records["annotation"] ?? []).filter { $0.columns["objectid"]?.reference?.id == id }.map(\.id)
            key = snapshot.bodies.keys.filter { $0.logicalName == "annotation" && notes.contains($0.id) }.sorted().first
        }
        guard let key, let data = try? snapshot.bodies[key]?.load(), !data.isEmpty else { return Body() }
        let hex = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
        let bytes = "\(data.count) bytes"
        let formatted = ByteCountFormatter.string(fromByteCount: Int64(data.count), countStyle: .file)
        var b = Body(size: formatted == bytes || data.count < 1000 ? bytes : "\(formatted) (\(bytes))", hash: "sha256:" + hex, digest: hex)
        let ext = (fileName as NSString).pathExtension.lowercased()
        if let mime = imageTypes[ext], data.count <= thumbnailLimit {
            b.thumbnail = "data:\(mime);base64," + data.base64EncodedString()
        }
        return b
    }

    /// The file name of a web file record: its partial URL, else its name.
    static func fileName(_ r: EntityRecord) -> String { r.string("adx_partialurl") ?? r.string("adx_name") ?? r.id.dataverseString }

    /// A value as shown in a plan: text, a lookup as the referenced record's label when known.
    static func display(_ v: FieldValue?, labels: [RecordKeyLabel]) -> String? {
        guard let v, !v.isNull else { return nil }
        if let r = v.reference {
            for l in labels { if let rec = l.record(r.logicalName, r.id) { return "\(r.logicalName) \(l.label(rec))" } }
            return "\(r.logicalName) \(r.id.dataverseString)"
        }
        let t = v.text
        return t?.isEmpty ?? true ? nil : t
    }
}

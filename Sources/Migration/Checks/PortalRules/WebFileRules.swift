import Foundation
import PortalModel

/// Rules about web file content (research/platform-behaviours.md §6).
enum WebFileRules {
    static let all: [PortalRule] = [webFileWithoutContent]

    /// An active web file with no note holding a body and no Azure blob address: the runtime answers
    /// 404 (no note) or 204 (a note without a body); Site Checker reports "no attachment" and "empty
    /// attachment". A warning: downloads of real sites have such web files (book-multilang-2023).
    static let webFileWithoutContent = PortalRule(
        id: .webFileWithoutContent, severity: .warning,
        summary: "an active web file without a note holding its content, or with an empty one (answers 404 or 204)",
        source: "research/platform-behaviours.md §6 [V-src AnnotationDataAdapter.cs; V-doc site-checker-configuration-issues.md]",
        needs: ["adx_webfile", "annotation"]
    ) { input, rule in
        var notes: [UUID: [EntityRecord]] = [:]
        for n in input.rows("annotation") { if let owner = n.lookupID("objectid") { notes[owner, default: []].append(n) } }
        return input.rows("adx_webfile").filter(PortalRuleInput.isActive).compactMap { f in
            if let blob = f.string("adx_cloudblobaddress"), !blob.isEmpty { return nil }
            let mine = notes[f.id] ?? []
            if mine.isEmpty {
                return rule.diagnostic(
                    "the web file has no note holding its content; its URL answers 404", f,
                    fix: "add the file's content (in a pac folder: the file beside its .webfile.yml), or delete the web file")
            }
            let sizes = mine.map { bodySize($0, input.snapshot) }
            if sizes.allSatisfy({ $0 == 0 }) {
                return rule.diagnostic(
                    "the web file's note has no content (0 bytes); its URL answers 204 No Content", f,
                    fix: "put the file's content in the note (in a pac folder: the file beside its .webfile.yml)")
            }
            return nil
        }
    }

    /// The note's body size in bytes: its body in the snapshot, else its `documentbody` column (base64:
    /// any text counts as content), else 0. A body that cannot be read counts as present (the reader
    /// reports unreadable files itself).
    static func bodySize(_ note: EntityRecord, _ snapshot: PortalSnapshot) -> Int {
        if let body = snapshot.bodies[FileBodyKey("annotation", note.id, "documentbody")] { return (try? body.size()) ?? 1 }
        if let text = note.string("documentbody") { return text.count }
        return 0
    }
}

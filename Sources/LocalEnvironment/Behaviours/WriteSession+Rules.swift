import Foundation
import PortalModel

/// The write-time platform behaviours E1–E5 (research/platform-behaviours.md §8, §1.1, §2.3;
/// research/emulator-facts.md §1.3).
extension WriteSession {
    /// Columns copied from a root web page to the content pages E3 creates (research/platform-behaviours.md
    /// §2.3, the suggested default list). Only those the table has are copied.
    static let contentPageCopiedColumns = [
        "adx_websiteid", "adx_parentpageid", "adx_partialurl", "adx_pagetemplateid", "adx_publishingstateid",
        "adx_name", "adx_title", "adx_displayorder", "adx_hiddenfromsitemap", "adx_excludefromsearch",
        "adx_feedbackpolicy", "adx_enablerating", "adx_entityform", "adx_entitylist", "adx_webform",
        "adx_sharedpageconfiguration", "adx_copy", "adx_summary",
    ]

    /// Validation before a create or update is stored. `merged` is the record after the write.
    func checkRules(_ def: TableDefinition, _ id: UUID, merged: [String: FieldValue], written: Prepared, isCreate: Bool) throws {
        switch def.logicalName {
        case "adx_webpage":
            if isCreate, rules.contains(.webPageNeedsWebsite), def.column("adx_websiteid") != nil,
                merged["adx_websiteid"]?.reference == nil
            {
                throw DataverseError(
                    httpStatus: 400, code: DataverseError.Code.pluginFailure,
                    message: LocalEnvironmentMessages.noWebsite, logicalName: def.logicalName,
                    recordID: id, column: "adx_websiteid")
            }
            if rules.contains(.rootPagePartialURL), def.column("adx_parentpageid") != nil,
                merged["adx_parentpageid"]?.reference == nil, merged["adx_partialurl"]?.text != "/"
            {
                throw DataverseError(
                    httpStatus: 400, code: DataverseError.Code.pluginFailure,
                    message: LocalEnvironmentMessages.homePagePartialURL, logicalName: def.logicalName,
                    recordID: id, column: "adx_partialurl")
            }
        case "annotation":
            guard rules.contains(.attachmentRules) else { return }
            let touchesFile = written.body != nil || written.columns["filename"] != nil
            guard touchesFile else { return }
            let key = FileBodyKey(def.logicalName, id, "documentbody")
            let hasBody: Bool
            if let b = written.body { hasBody = b.data != nil } else { hasBody = try self.hasBody(key) }
            guard hasBody else { return }
            if let name = merged["filename"]?.text, organization.blocks(fileName: name) {
                throw attachmentBlocked(def.logicalName, id, "filename")
            }
            if let b = written.body, b.base64Length > organization.maxUploadFileSize {
                throw attachmentTooLarge(def.logicalName, id, "documentbody")
            }
        default:
            break
        }
    }

    /// Behaviours after a create is stored: E3 content pages, E4 web link set copies.
    func afterCreate(_ def: TableDefinition, _ id: UUID, _ columns: [String: FieldValue]) throws {
        switch def.logicalName {
        case "adx_webpage":
            guard rules.contains(.contentPages), def.column("adx_rootwebpageid") != nil,
                def.column("adx_webpagelanguageid") != nil,
                columns["adx_rootwebpageid"]?.reference == nil,
                columns["adx_isroot"] != .boolean(false),
                let website = columns["adx_websiteid"]?.reference
            else { return }
            let languages = try referencing(website.logicalName, website.id)
                .filter { $0.0 == "adx_websitelanguage" && $0.2 == "adx_websiteid" }
                .map(\.1).sorted { $0.dataverseString < $1.dataverseString }
            guard !languages.isEmpty else { return }
            if def.column("adx_isroot") != nil, columns["adx_isroot"] != .boolean(true) {
                var root = columns
                root["adx_isroot"] = .boolean(true)
                let stored = try load(def.logicalName, id)
                try save(def.logicalName, id, root, createdOn: stored?.createdOn ?? now.ticks)
            }
            for language in languages {
                var content: [String: FieldValue] = [:]
                for c in WriteSession.contentPageCopiedColumns where def.column(c) != nil {
                    if let v = columns[c] { content[c] = v }
                }
                if def.column("adx_isroot") != nil { content["adx_isroot"] = .boolean(false) }
                content["adx_rootwebpageid"] = .lookup(EntityReference(def.logicalName, id))
                content["adx_webpagelanguageid"] = .lookup(EntityReference("adx_websitelanguage", language))
                try save(def.logicalName, UUID(), WriteSession.withDefaultState(def, content), createdOn: nil)
            }
        case "adx_websitelanguage":
            guard rules.contains(.copyWebLinkSets), let website = columns["adx_websiteid"]?.reference,
                let setDef = catalog.table("adx_weblinkset"), setDef.column("adx_websitelanguageid") != nil
            else { return }
            // Copy the link sets of one other language of the site (the first by id).
            let sets = try referencing(website.logicalName, website.id).filter { $0.0 == "adx_weblinkset" }
            var byLanguage: [UUID: [UUID]] = [:]
            for (_, setID, _) in sets {
                guard let s = try load("adx_weblinkset", setID), let lang = s.columns["adx_websitelanguageid"]?.reference?.id,
                    lang != id
                else { continue }
                byLanguage[lang, default: []].append(setID)
            }
            guard let source = byLanguage.keys.sorted(by: { $0.dataverseString < $1.dataverseString }).first else { return }
            for setID in byLanguage[source] ?? [] {
                guard var copy = try load("adx_weblinkset", setID)?.columns else { continue }
                let newSet = UUID()
                copy["adx_websitelanguageid"] = .lookup(EntityReference(def.logicalName, id))
                try save("adx_weblinkset", newSet, copy, createdOn: nil)
                for (t, linkID, column) in try referencing("adx_weblinkset", setID) where t == "adx_weblink" && column == "adx_weblinksetid" {
                    guard var link = try load("adx_weblink", linkID)?.columns else { continue }
                    link["adx_weblinksetid"] = .lookup(EntityReference("adx_weblinkset", newSet))
                    try save("adx_weblink", UUID(), link, createdOn: nil)
                }
            }
        default:
            break
        }
    }
}

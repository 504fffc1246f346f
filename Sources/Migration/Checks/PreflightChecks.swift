import Foundation
import PortalModel

/// The checks that run before the first write, all collected and reported together (issue 6 "Checks
/// before the first write"; DESIGN.md "Nothing lost"; peers-and-pain §4 item 7).
///
/// - `website-not-found`: the source has no website record, or `--targetWebSiteId` names a website the
///   target lacks.
/// - `schema-drift`: a table, a column holding a value, or an N:N relationship of the source that the
///   target's metadata (`tableDefinitions()`) lacks; one diagnostic per record and column.
/// - `language-mismatch`: source and target base languages differ (Microsoft requires the same default
///   language, research/platform-behaviours.md §7.1). When the source is a folder or package (no
///   organization), its base language is the LCID of the website's default language
///   (`SourceBaseLanguage`); a source without one is not checked.
/// - `blocked-extension` / `file-too-large`: a note to write whose file name extension the target's
///   `blockedattachments` lists (minus `--unblock-extensions`) or whose body exceeds `maxuploadfilesize`
///   (research/platform-behaviours.md P8; research/emulator-facts.md §1).
/// - `other-site-records`: records the target already has (by id) that belong to another website
///   (`CrossSiteCheck`).
/// - `value-too-long`, `option-out-of-range`, `empty-id`: values Dataverse would refuse (`ValueChecks`).
/// - the error rules of `PortalRules` that find a broken site (`PortalRules.beforeWriting`), minus `--skip-check`.
/// - `missing-lookup`, `ambiguous-match` and `deletion-outside-site` come from planning;
///   `missing-link-record` and `lookup-wrong-table` from `ReferenceChecks`.
public enum PreflightChecks {
    /// Runs every check and returns the diagnostics (errors and warnings), sorted for output.
    /// - Parameters:
    ///   - source: the source snapshot (after the deployment profile).
    ///   - planning: the plan and target facts.
    ///   - sourceOrganization: the source environment's settings, `nil` when the source is a file.
    ///   - targetOrganization: the target's settings.
    ///   - unblocked: extensions `--unblock-extensions` removes from the blocked list for the run.
    ///   - targetWebsiteRequested: true when `--targetWebSiteId` was given.
    ///   - skipChecks: portal rules not to run (`--skip-check`); the others' errors are part of the checks
    ///     (`PortalRules.beforeWriting`: the site the source describes would not work).
    public static func run(
        source: PortalSnapshot, planning: PlanningResult, sourceOrganization: OrganizationInfo?,
        targetOrganization: OrganizationInfo, unblocked: Set<String>,
        targetWebsiteRequested: Bool, skipChecks: Set<PortalRuleID> = []
    ) -> [Diagnostic] {
        var out: [Diagnostic] = planning.plan.diagnostics

        // Portal rules: data that breaks the site (duplicate root URLs, no Home marker, inactive templates…).
        out += PortalRules.beforeWriting(source, skipping: skipChecks)
        let defs = planning.targetDefinitions
        let plan = planning.plan

        // Website.
        let hasWebsite = PortalTables.websiteTables.contains { !(source.records[$0] ?? []).isEmpty }
        if !hasWebsite && planning.websiteScoped {
            out.append(
                Diagnostic(
                    check: .websiteNotFound, message: "the source has no website \(plan.sourceWebsiteID.dataverseString)",
                    recordID: plan.sourceWebsiteID))
        }
        if targetWebsiteRequested && !planning.targetWebsiteExists {
            out.append(
                Diagnostic(
                    check: .websiteNotFound,
                    message: "the target has no website \(plan.targetWebsiteID.dataverseString) (--targetWebSiteId)",
                    recordID: plan.targetWebsiteID))
        }

        // Records of another website the run would move into this one.
        out += CrossSiteCheck.run(planning)

        // Values Dataverse would refuse halfway (lengths, states, empty ids).
        out += ValueChecks.run(source: source, definitions: defs)

        // Schema drift.
        for table in source.tableNames where !(source.records[table] ?? []).isEmpty {
            let rows = source.records[table] ?? []
            guard let def = defs[table] else {
                out.append(
                    Diagnostic(
                        check: .schemaDrift,
                        message: "the target has no table \(table) (\(rows.count) record(s) to write)", table: table))
                continue
            }
            var missing: [String: [EntityRecord]] = [:]
            for r in rows {
                for (c, v) in r.columns
                where !v.isNull && def.column(c) == nil
                    && PortalTables.isDataColumn(c, primaryID: def.primaryIDColumn) && c != "documentbody"
                {
                    missing[c, default: []].append(r)
                }
            }
            for (c, recs) in missing.sorted(by: { $0.key < $1.key }) {
                for r in recs.sorted(by: { $0.id.dataverseString < $1.id.dataverseString }) {
                    out.append(
                        Diagnostic(
                            check: .schemaDrift, message: "the target's \(table) has no column \(c)",
                            table: table, recordID: r.id,
                            recordName: PortalTables.primaryName(r, definitions: defs, catalog: .standard), column: c))
                }
            }
        }
        let targetRelationships = Set(defs.values.flatMap { $0.relationships.map(\.name) })
        for (rel, links) in source.links.sorted(by: { $0.key < $1.key }) where !links.isEmpty && !targetRelationships.contains(rel) {
            out.append(
                Diagnostic(
                    check: .schemaDrift,
                    message: "the target has no N:N relationship \(rel) (\(links.count) link(s) to write)"))
        }

        // Base language: the source organization's, or (for a folder or package) the LCID of the
        // source website's default language.
        if let s = sourceOrganization, s.languageCode != targetOrganization.languageCode {
            out.append(
                Diagnostic(
                    check: .languageMismatch,
                    message:
                        "the source's base language is \(s.languageCode) and the target's is \(targetOrganization.languageCode); Microsoft requires the same base language"
                ))
        } else if sourceOrganization == nil,
            let derived = SourceBaseLanguage.derive(from: source, websiteID: plan.sourceWebsiteID),
            derived.lcid != targetOrganization.languageCode
        {
            out.append(
                Diagnostic(
                    check: .languageMismatch,
                    message:
                        "the source website \"\(derived.websiteName)\" has default language \(derived.lcid) (adx_defaultlanguage) and the target's base language is \(targetOrganization.languageCode); Microsoft requires the same base language (use --force to write anyway)",
                    table: "adx_website", recordName: derived.websiteName, column: "adx_defaultlanguage"))
            // No record id: the check concerns the whole run, so --force must not exclude the website.
        }

        // Notes: blocked extensions and size.
        var blockedOrg = targetOrganization
        blockedOrg.blockedAttachments.removeAll { unblocked.contains($0) }
        for r in plan.records where r.bodyKey != nil || (r.table == "annotation" && r.record.columns["filename"] != nil) {
            guard r.table == "annotation", let src = r.sourceID.flatMap({ source.record("annotation", $0) }) else { continue }
            let fileName = src.string("filename") ?? ""
            let parent = src.lookupID("objectid")
            let detail = parent.map { " on \(src["objectid"]?.reference?.logicalName ?? "record") \($0.dataverseString)" } ?? ""
            if blockedOrg.blocks(fileName: fileName) {
                let ext = fileName.split(separator: ".").last.map(String.init)?.lowercased() ?? ""
                out.append(
                    Diagnostic(
                        check: .blockedExtension,
                        message: "the target blocks .\(ext) attachments (note \"\(fileName)\"\(detail)); use --unblock-extensions \(ext)",
                        table: "annotation", recordID: src.id, recordName: fileName, column: "filename"))
            }
            if let key = r.bodyKey, let body = source.bodies[key], let size = try? body.size(), size > targetOrganization.maxUploadFileSize {
                out.append(
                    Diagnostic(
                        check: .fileTooLarge,
                        message:
                            "the note \"\(fileName)\"\(detail) has \(size) bytes; the target accepts at most \(targetOrganization.maxUploadFileSize) (maxuploadfilesize)",
                        table: "annotation", recordID: src.id, recordName: fileName, column: "documentbody"))
            }
        }
        return out.sorted {
            ($0.check, $0.table ?? "", $0.recordID?.dataverseString ?? "", $0.column ?? "") < (
                $1.check, $1.table ?? "", $1.recordID?.dataverseString ?? "", $1.column ?? ""
            )
        }
    }
}

import Foundation
import PortalModel

/// Rules about page templates, web templates and content snippets referenced but missing or inactive
/// (research/platform-behaviours.md §2.2 rendering, §4 "first record wins": web templates by name,
/// `statecode = 0` only; snippets by name without case).
enum TemplateRules {
    static let all: [PortalRule] = [missingPageTemplate, missingWebTemplate, liquidMissingWebTemplate, missingSnippet]

    /// An active web page whose page template the source lacks or has deactivated: the page renders
    /// nothing (the content map has no template for its node).
    static let missingPageTemplate = PortalRule(
        id: .missingPageTemplate, severity: .error,
        summary: "an active web page whose page template is missing or inactive (the page does not render)",
        source: "research/platform-behaviours.md §2.2 [V-src ContentMapCrmSiteMapProvider.cs]",
        needs: ["adx_webpage", "adx_pagetemplate"]
    ) { input, rule in
        let templates = input.byID("adx_pagetemplate")
        return input.rows("adx_webpage").filter(PortalRuleInput.isActive).compactMap { p in
            guard let id = p.lookupID("adx_pagetemplateid") else { return nil }
            return problem(rule, input, p, column: "adx_pagetemplateid", kind: "page template", id: id, found: templates[id])
        }
    }

    /// A page template, or the website's header or footer, whose web template the source lacks or has
    /// deactivated (the runtime loads `statecode = 0` web templates only).
    static let missingWebTemplate = PortalRule(
        id: .missingWebTemplate, severity: .error,
        summary: "a page template or the website's header/footer naming a web template that is missing or inactive",
        source: "research/platform-behaviours.md §4 [V-src EntityFileSystem.cs: statecode = 0 only]",
        needs: ["adx_pagetemplate", "adx_webtemplate"]
    ) { input, rule in
        let templates = input.byID("adx_webtemplate")
        var out: [Diagnostic] = []
        for t in input.rows("adx_pagetemplate") where PortalRuleInput.isActive(t) {
            guard let id = t.lookupID("adx_webtemplateid") else { continue }
            if let d = problem(rule, input, t, column: "adx_webtemplateid", kind: "web template", id: id, found: templates[id]) { out.append(d) }
        }
        for site in input.rows("adx_website") {
            for column in ["adx_headerwebtemplateid", "adx_footerwebtemplateid"] {
                guard let id = site.lookupID(column) else { continue }
                if let d = problem(rule, input, site, column: column, kind: "web template", id: id, found: templates[id]) { out.append(d) }
            }
        }
        return out
    }

    /// A Liquid `{% include 'NAME' %}` or `{% extends 'NAME' %}` in a web template, a page's copy or a
    /// snippet naming no active web template of the source (compared without case): the page shows a
    /// Liquid error where the template should be.
    static let liquidMissingWebTemplate = PortalRule(
        id: .liquidMissingWebTemplate, severity: .warning,
        summary: "a Liquid include or extends naming a web template that is missing or inactive",
        source: "research/platform-behaviours.md §4 [V-src EntityFileSystem.cs]; Assumption: names compare without case",
        needs: ["adx_webtemplate"]
    ) { input, rule in
        let names = Set(input.rows("adx_webtemplate").filter(PortalRuleInput.isActive).compactMap { $0.string("adx_name")?.lowercased() })
        return references(input, pattern: #"\{%-?\s*(?:include|extends)\s+['"]([^'"]+)['"]"#).compactMap { ref in
            names.contains(ref.name.lowercased()) || isBuiltIn(ref.name)
                ? nil
                : rule.diagnostic(
                    "Liquid names the web template \"\(ref.name)\", which the website does not have (or has inactive)",
                    ref.record, column: ref.column, fix: "add that web template, or correct the name in the Liquid")
        }
    }

    /// A Liquid `snippets['NAME']` or `{% editable snippets 'NAME' %}` naming no content snippet of the
    /// source (compared without case, as the runtime does): the place renders empty.
    static let missingSnippet = PortalRule(
        id: .missingSnippet, severity: .warning,
        summary: "a Liquid snippets['NAME'] without a default naming a content snippet that is missing or inactive (renders empty)",
        source: "research/platform-behaviours.md §4 [V-src ContentMap.cs: snippets by name, case-insensitive]",
        needs: ["adx_contentsnippet"]
    ) { input, rule in
        let names = Set(input.rows("adx_contentsnippet").filter(PortalRuleInput.isActive).compactMap { $0.string("adx_name")?.lowercased() })
        // A reference with a fallback (`snippets['X'] | default: …`, `{% editable snippets 'X' default: … %}`)
        // is a snippet the site may leave out on purpose: Microsoft's templates do it throughout.
        let pattern = #"(?:snippets\s*\[\s*['"]([^'"]+)['"]\s*\](?!\s*\|\s*default)|editable\s+snippets\s+['"]([^'"]+)['"](?![^%]*default\s*:))"#
        return references(input, pattern: pattern).compactMap { ref in
            names.contains(ref.name.lowercased())
                ? nil
                : rule.diagnostic(
                    "Liquid names the content snippet \"\(ref.name)\", which the website does not have (or has inactive)",
                    ref.record, column: ref.column, fix: "add that content snippet, or correct the name in the Liquid")
        }
    }

    /// A lower-case snake_case name (`entity_list`, `page_copy`, `layout_1_column`, `snippet`): a template
    /// the runtime ships, not a record. Assumption: the corpus sites include these names without having
    /// web templates of those names and run; Microsoft's templates are named in words ("Page Copy").
    static func isBuiltIn(_ name: String) -> Bool {
        !name.isEmpty && name.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }

    /// The diagnostic for a lookup to `kind` `id` that is missing (`found` nil) or inactive; nil when fine.
    static func problem(
        _ rule: PortalRule, _ input: PortalRuleInput, _ r: EntityRecord, column: String, kind: String, id: UUID,
        found: EntityRecord?
    ) -> Diagnostic? {
        guard let found else {
            if input.targetMayHoldReferences { return nil }
            return rule.diagnostic(
                "the \(kind) \(id.dataverseString) is not in the website", r, column: column,
                fix: "add the \(kind) to the source, or choose one the website has")
        }
        guard PortalRuleInput.isActive(found) else {
            return rule.diagnostic(
                "the \(kind) \(PortalRuleInput.label(found)) is inactive", r, column: column,
                fix: "activate the \(kind), or choose an active one")
        }
        return nil
    }

    /// Liquid-bearing text columns of active records: web template source, page copy and summary,
    /// snippet value.
    static let liquidColumns: [(table: String, column: String)] = [
        ("adx_webtemplate", "adx_source"), ("adx_webpage", "adx_copy"), ("adx_webpage", "adx_summary"),
        ("adx_contentsnippet", "adx_value"),
    ]

    /// Every distinct name `pattern` captures (its first non-empty group) per record and column.
    static func references(_ input: PortalRuleInput, pattern: String) -> [(record: EntityRecord, column: String, name: String)] {
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return [] }
        var out: [(EntityRecord, String, String)] = []
        for (table, column) in liquidColumns {
            for r in input.rows(table) where PortalRuleInput.isActive(r) {
                guard let text = r.string(column), text.contains("{") else { continue }
                var seen = Set<String>()
                let ns = text as NSString
                for m in regex.matches(in: text, range: NSRange(location: 0, length: ns.length)) {
                    let name =
                        (1..<m.numberOfRanges).compactMap { i -> String? in
                            let range = m.range(at: i)
                            return range.location == NSNotFound ? nil : ns.substring(with: range)
                        }.first ?? ""
                    if !name.isEmpty, seen.insert(name).inserted { out.append((r, column, name)) }
                }
            }
        }
        return out
    }
}

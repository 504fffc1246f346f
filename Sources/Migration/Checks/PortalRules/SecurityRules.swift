import Foundation
import PortalModel

/// Rules about table permissions granted to the anonymous role (research/alm-landscape-2026.md §2:
/// ppaudit audits anonymous exposure; research/platform-behaviours.md §4: every active table permission
/// linked to a role applies).
enum SecurityRules {
    static let all: [PortalRule] = [anonymousGlobalWrite, anonymousGlobalAccess]

    /// `adx_scope` Global (`756150000`, the standard model's option value; Assumption: the enhanced
    /// view carries the same value, as the rcsa-enhanced-2025 corpus site's permissions do).
    static let globalScope = 756150000
    /// The privileges that change or remove records others made.
    static let writePrivileges = ["adx_write", "adx_delete"]
    /// The privileges that expose records or add new ones: read, create, append, append to.
    static let accessPrivileges = ["adx_read", "adx_create", "adx_append", "adx_appendto"]

    /// Active table permissions with global scope linked (N:N `adx_entitypermission_webrole`) to a web
    /// role marked `adx_anonymoususersrole`, with the role.
    static func anonymousGlobal(_ input: PortalRuleInput) -> [(permission: EntityRecord, role: EntityRecord)] {
        let anonymous = input.byID("adx_webrole").filter { PortalRuleInput.flag($0.value, "adx_anonymoususersrole") == true }
        guard !anonymous.isEmpty else { return [] }
        let permissions = input.byID("adx_entitypermission")
        var out: [(EntityRecord, EntityRecord)] = []
        for link in (input.snapshot.links["adx_entitypermission_webrole"] ?? []).sorted() {
            let ends = [link.first, link.second]
            guard let p = ends.first(where: { $0.logicalName == "adx_entitypermission" }).flatMap({ permissions[$0.id] }),
                let role = ends.first(where: { $0.logicalName == "adx_webrole" }).flatMap({ anonymous[$0.id] }),
                PortalRuleInput.isActive(p), PortalRuleInput.number(p, "adx_scope") == globalScope
            else { continue }
            out.append((p, role))
        }
        return out
    }

    /// Global scope granted to anonymous visitors with write or delete: anyone on the internet can
    /// change or delete every record of the table. An error for `check`, but not run before writing
    /// (`beforeWriting` false): the comet-selfservice-2023 corpus site runs with anonymous global write
    /// on `account`; refusing to copy a site that runs is the gate's decision (`check --fail-on error`).
    static let anonymousGlobalWrite = PortalRule(
        id: .anonymousGlobalWrite, severity: .error,
        summary: "a table permission with global scope granting write or delete to the anonymous web role",
        source: "research/alm-landscape-2026.md §2 (ppaudit); research/platform-behaviours.md §4 [V-src CrmEntityPermissionProvider.cs]",
        needs: ["adx_entitypermission", "adx_webrole"], beforeWriting: false
    ) { input, rule in
        anonymousGlobal(input).compactMap { p, role in
            let granted = writePrivileges.filter { PortalRuleInput.flag(p, $0) == true }
            guard !granted.isEmpty else { return nil }
            let table = p.string("adx_entitylogicalname") ?? "?"
            return rule.diagnostic(
                "anyone, signed in or not (web role \(PortalRuleInput.label(role))), may "
                    + granted.map { $0.replacingOccurrences(of: "adx_", with: "") }.joined(separator: ", ")
                    + " every \(table) record (global scope)", p, column: "adx_scope",
                fix: "narrow the scope (contact, account, parent or self), or remove the anonymous web role from the permission",
                context: ["webRole": role.id.dataverseString, "table": table])
        }
    }

    /// Global scope granted to anonymous visitors with read, create or append only: every record of the
    /// table is public, or anyone may add records. A warning: catalogues and knowledge articles are
    /// published this way, and anonymous forms create records this way (the rcsa-enhanced-2025 corpus
    /// site lets anonymous visitors create `feedback`).
    static let anonymousGlobalAccess = PortalRule(
        id: .anonymousGlobalAccess, severity: .warning,
        summary: "a table permission with global scope granting read, create or append (no write or delete) to the anonymous web role",
        source: "research/alm-landscape-2026.md §2 (ppaudit)", needs: ["adx_entitypermission", "adx_webrole"]
    ) { input, rule in
        anonymousGlobal(input).compactMap { p, role in
            guard !writePrivileges.contains(where: { PortalRuleInput.flag(p, $0) == true }) else { return nil }
            let granted = accessPrivileges.filter { PortalRuleInput.flag(p, $0) == true }
            guard !granted.isEmpty else { return nil }
            let table = p.string("adx_entitylogicalname") ?? "?"
            return rule.diagnostic(
                "anyone, signed in or not (web role \(PortalRuleInput.label(role))), is granted "
                    + granted.map { $0.replacingOccurrences(of: "adx_", with: "") }.joined(separator: ", ")
                    + " on \(table) records with global scope (every record)", p, column: "adx_scope",
                fix: "make sure every \(table) record may be public (or created by anyone); otherwise narrow the scope",
                context: ["webRole": role.id.dataverseString, "table": table])
        }
    }
}

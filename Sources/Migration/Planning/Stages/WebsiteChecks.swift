import Foundation
import PortalModel

extension Planner {
    /// The website stage: when the plan creates the target website (website-scoped, not in the
    /// target), the `website-in-both-models` error and the `website-same-name` warnings, in that order.
    /// Empty otherwise.
    /// - Throws: nothing in practice today (the reads behind both checks are tried, a failed read is no finding).
    func websiteDiagnostics(source: PortalSnapshot, index: TargetIndex) async throws -> [Diagnostic] {
        let scope = index.scope
        guard scope.websiteScoped && !index.websiteExists else { return [] }
        var out: [Diagnostic] = []
        if let d = try await websiteInOtherModel(scope.targetWebsiteID) { out.append(d) }
        let site = PortalTables.websiteTables.sorted().compactMap { t in source.records[t]?.first { $0.id == scope.sourceWebsiteID } }.first
        out += await websitesOfSameName(site, creating: scope.targetWebsiteID)
        return out
    }

    /// The `website-in-both-models` check: a website the plan creates must not already exist in the
    /// target under the same id in the other data model (an `adx_website` behind an enhanced-model
    /// write, a `powerpagesite` behind a standard one), or the target would hold one website id in both
    /// models (issue 16, R06: a standard folder read as enhanced created a second website with the
    /// same id). `nil` when the other model's table is absent or has no such record.
    func websiteInOtherModel(_ websiteID: UUID) async throws -> Diagnostic? {
        let enhanced = enhancedView != nil
        let (table, writing) = enhanced ? ("adx_website", "powerpagesite") : ("powerpagesite", "adx_website")
        guard
            let rows = try? await environment.retrieveAll(RecordQuery(table, filter: .equal(table + "id", .guid(websiteID)), top: 1)),
            let found = rows.first
        else { return nil }
        let model = enhanced ? "standard data model (v1)" : "enhanced data model (v2)"
        let name = found.string(table == "adx_website" ? "adx_name" : "name")
        return Diagnostic(
            check: .websiteInBothModels,
            message:
                "the target already holds this website as \(table) (the \(model)); writing it as \(writing) would give the target one website id in both models. "
                + "Write it in the model the target has (--modelVersion / --targetModelVersion \(enhanced ? "1" : "2")), or, for a folder, check that it is the site you mean",
            table: writing, recordID: websiteID, recordName: name)
    }

    /// The `website-same-name` warning: the plan creates a website while the target already has another
    /// website of the same name (a target provisioned and not cleaned: a CMT import, an upload or a
    /// migration would leave it two sites of one name). Names both websites and how to write into the
    /// existing one instead (`--targetWebSiteId`). Empty when the target has no other website of that name.
    func websitesOfSameName(_ site: EntityRecord?, creating id: UUID) async -> [Diagnostic] {
        guard let site, let name = site.string("adx_name") ?? site.string("name"), !name.isEmpty else { return [] }
        var out: [Diagnostic] = []
        for (table, column) in [("adx_website", "adx_name"), ("powerpagesite", "name")] {
            guard let rows = try? await environment.retrieveAll(RecordQuery(table, filter: .equal(column, .string(name)))) else { continue }
            for other in rows.sorted(by: { $0.id.dataverseString < $1.id.dataverseString }) where other.id != id {
                out.append(
                    Diagnostic(
                        check: .websiteSameName, severity: .warning,
                        message:
                            "the target already has \(table) \(other.id.dataverseString) \"\(name)\"; this run creates website \(id.dataverseString) with the same name beside it. "
                            + "To write into the existing website instead, pass --targetWebSiteId \(other.id.dataverseString) "
                            + "(migrate, plan and data import take it; for a site folder: migrate --path FOLDER --to TARGET --targetWebSiteId …)",
                        table: site.logicalName, recordID: id, recordName: name))
            }
        }
        return out
    }
}

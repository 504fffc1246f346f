import Foundation
import PortalModel

/// `site prepare-target`: Microsoft's one-time preparation of a standard-data-model target
/// (research/emulator-facts.md §3.5): 1. create a site from the source's template (it installs the
/// template's solutions and default records), 2. delete its website record (its configuration goes
/// with it), 3. delete the site (the portal app), keeping the Portal Management app. Website records
/// already in the environment are never touched.
///
/// Step 1 and the admin API calls are the caller's (the Power Pages admin API is not the engine's);
/// `finish` decides which website record is the new one, deletes it, deletes the site through the
/// caller and checks that the record is gone.
public enum TargetPreparation {
    /// What step 1 reported: the new site's id and website record, as far as the admin API said.
    public struct CreatedSite: Sendable, Hashable {
        public var siteID: String?
        public var websiteRecordID: UUID?
        public init(siteID: String?, websiteRecordID: UUID?) {
            self.siteID = siteID
            self.websiteRecordID = websiteRecordID
        }
    }

    /// A step done, for the command to say as it happens.
    public enum Step: Sendable, Hashable {
        /// Step 1: the site and its website record, with the record's data model.
        case created(siteID: String, websiteRecord: UUID, model: DataModel)
        /// Step 2: the website record deleted with this many records of its configuration.
        case deletedWebsiteRecord(UUID, records: Int)
        /// Step 3: the site deleted.
        case deletedSite(String)
    }

    /// What the preparation did.
    public struct Outcome: Sendable, Hashable {
        public var siteID: String
        public var websiteRecordID: UUID
        /// The new record's data model (Microsoft: an enhanced target needs no preparation).
        public var model: DataModel
        /// Records of the website's configuration deleted with it (N:N links included).
        public var recordsDeleted: Int
    }

    /// Steps 2 and 3, after step 1 made `created`.
    /// - Parameters:
    ///   - before: the website records the environment had before step 1 (never touched).
    ///   - label: the environment as the user named it (messages).
    ///   - deleteSite: deletes the site by id and waits for it (the admin API).
    ///   - step: told each step as it is done.
    /// - Throws: `MigrationError.stoppedPartway` (exit 1) naming what stays when the new website record
    ///   cannot be found or deleted, or is still there after step 3; what `deleteSite` and the
    ///   environment throw.
    public static func finish(
        _ created: CreatedSite, before: Set<UUID>, in service: any DataverseService, label: String,
        deleteSite: (String) async throws -> Void, step: (Step) -> Void = { _ in }
    ) async throws -> Outcome {
        let after = try await WebsiteListing.websites(in: service)
        // The record the operation named, else the one website record that was not there before.
        guard let record = created.websiteRecordID ?? after.first(where: { !before.contains($0.websiteId) })?.websiteId,
            let summary = after.first(where: { $0.websiteId == record }), let siteID = created.siteID
        else {
            throw MigrationError.stoppedPartway(
                "the site was created but its website record or site id could not be found; see `portal-migrate site list --environment \(label)`")
        }
        let model = summary.model ?? .standard
        step(.created(siteID: siteID, websiteRecord: record, model: model))
        let counts = try await configurationRecords(of: record, in: service)
        let results = try await service.execute(
            [ChangeSet([.delete(model == .enhanced ? "powerpagesite" : "adx_website", record)])], options: ExecuteOptions())
        if let e = results.first?.error {
            throw MigrationError.stoppedPartway(
                "step 2 failed: cannot delete website record \(record.dataverseString): \(e.description). Site \(siteID) and its website record stay; "
                    + "run prepare-target again after fixing this, or delete them with `site delete` and the Portal Management app")
        }
        step(.deletedWebsiteRecord(record, records: counts))
        try await deleteSite(siteID)
        step(.deletedSite(siteID))
        guard try await !WebsiteListing.websites(in: service).contains(where: { $0.websiteId == record }) else {
            throw MigrationError.stoppedPartway("website record \(record.dataverseString) is still in \(label) after it was deleted")
        }
        return Outcome(siteID: siteID, websiteRecordID: record, model: model, recordsDeleted: counts)
    }

    /// Record counts of a website's configuration: every table of its snapshot plus N:N links; portal
    /// languages, shared by every website, left out.
    public static func configurationRecords(of website: UUID, in service: any DataverseService) async throws -> Int {
        let snapshot = try await SnapshotReader(service: service).read(websiteID: website)
        var total = 0
        for (table, rows) in snapshot.records where table != "adx_portallanguage" { total += rows.count }
        for (_, links) in snapshot.links { total += links.count }
        return total
    }
}

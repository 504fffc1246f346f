import Crypto
import Foundation
import PortalModel

/// Writes the target organization's `blockedattachments` (research/dataverse-webapi.md §8).
public protocol BlockedAttachmentsWriter: Sendable {
    /// Sets the list (extensions without dots, in order). - Throws: what the environment reports.
    func setBlockedAttachments(_ extensions: [String]) async throws
}

/// The default writer: `PATCH organizations(id)` with `blockedattachments` as `;`-separated text, through
/// `DataverseService.execute`.
public struct ServiceBlockedAttachmentsWriter: BlockedAttachmentsWriter {
    public let service: any DataverseService
    public init(service: any DataverseService) { self.service = service }

    /// Through the service's `organizationSettingsEditor` when it has one (the embedded environment,
    /// whose organization row is not a table), else as an update of the `organization` row.
    public func setBlockedAttachments(_ extensions: [String]) async throws {
        if let editor = service.organizationSettingsEditor {
            try await editor.setBlockedAttachments(extensions)
            return
        }
        let org = try await service.organizationInfo()
        var r = EntityRecord("organization", id: org.organizationID)
        r["blockedattachments"] = .string(extensions.joined(separator: ";"))
        let results = try await service.execute([.update(r)], atomic: false, options: ExecuteOptions(bypassCustomPlugins: false))
        if let e = results.first?.error { throw e }
    }
}

/// Removes extensions from the target's blocked list for one run and puts the list back exactly as it
/// was, also after a failure; when the process dies first, the original list stays in a guard file under
/// the data directory and the next run against the same target restores it before anything else
/// (issue 6 "Platform effects"; peers-and-pain §4 item 6: "always restored, even after a crash").
public struct BlockedAttachmentsGuard: Sendable {
    public let target: any DataverseService
    public let writer: any BlockedAttachmentsWriter
    /// The guard file of the target's name (`<data>/guards/blocked-<hash of target key>.json`): read
    /// and restored when an earlier version left one; new runs save under the organization's id.
    public let guardURL: URL
    /// The folder of the guard files (`<data>/guards`).
    let guardsFolder: URL

    /// - Parameters:
    ///   - targetKey: identifies the target environment (its name or URL).
    ///   - dataDirectory: `MigrationPaths.dataDirectory()`.
    public init(target: any DataverseService, writer: any BlockedAttachmentsWriter, targetKey: String, dataDirectory: URL) {
        self.target = target
        self.writer = writer
        let digest = SHA256.hash(data: Data(targetKey.utf8)).map { String(format: "%02x", $0) }.joined()
        guardsFolder = dataDirectory.appendingPathComponent("guards")
        guardURL = guardsFolder.appendingPathComponent("blocked-\(digest.prefix(32)).json")
    }

    /// The guard file of the organization `id` (`<data>/guards/blocked-org-<id>.json`), where `unblock`
    /// saves the original list: one environment named two ways (its URL and an auth profile, an
    /// embedded environment as `local:NAME` and as the loopback URL it is served at, a port that changed
    /// after a restart) is one organization, so a run resumed under the other name still restores the
    /// list (it was keyed by the name as typed, and such a resume left the extensions unblocked for good).
    func organizationGuardURL(_ id: UUID) -> URL {
        guardsFolder.appendingPathComponent("blocked-org-\(id.dataverseString).json")
    }

    /// True when an organization's guard file is pending (only then is the organization asked for).
    private var organizationGuardPending: Bool {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: guardsFolder.path)) ?? []
        return names.contains { $0.hasPrefix("blocked-org-") && $0.hasSuffix(".json") }
    }

    private struct Saved: Codable { var original: [String]; var removed: [String] }

    /// Restores a list left changed by an interrupted run. Returns the restored list, `nil` when nothing was pending.
    /// - Throws: what the writer throws (the guard file then stays for the next attempt).
    /// Looks at the file of the name the target was given (written by earlier versions), then at the
    /// target organization's (`organizationGuardURL`; the organization is read only when such a file is
    /// pending).
    /// - Throws: what the writer throws (the guard file then stays for the next attempt); what reading
    ///   the organization throws.
    public func restorePending() async throws -> [String]? {
        if let restored = try await restore(from: guardURL) { return restored }
        guard organizationGuardPending else { return nil }
        let org = try await target.organizationInfo()
        return try await restore(from: organizationGuardURL(org.organizationID))
    }

    /// Restores the list saved at `url` and deletes the file; `nil` when there is no usable file.
    private func restore(from url: URL) async throws -> [String]? {
        guard let data = FileManager.default.contents(atPath: url.path),
            let saved = try? JSONDecoder().decode(Saved.self, from: data)
        else { return nil }
        try await writer.setBlockedAttachments(saved.original)
        try? FileManager.default.removeItem(at: url)
        return saved.original
    }

    /// Removes `extensions` from the blocked list, saving the original first.
    /// - Returns: the original list and the extensions actually removed (those that were blocked).
    /// - Throws: file errors writing the guard; what the writer throws.
    public func unblock(_ extensions: Set<String>) async throws -> (original: [String], removed: [String]) {
        let org = try await target.organizationInfo()
        let original = org.blockedAttachments
        let removed = original.filter { extensions.contains($0) }
        guard !removed.isEmpty else { return (original, []) }
        try FileManager.default.createDirectory(at: guardsFolder, withIntermediateDirectories: true)
        try JSONEncoder().encode(Saved(original: original, removed: removed))
            .write(to: organizationGuardURL(org.organizationID), options: .atomic)
        try await writer.setBlockedAttachments(original.filter { !extensions.contains($0) })
        return (original, removed)
    }

    /// Puts the saved list back and deletes the guard file. - Throws: what the writer throws.
    public func restore() async throws {
        _ = try await restorePending()
    }
}

import Foundation
import PortalModel

/// What the last run into a target website cleared on purpose with `--missing-lookups drop`, kept on
/// disk so a later `verify` can say "dropped on purpose by the run of <date>" instead of reporting the
/// same missing lookup on every run (issue 16 also-found e).
///
/// Where: `<data directory>/dropped-lookups/<target organization id>/<target website id>.json`
/// (`MigrationPaths.dataDirectory`; the organization id from `DataverseService.organizationInfo()`, so
/// every name of one environment (auth profile, URL, `local:NAME`) finds the same file). The file is a
/// JSON object `{"writtenAt": ISO-8601, "command": "upload"|…, "droppedLookups": [DroppedLookup]}`
/// (each: `table`, `recordID` (target id), `column`, `target` (table of the missing record),
/// `targetID`). Each finished run (not a dry run) replaces it with the lookups it dropped (every run
/// plans the whole website, so the last run's list is the current one); a run that drops nothing
/// removes it.
public struct DroppedLookupLedger: Codable, Sendable, Hashable {
    public var writtenAt: Date
    public var command: String?
    public var droppedLookups: [DroppedLookup]

    public init(writtenAt: Date = Date(), command: String? = nil, droppedLookups: [DroppedLookup]) {
        self.writtenAt = writtenAt
        self.command = command
        self.droppedLookups = droppedLookups
    }

    /// The ledger file of one target website.
    public static func url(dataDirectory: URL, organizationID: UUID, websiteID: UUID) -> URL {
        dataDirectory.appendingPathComponent("dropped-lookups", isDirectory: true)
            .appendingPathComponent(organizationID.dataverseString, isDirectory: true)
            .appendingPathComponent(websiteID.dataverseString + ".json")
    }

    /// Replaces the ledger of the target website with `dropped` (removes it when empty).
    /// - Throws: file-system errors writing the file.
    public static func save(_ dropped: [DroppedLookup], command: String?, dataDirectory: URL, organizationID: UUID, websiteID: UUID) throws {
        let file = url(dataDirectory: dataDirectory, organizationID: organizationID, websiteID: websiteID)
        guard !dropped.isEmpty else {
            if FileManager.default.fileExists(atPath: file.path) { try FileManager.default.removeItem(at: file) }
            return
        }
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        encoder.dateEncodingStrategy = .iso8601
        try encoder.encode(DroppedLookupLedger(command: command, droppedLookups: dropped)).write(to: file, options: .atomic)
    }

    /// The ledger of the target website, `nil` when no run dropped a lookup there (or the file is unreadable).
    public static func load(dataDirectory: URL, organizationID: UUID, websiteID: UUID) -> DroppedLookupLedger? {
        let file = url(dataDirectory: dataDirectory, organizationID: organizationID, websiteID: websiteID)
        guard let data = FileManager.default.contents(atPath: file.path) else { return nil }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try? decoder.decode(DroppedLookupLedger.self, from: data)
    }
}

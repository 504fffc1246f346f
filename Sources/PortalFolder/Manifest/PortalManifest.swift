import Foundation
import PortalModel

/// A pac manifest: `.portalconfig/manifest.yml` (delete tracking) or
/// `.portalconfig/<env-host>-manifest.yml` (the environment manifest), research/pac-portal-format.md §3.
///
/// Sections are keyed by table logical name or N:N relationship name and written in pac's key order;
/// entries keep the order they were read in (server order, research/pac-yaml-emission.md §4) and are
/// written with the fixed field order `RecordId`, `DisplayName`, `CheckSum`, `IsDeleted`.
public struct PortalManifest: Hashable, Sendable {
    /// One tracked record (or, in an N:N section, one association).
    public struct Entry: Hashable, Sendable {
        /// The record's GUID text (for N:N: the related record).
        public var recordID: String
        /// The record's name, or `$RELATIONSHIP$<entity>:<guid>:<related entity>` for N:N.
        public var displayName: String?
        /// 64 hex digits; `nil` is written `CheckSum: ` (deleted entries of `manifest.yml`).
        public var checkSum: String?
        public var isDeleted: Bool

        public init(recordID: String, displayName: String?, checkSum: String?, isDeleted: Bool) {
            self.recordID = recordID
            self.displayName = displayName
            self.checkSum = checkSum
            self.isDeleted = isDeleted
        }
    }

    /// Entries by section name, in read order within a section.
    public var sections: [String: [Entry]]

    public init(sections: [String: [Entry]] = [:]) { self.sections = sections }

    /// Parses a manifest's YAML root (a mapping of section → list of entries; `{}` when empty).
    /// - Throws: `PortalFolderError.unexpectedShape` naming `file` when the shape differs.
    public init(yaml root: YAMLValue, file: String) throws {
        var sections: [String: [Entry]] = [:]
        if case .null = root { self.sections = [:]; return }
        guard let pairs = root.pairs else {
            throw PortalFolderError.unexpectedShape(file: file, line: 1, expected: "a mapping of tables to entry lists")
        }
        for pair in pairs {
            guard let items = pair.value.items else {
                throw PortalFolderError.unexpectedShape(file: file, line: nil, expected: "a list of entries under \(pair.key)")
            }
            sections[pair.key] = try items.map { item in
                guard let id = item["RecordId"]?.text else {
                    throw PortalFolderError.unexpectedShape(file: file, line: nil, expected: "RecordId in every entry of \(pair.key)")
                }
                // pac writes `true`/`false`; anything else (`yes-please`) is refused rather than read as false (issue 17).
                var isDeleted = false
                if let flag = item["IsDeleted"], flag != .null {
                    switch flag.text?.lowercased() {
                    case "true"?: isDeleted = true
                    case "false"?: isDeleted = false
                    default:
                        throw PortalFolderError.valueDoesNotFitColumn(
                            file: file, line: nil, key: "IsDeleted",
                            value: flag.text ?? "", type: "true/false (of \(pair.key) \(id))")
                    }
                }
                return Entry(
                    recordID: id, displayName: item["DisplayName"]?.text, checkSum: item["CheckSum"]?.text,
                    isDeleted: isDeleted)
            }
        }
        self.sections = sections
    }

    /// The YAML root as pac writes it.
    public var yaml: YAMLValue {
        let pairs = sections.keys.map { name in
            YAMLPair(
                name,
                .sequence(
                    sections[name]!.map { e in
                        .mapping([
                            YAMLPair("RecordId", .scalar(e.recordID)),
                            YAMLPair("DisplayName", e.displayName.map(YAMLValue.scalar) ?? .null),
                            YAMLPair("CheckSum", e.checkSum.map(YAMLValue.scalar) ?? .null),
                            YAMLPair("IsDeleted", .scalar(e.isDeleted ? "true" : "false")),
                        ])
                    }))
        }
        return .mapping(YAMLPair.pacSorted(pairs))
    }

    /// Entries marked `IsDeleted: true`, with their section, in section order.
    public var deletedEntries: [(section: String, entry: Entry)] {
        sections.keys.sorted().flatMap { s in sections[s]!.filter(\.isDeleted).map { (s, $0) } }
    }
}

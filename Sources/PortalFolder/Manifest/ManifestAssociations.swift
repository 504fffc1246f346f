import Crypto
import Foundation
import PortalModel

extension PortalManifest {
    /// The environment-manifest entries of one N:N relationship, one per link, in pac's orientation:
    /// `RecordId` the related record, `DisplayName` `$RELATIONSHIP$<owner table>:<owner id>:<related table>`
    /// (research/pac-portal-format.md §3; every association entry of the corpus manifests,
    /// `../shared/corpus/pac/*/.portalconfig/*-manifest.yml`, names the table that lists the link as
    /// owner: `adx_entitypermission:…:adx_webrole`, `adx_adplacement:…:adx_ad`, never the reverse).
    ///
    /// - Parameters:
    ///   - links: the relationship's links; each is written once, whichever end is first in it. A link
    ///     with neither end in `owner` (or both, a self-relationship) is written from its first end.
    ///   - owner: the table pac writes the relationship's GUID list on (`PacFolderFormat.relationships`).
    ///   - related: the other table.
    /// - Returns: entries sorted by owner id, then related id; the checksum is SHA-256 of
    ///   `DisplayName:RecordId`.
    public static func associationEntries(_ links: Set<ManyToManyLink>, owner: String, related: String) -> [Entry] {
        var pairs = Set<[UUID]>()
        for l in links {
            let ownerFirst = l.first.logicalName == owner || l.second.logicalName != owner
            pairs.insert(ownerFirst ? [l.first.id, l.second.id] : [l.second.id, l.first.id])
        }
        return pairs.sorted { ($0[0].dataverseString, $0[1].dataverseString) < ($1[0].dataverseString, $1[1].dataverseString) }.map { p in
            let display = "$RELATIONSHIP$\(owner):\(p[0].dataverseString):\(related)"
            let sum = SHA256.hash(data: Data((display + ":" + p[1].dataverseString).utf8)).map { String(format: "%02x", $0) }.joined()
            return Entry(recordID: p[1].dataverseString, displayName: display, checkSum: sum, isDeleted: false)
        }
    }
}

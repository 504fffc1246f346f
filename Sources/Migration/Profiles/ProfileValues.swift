import Foundation
import PortalModel
import Yams

/// The columns the deployment profiles of a site folder set, and what a download would write for them
/// (issue 24 item 5).
///
/// A download from an environment a profile was applied to (test, production) brings back the values the
/// profile put there: often secrets (client secrets, API keys in site settings). Written into the folder
/// they end up in source control in clear text. `download` therefore names them on stderr and, with
/// `--mask-profile-values`, keeps the folder's own value for each (or leaves the column empty when the
/// folder had no value), so the folder never receives a value only a profile should hold.
///
/// Only the *keys* of a profile are read here (table, record id, columns): `${OS.NAME}` references are
/// not resolved, so no secret is needed or read to find them.
public struct ProfileValues: Sendable, Equatable {
    /// One column a profile sets: table logical name, record id, column logical name, and the profile
    /// file(s) that set it (file names only).
    public struct Key: Sendable, Hashable, Comparable {
        public var table: String
        public var id: UUID
        public var column: String
        public static func < (a: Key, b: Key) -> Bool {
            (a.table, a.id.dataverseString, a.column) < (b.table, b.id.dataverseString, b.column)
        }
    }

    /// Every column the profiles set, with the profile files (names) that set it.
    public var keys: [Key: [String]]

    public init(keys: [Key: [String]] = [:]) { self.keys = keys }

    /// Reads the keys of every `deployment-profiles/*.deployment.yml` (or `.yaml`) of `siteFolder`; none
    /// when the folder has no such directory.
    /// - Parameter catalog: gives each table's primary id column.
    /// - Throws: `MigrationError.deploymentProfile` naming the file for unreadable files or bad YAML
    ///   (a profile the upload could not use either).
    public static func read(siteFolder: URL, catalog: TableCatalog = .standard) throws -> ProfileValues {
        let dir = siteFolder.appendingPathComponent("deployment-profiles", isDirectory: true)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir.path) else { return ProfileValues() }
        var result = ProfileValues()
        for name in names.sorted() where name.hasSuffix(".deployment.yml") || name.hasSuffix(".deployment.yaml") {
            let url = dir.appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: url.path), let text = String(data: data, encoding: .utf8) else {
                throw MigrationError.deploymentProfile("cannot read \(url.path)")
            }
            for key in try keys(in: text, source: url.path, catalog: catalog) { result.keys[key, default: []].append(name) }
        }
        return result
    }

    /// The (table, id, column) keys of one profile's text, values ignored.
    /// - Throws: `MigrationError.deploymentProfile` for bad YAML or a shape `DeploymentProfile.parse` refuses.
    static func keys(in text: String, source: String, catalog: TableCatalog) throws -> [Key] {
        let node: Any?
        do { node = try Yams.load(yaml: text) } catch {
            throw MigrationError.deploymentProfile("\(source): not valid YAML: \(error)")
        }
        guard let top = node as? [String: Any] else { return [] }
        var keys: [Key] = []
        for (table, list) in top {
            guard let def = catalog.table(table), let records = list as? [Any] else { continue }
            for case let map as [String: Any] in records {
                guard let idText = map[def.primaryIDColumn].map({ "\($0)" }), let id = UUID(dataverse: idText) else { continue }
                for column in map.keys where column != def.primaryIDColumn {
                    keys.append(Key(table: table, id: id, column: column))
                }
            }
        }
        return keys
    }

    /// The profile-set columns whose value in `downloaded` differs from the folder's (`existing`, nil for
    /// a folder not read): what a download would write into the folder that only a profile should hold.
    /// Name columns (`adx_name`, `name`) identify the record and are never counted.
    public func exposed(in downloaded: PortalSnapshot, existing: PortalSnapshot?) -> [Key] {
        keys.keys.filter { key in
            guard !["adx_name", "name"].contains(key.column),
                let record = downloaded.record(key.table, key.id)
            else { return false }
            let before = existing?.record(key.table, key.id)?.columns[key.column]
            return !ValueComparison.equal(record.columns[key.column], before ?? .null)
        }.sorted()
    }

    /// Replaces each `exposed` value in `downloaded` with the folder's value (null when the folder has none).
    public static func mask(_ exposed: [Key], in downloaded: inout PortalSnapshot, existing: PortalSnapshot?) {
        for key in exposed {
            guard let i = downloaded.records[key.table]?.firstIndex(where: { $0.id == key.id }) else { continue }
            downloaded.records[key.table]![i].columns[key.column] = existing?.record(key.table, key.id)?.columns[key.column] ?? .null
        }
    }
}

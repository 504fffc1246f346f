import Foundation
import PortalModel
import Yams

/// A difference between the two sides of a drift comparison that is bound to one environment and so
/// expected to differ: shown apart, never a failure (`portal-migrate diff` exits 0 with only these).
///
/// - `reason`: which rule made it expected (`Reason`).
/// - `table`, `column`: where (column `nil` for a whole record, such as a website binding).
/// - `name`: the record's natural-key label (`RecordKeyLabel`).
/// - `source`, `target`: the two values as text (`nil` = empty or absent), `(hidden)` for secrets and
///   values a deployment profile sets.
public struct ExpectedDifference: Sendable, Hashable, Codable {
    /// Why a value is expected to differ.
    public enum Reason: String, Sendable, Hashable, Codable {
        /// A website binding (`adx_websitebinding`): ties a website to one environment's portal host
        /// (`TableCatalog.environmentSpecificTables`).
        case websiteBinding = "website-binding"
        /// The website's domain (`TableCatalog.environmentSpecificColumns`).
        case domain
        /// A site setting whose value comes from an environment variable (enhanced data model,
        /// `mspp_source = 1`, research/alm-landscape-2026.md §1).
        case environmentVariable = "environment-variable"
        /// A value a pac deployment profile sets per environment (research/pac-portal-format.md §4).
        case deploymentProfile = "deployment-profile"

        /// Words for people.
        public var text: String {
            switch self {
            case .websiteBinding: return "website binding (bound to one environment's portal host)"
            case .domain: return "the website's domain"
            case .environmentVariable: return "site setting backed by an environment variable"
            case .deploymentProfile: return "set by the deployment profile"
            }
        }
    }

    public var reason: Reason
    public var table: String
    public var id: UUID?
    public var column: String?
    public var name: String?
    public var source: String?
    public var target: String?

    public init(reason: Reason, table: String, id: UUID?, column: String?, name: String?, source: String?, target: String?) {
        self.reason = reason
        self.table = table
        self.id = id
        self.column = column
        self.name = name
        self.source = source
        self.target = target
    }

    /// `{"reason", "table", "id", "column", "name", "source", "target"}` (absent members left out, values `null` when empty).
    public var json: JSONValue {
        var m: [(String, JSONValue)] = [("reason", .string(reason.rawValue)), ("table", .string(table))]
        if let id { m.append(("id", .string(id.dataverseString))) }
        if let column { m.append(("column", .string(column))) }
        if let name { m.append(("name", .string(name))) }
        m.append(("source", source.map { .string($0) } ?? .null))
        m.append(("target", target.map { .string($0) } ?? .null))
        return .object(m)
    }

    /// One line for people: `site setting backed by an environment variable: adx_sitesetting Search/Enabled adx_value: "true" | "false"`.
    public var line: String {
        func show(_ v: String?) -> String { v.map { $0 == VerifyDifference.hidden ? $0 : "\"\($0)\"" } ?? "(empty)" }
        let what = "\(table)\(name.map { " \($0)" } ?? "")\(column.map { " \($0)" } ?? "")"
        return "\(reason.text): \(what): \(show(source)) | \(show(target))"
    }
}

/// The columns a pac deployment profile sets, as `PlanOptions.hiddenKey(table, id, column)` keys: the
/// values a profile gives per environment are expected to differ between environments.
///
/// Only the profile's structure is read (table → records with the primary id column and the columns
/// set); `${OS.NAME}` values are not substituted, so a profile can be named without its variables.
public enum DeploymentProfileColumns {
    /// Reads `url`.
    /// - Returns: the keys of every column the profile sets, by the record id it names.
    /// - Throws: `MigrationError.deploymentProfile` naming the file for an unreadable file, bad YAML, a
    ///   top level that is not a map of tables to lists, or a record without a valid primary id.
    public static func load(_ url: URL, catalog: TableCatalog = .standard) throws -> Set<String> {
        guard let data = FileManager.default.contents(atPath: url.path), let text = String(data: data, encoding: .utf8) else {
            throw MigrationError.deploymentProfile("cannot read \(url.path)")
        }
        return try parse(text, source: url.path, catalog: catalog)
    }

    /// Parses profile text; see `load`.
    public static func parse(_ text: String, source: String, catalog: TableCatalog = .standard) throws -> Set<String> {
        let node: Any?
        do { node = try Yams.load(yaml: text) } catch {
            throw MigrationError.deploymentProfile("\(source): not valid YAML: \(error)")
        }
        guard let node else { return [] }
        guard let top = node as? [String: Any] else {
            throw MigrationError.deploymentProfile("\(source): the top level must map table logical names to lists of records")
        }
        var keys = Set<String>()
        for table in top.keys.sorted() {
            guard let list = top[table] as? [Any] else { throw MigrationError.deploymentProfile("\(source): \(table) must be a list of records") }
            let pk = catalog.table(table)?.primaryIDColumn ?? "\(table)id"
            for (index, item) in list.enumerated() {
                guard let map = item as? [String: Any], let idText = map[pk].map({ "\($0)" }), let id = UUID(dataverse: idText) else {
                    throw MigrationError.deploymentProfile("\(source): \(table)[\(index)] has no valid \(pk)")
                }
                for column in map.keys where column != pk { keys.insert(PlanOptions.hiddenKey(table, id, column)) }
            }
        }
        return keys
    }
}

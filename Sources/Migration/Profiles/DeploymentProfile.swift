import Foundation
import PortalModel
import Yams

/// A pac deployment profile: per-environment column values that replace the source's values by record id
/// before planning (research/pac-portal-format.md §4).
///
/// Format: top-level keys are table logical names, each a list of partial records holding the primary id
/// column plus the columns to override:
/// ```yaml
/// adx_sitesetting:
/// - adx_sitesettingid: 5b2b6b0c-...
///   adx_name: Authentication/OpenIdConnect/AzureAD/ClientSecret
///   adx_value: ${OS.AAD_SECRET}
/// ```
/// `${OS.NAME}` is replaced by the environment variable `NAME`; an unset variable is an error. Values are
/// converted by the column's type (catalog), so `true` becomes a boolean for a two-option column. Every
/// value a profile sets is hidden in plan, verify and logs ("changed (value hidden)").
public struct DeploymentProfile: Sendable {
    /// One override: table, record id, column values.
    public struct Override: Sendable, Hashable {
        public var table: String
        public var id: UUID
        public var values: [String: FieldValue]
    }

    public var overrides: [Override]
    /// Where the profile came from (for messages).
    public var source: String

    /// Reads a profile file.
    /// - Parameters:
    ///   - url: the `.deployment.yml` file.
    ///   - environment: the variables `${OS.NAME}` reads (the process environment by default).
    ///   - catalog: column types for value conversion.
    /// - Throws: `MigrationError.deploymentProfile` naming the file and the table/record/column for an
    ///   unreadable file, bad YAML, a record without a valid id, an unset variable or a value of the wrong type.
    public static func load(
        _ url: URL, environment: [String: String] = ProcessInfo.processInfo.environment,
        catalog: TableCatalog = .standard
    ) throws -> DeploymentProfile {
        guard let data = FileManager.default.contents(atPath: url.path), let text = String(data: data, encoding: .utf8) else {
            throw MigrationError.deploymentProfile("cannot read \(url.path)")
        }
        return try parse(text, source: url.path, environment: environment, catalog: catalog)
    }

    /// Parses profile text; see `load`.
    public static func parse(
        _ text: String, source: String, environment: [String: String],
        catalog: TableCatalog = .standard
    ) throws -> DeploymentProfile {
        let node: Any?
        do { node = try Yams.load(yaml: text) } catch {
            throw MigrationError.deploymentProfile("\(source): not valid YAML: \(error)")
        }
        guard let top = node as? [String: Any] else {
            if node == nil { return DeploymentProfile(overrides: [], source: source) }
            throw MigrationError.deploymentProfile("\(source): the top level must map table logical names to lists of records")
        }
        var overrides: [Override] = []
        for table in top.keys.sorted() {
            guard let list = top[table] as? [Any] else {
                throw MigrationError.deploymentProfile("\(source): \(table) must be a list of records")
            }
            guard let def = catalog.table(table) else {
                throw MigrationError.deploymentProfile(catalog.unknownTablesMessage([table], option: source))
            }
            let pk = def.primaryIDColumn
            for (index, item) in list.enumerated() {
                guard let map = item as? [String: Any] else {
                    throw MigrationError.deploymentProfile("\(source): \(table)[\(index)] is not a mapping")
                }
                guard let idText = map[pk].map(scalarText) ?? nil, let id = UUID(dataverse: idText) else {
                    throw MigrationError.deploymentProfile("\(source): \(table)[\(index)] has no valid \(pk)")
                }
                var values: [String: FieldValue] = [:]
                for column in map.keys.sorted() where column != pk {
                    guard let raw = map[column].map(scalarText) ?? nil else { values[column] = .null; continue }
                    let text = try substitute(raw, environment: environment, where: "\(source): \(Diagnostic.record(table, id, column: column))")
                    let col = def.column(column)
                    do {
                        values[column] = try FieldValue.parse(text, as: col?.type ?? .string, lookupTarget: col?.targets.first)
                    } catch {
                        throw MigrationError.deploymentProfile("\(source): \(Diagnostic.record(table, id, column: column)): \(error)")
                    }
                }
                overrides.append(Override(table: table, id: id, values: values))
            }
        }
        return DeploymentProfile(overrides: overrides, source: source)
    }

    /// Replaces `${OS.NAME}` with the variable's value. - Throws: `MigrationError.deploymentProfile` when unset.
    public static func substitute(_ text: String, environment: [String: String], where location: String) throws -> String {
        var out = ""
        var rest = Substring(text)
        while let open = rest.range(of: "${OS.") {
            out += rest[rest.startIndex..<open.lowerBound]
            guard let close = rest[open.upperBound...].firstIndex(of: "}") else {
                throw MigrationError.deploymentProfile("\(location): unterminated ${OS.…}")
            }
            let name = String(rest[open.upperBound..<close])
            guard let value = environment[name] else {
                throw MigrationError.deploymentProfile("\(location): the environment variable \(name) is not set")
            }
            out += value
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }

    private static func scalarText(_ v: Any) -> String? {
        switch v {
        case is NSNull: return nil
        case let s as String: return s
        case let b as Bool: return b ? "true" : "false"
        case let i as Int: return String(i)
        case let d as Double: return FieldValue.double(d).text
        case let d as Date: return DateTimeValue(d).iso8601Ticks
        default: return String(describing: v)
        }
    }

    /// Applies the overrides to `snapshot` in place.
    /// - Returns: the hidden-value keys (`PlanOptions.hiddenKey`) of every value set, and a failed check
    ///   (`deployment-profile`, severity error) for each entry whose record the source lacks: such an
    ///   entry overrides nothing and the target would keep the source's value (for a secret, the
    ///   development value), so the run stops before writing (exit 2) naming the profile file, the table
    ///   and the id (issue 16, R05).
    public func apply(to snapshot: inout PortalSnapshot) -> (hidden: Set<String>, diagnostics: [Diagnostic]) {
        var hidden = Set<String>()
        var warnings: [Diagnostic] = []
        for o in overrides {
            guard let i = snapshot.records[o.table]?.firstIndex(where: { $0.id == o.id }) else {
                // The entry's record name (never another value: a profile holds secrets) and the source
                // record of that name, whose id the entry probably meant.
                let nameColumns = ["adx_name", "name"]
                let named = nameColumns.compactMap { c in o.values[c]?.text.map { "\(c) \"\($0)\"" } }.first
                let alike = snapshot.records[o.table]?.first { r in
                    nameColumns.contains { c in o.values[c].map { !$0.isNull && ValueComparison.equal(r.columns[c], $0) } ?? false }
                }
                warnings.append(
                    Diagnostic(
                        check: .deploymentProfile,
                        message:
                            "\(source): the entry for \(o.table) \(o.id.dataverseString)\(named.map { " (\($0))" } ?? "") overrides nothing: the source has no \(o.table) with this id, so the target would keep the source's value"
                            + (alike.map { "; the source's record with that name has id \($0.id.dataverseString): correct the id in the profile" }
                                ?? "; correct the id or remove the entry"),
                        table: o.table, recordID: o.id))
                continue
            }
            for (c, v) in o.values {
                snapshot.records[o.table]![i].columns[c] = v
                hidden.insert(PlanOptions.hiddenKey(o.table, o.id, c))
            }
        }
        return (hidden, warnings)
    }
}

extension DeploymentProfile {
    /// The file pac uses for a profile name inside a site folder: `deployment-profiles/NAME.deployment.yml`
    /// (research/pac-portal-format.md §4; `upload --deploymentProfile NAME`). Falls back to `.yaml` when only
    /// that file exists.
    public static func url(named name: String, inSiteFolder folder: URL) -> URL {
        let dir = folder.appendingPathComponent("deployment-profiles", isDirectory: true)
        let yml = dir.appendingPathComponent("\(name).deployment.yml")
        let yaml = dir.appendingPathComponent("\(name).deployment.yaml")
        if !FileManager.default.fileExists(atPath: yml.path) && FileManager.default.fileExists(atPath: yaml.path) { return yaml }
        return yml
    }
}

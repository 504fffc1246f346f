import ArgumentParser
import ConfigurationMigration
import Foundation
import Migration
import PortalModel

/// `portal-migrate verify`: compares a website in two environments.
public struct VerifyCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Compare a website's records, values, links and file bodies between source and target.",
        discussion: """
        Exit code 0 only when the target holds exactly the source's configuration, modulo ids remapped by \
        natural key; otherwise prints each difference (secret values hidden) and exits with 1.

        Environment-specific tables (adx_websitebinding: bound to one environment's portal host; pac \
        downloads but never uploads it) are not compared; the output says how many records were left out.

        With --schemaFile, only the tables, columns and N:N relationships a Configuration Migration Tool \
        schema names are compared (what `data export` with that schema carries); other tables are listed as \
        not compared.

        A standard site verified against an enhanced-model target (--targetModelVersion 2) is compared on the \
        records with an enhanced counterpart; the others are listed as not compared.

        With --json prints {"identical": bool, "differences": [...], "notCompared": [...]}.

        Example: portal-migrate verify --from local:dev --to local:test --webSiteId 6f0c… --targetWebSiteId 1d2e…
        """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var endpoints: MigrationEndpointOptions

    @Option(name: .customLong("schemaFile"), help: "Compare only the tables, columns and N:N relationships this CMT schema file names.")
    var schemaFile: String?

    public init() {}

    public func run() async throws {
        try await MigrationCommandSupport.run(json: global.json) {
            let scope = try verifyScope()
            let (source, sourceModel) = try await EnhancedModelOptions.source(endpoints, verbose: global.verbose)
            let (_, target, targetModel) = try await EnhancedModelOptions.target(endpoints, global: global, source: source, sourceModel: sourceModel)
            var result = try await MigrationEngine().verify(source: source,
                                                            target: target, targetWebsiteID: try endpoints.targetWebsiteID(),
                                                            deploymentProfile: try endpoints.profileURL(),
                                                            scope: EnhancedModelOptions.verifyScope(scope, target: targetModel))
            result.notCompared += EnhancedModelOptions.notComparedColumns(source: sourceModel, target: targetModel)
            if global.json {
                let value = JSONValue.object([("identical", .bool(result.identical)),
                                              ("differences", .array(result.differences.map { .string($0) })),
                                              ("notCompared", .array(result.notCompared.map { .string($0) }))])
                printOut(value.serialized)
            }
            let text = result.identical ? "Identical: the target holds the source's configuration."
                : "\(result.differences.filter { !$0.hasPrefix(" ") }.count) difference(s):\n" + result.differences.map { "  " + $0 }.joined(separator: "\n")
            if !result.notCompared.isEmpty {
                MigrationCommandSupport.say("Not compared:\n" + result.notCompared.map { "  - " + $0 }.joined(separator: "\n"), json: global.json)
            }
            MigrationCommandSupport.say(text, json: global.json)
            if !result.identical { throw ExitCode(PortalMigrateExit.recordsFailed.rawValue) }
        }
    }

    /// The scope of `--schemaFile`: the schema's entities with their fields and N:N relationships;
    /// without it every table but the environment-specific ones.
    /// - Throws: `UserFacingError` when the file cannot be read or is not a CMT schema (file and line).
    func verifyScope() throws -> VerifyScope {
        guard let schemaFile else { return .all }
        let url = URL(fileURLWithPath: schemaFile)
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw UserFacingError("cannot read the schema file \(schemaFile): \(error.localizedDescription)")
        }
        let schema: CMTSchema
        do { schema = try CMTSchema(data: data, file: url.lastPathComponent) } catch let e as CMTError {
            throw UserFacingError(e.description)
        }
        var columns: [String: Set<String>] = [:]
        var relationships: Set<String> = []
        for e in schema.entities {
            columns[e.name, default: []].formUnion(e.fields.map(\.name))
            relationships.formUnion(e.relationships.filter(\.manyToMany).map(\.name))
        }
        return VerifyScope(columnsByTable: columns, relationships: relationships, label: "the schema \(url.lastPathComponent)")
    }
}

import ArgumentParser
import FileFormats
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

            The comparison is strict and independent of the planner: record by record over the union of both \
            sides' columns (a column set on one side and empty on the other differs), JSON and nested values by \
            value, N:N links in both directions, file bodies by SHA-256, state and status, and records or links \
            only the target website has. A pac folder (--path) is compared on the columns pac carries (an absent \
            key is an empty column); a CMT package (--data) on the fields its schema names. Left out, and listed \
            under "Not compared": system columns, environment-specific tables and columns (website bindings, the \
            website's domain), lookups dropped with --missing-lookups drop, tables without a counterpart in the \
            target's data model. Values a deployment profile sets are compared but never printed.

            Environment-specific tables (adx_websitebinding: bound to one environment's portal host; pac \
            downloads but never uploads it) are not compared; the output says how many records were left out.

            With --schemaFile, only the tables, columns and N:N relationships a Configuration Migration Tool \
            schema names are compared (what `data export` with that schema carries); other tables are listed as \
            not compared.

            A standard site verified against an enhanced-model target (--targetModelVersion 2) is compared on the \
            records with an enhanced counterpart; the others are listed as not compared.

            With --json prints {"identical": bool, "checked": {"records", "values", "links", "fileBodies"}, \
            "differences": [{"kind", "table", "id", "targetId", "name", "column", "source", "target"}], "notCompared": [...]}.

            Example: portal-migrate verify --from local:dev --to local:test --webSiteId 6f0c… --targetWebSiteId 1d2e…
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var endpoints: MigrationEndpointOptions

    @Option(name: .customLong("schemaFile"), help: "Compare only the tables, columns and N:N relationships this CMT schema file names.")
    var schemaFile: String?

    @Option(
        name: .customLong("data"),
        help: "Source: a Configuration Migration Tool data.zip (or folder) instead of --from/--path; compared on the columns its schema carries.")
    var data: String?

    public init() {}

    public func run() async throws {
        try await MigrationCommandSupport.run(json: global.json) {
            let scope = try schemaFile.map { try VerifyScope.schemaFile(URL(fileURLWithPath: $0)) } ?? .all
            let source = try await endpoints.source(data: data, verbose: global.verbose)
            let target = try MigrationCommandSupport.target(endpoints.targetSpec(global), verbose: global.verbose)
            let (result, _) = try await MigrationUseCases.verify(source: source, target: target, choices: try endpoints.choices(), scope: scope)
            // Note columns without an enhanced counterpart are listed by the verifier itself (scope.excludedColumns).
            if global.json { printOut(result.json.serialized) }
            let text =
                result.identical
                ? "Identical\(scope.label.map { " for the tables \($0) names" } ?? ""): the target holds the source's configuration (\(Self.describe(result.checked)) compared)."
                : "\(result.items.count) difference(s) (\(Self.describe(result.checked)) compared):\n"
                    + result.items.flatMap(\.lines).map { "  " + $0 }.joined(separator: "\n")
            if !result.notCompared.isEmpty {
                printHuman("Not compared:\n" + result.notCompared.map { "  - " + $0 }.joined(separator: "\n"), json: global.json)
            }
            printHuman(text, json: global.json)
            for line in NextSteps.afterVerify(result.items) { printHuman(line, json: global.json) }
            try exitWith(result.exitCode)
        }
    }

    /// `12 records, 140 values, 8 N:N links, 3 file bodies`.
    static func describe(_ c: VerifyCounts) -> String {
        "\(c.records) records, \(c.values) values, \(c.links) N:N links, \(c.fileBodies) file bodies"
    }
}

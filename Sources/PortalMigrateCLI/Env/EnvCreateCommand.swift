import ArgumentParser
import Environments
import Foundation
import LocalEnvironment
import PortalModel

/// `portal-migrate env create NAME [--language LCID] [--schema FILE] [--exclude-tables …] [--exclude-columns …]`.
struct EnvCreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create an embedded environment (tables from the catalog, or from a CMT schema file).",
        discussion: """
            The new environment holds the 43 portal languages under fresh ids, a business unit and a system user.

            --exclude-tables/--exclude-columns drop catalog tables or columns to reproduce schema drift.

            Example:
              portal-migrate env create old --exclude-columns adx_webpage.adx_sharedpageconfiguration
            """)
    @OptionGroup var env: EnvName
    @Option(help: "Base language LCID.") var language: Int = 1033
    @Option(help: "A Configuration Migration Tool schema file whose tables the environment gets instead of the catalog.")
    var schema: String?
    @Option(name: .customLong("exclude-tables"), help: "Catalog tables to leave out (comma-separated logical names).")
    var excludeTables: String?
    @Option(name: .customLong("exclude-columns"), help: "Catalog columns to leave out (comma-separated table.column).")
    var excludeColumns: String?
    @OptionGroup var global: OutputOptions

    func validate() throws {
        try usageRule {
            try EnvironmentConnection.checkNewLocal(
                languageCode: language, schema: schema != nil, exclusions: excludeTables != nil || excludeColumns != nil)
        }
    }

    func run() async throws {
        let created = try EnvironmentResolver.connection().createLocal(
            env.name, languageCode: language, schema: schema.map { URL(fileURLWithPath: $0) },
            excludingTables: (excludeTables ?? "").split(separator: ",").map(String.init),
            excludingColumns: (excludeColumns ?? "").split(separator: ",").map(String.init))
        let count = try await created.tableDefinitions().count
        if global.json {
            printJSON([
                ("name", .string(env.name)), ("path", .string(created.url.path)),
                ("tables", .number(String(count))), ("baseLanguage", .number(String(language))),
            ])
        } else {
            printOut("Created local:\(env.name) (\(count) tables, base language \(language)) at \(created.url.path)")
        }
    }
}

/// `portal-migrate env list`.
struct EnvListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List the embedded environments.",
        discussion: "Example: portal-migrate env list --json")
    @OptionGroup var global: OutputOptions

    func run() async throws {
        let list = await EnvironmentDirectory().list()
        if global.json {
            printOut(
                JSONValue.array(
                    list.map { s in
                        .object([
                            ("name", .string(s.name)), ("path", .string(s.path)), ("organizationName", .string(s.organizationName)),
                            ("baseLanguage", .number(String(s.baseLanguage))), ("websites", .number(String(s.websites))),
                        ])
                    }
                ).serialized)
            return
        }
        if list.isEmpty { printOut("No local environments in \(EnvironmentDirectory().data.environmentsFolder.path)."); return }
        for s in list { printOut("local:\(s.name)  base language \(s.baseLanguage), \(s.websites) website(s)  \(s.path)") }
    }
}

/// `portal-migrate env delete NAME [--yes]`: an environment that holds websites is deleted only after a
/// "y" typed on a terminal or with `--yes` (nothing in it can be recovered); an empty one at once.
struct EnvDeleteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete", abstract: "Delete an embedded environment's file.",
        discussion: """
            An environment that holds websites asks first on a terminal; elsewhere pass --yes.

            Example: portal-migrate env delete old-test --yes
            """)
    @OptionGroup var env: EnvName
    @Flag(name: .customLong("yes"), help: "Delete without asking even when the environment holds websites.")
    var yes = false
    @OptionGroup var global: OutputOptions

    func run() async throws {
        try await EnvironmentResolver.connection().deleteLocal(env.name, force: yes) { sites in
            let holds = "local:\(env.name) holds \(sites.count) website(s) (\(sites.map { "'\($0.name)'" }.joined(separator: ", ")))"
            try confirmOrRefuse(
                "\(holds). Delete it?", yes: false, refusal: "\(holds); nothing deleted. Pass --yes to delete it with everything in it.",
                declined: "nothing deleted: not confirmed")
        }
        printErr("Deleted local:\(env.name)")
    }
}

import ArgumentParser
import FileFormats
import Foundation
import Migration
import PortalModel

extension Diagnostic.Severity: ExpressibleByArgument {}

/// `portal-migrate check`: finds data that breaks the running site or its security (issue 21 "Portal
/// checks"), in a pac folder, a CMT package or a website of an environment (both data models: an
/// enhanced site is read through its `adx_*` view). Writes nothing.
public struct CheckCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Find data that breaks a site or its security (a folder, a package or an environment's website).",
        discussion: """
            Runs the portal rules (--list-rules shows them) and prints each problem with its rule id, record and column. \
            Exit code 2 when a problem of --fail-on's severity or worse is found (default: error), else 0; nothing is written.

            upload, migrate and data import run the error rules before writing too; --skip-check RULE switches one off there and here.

            Examples:
              portal-migrate check --path ./site/my-site
              portal-migrate check --environment test --webSiteId 076a8a4e-1c1d-4f7e-9c39-2f1e5d7a9b10 --fail-on warning --json
              portal-migrate check --data ./portal.zip
            """)

    @OptionGroup var global: GlobalOptions
    @Option(name: [.customLong("path"), .customShort("p")], help: "A pac site folder (the one holding website.yml).")
    var path: String?
    @Option(
        name: [.customLong("webSiteId"), .customLong("id", withSingleDash: true)],
        help: "The website of --environment to check (adx_websiteid or powerpagesiteid).")
    var webSiteId: String?
    @Option(name: .customLong("data"), help: "A Configuration Migration Tool data.zip (or its unzipped folder).")
    var data: String?
    @Option(name: .customLong("schemaFile"), help: "With --data: check only the tables this CMT schema file names.")
    var schemaFile: String?
    @OptionGroup var modelVersion: ModelVersionOptions
    @Option(name: .customLong("fail-on"), help: "Exit 2 on problems of this severity or worse: error or warning.")
    var failOn: Diagnostic.Severity = .error
    @OptionGroup var skip: SkipCheckOptions
    @Flag(name: .customLong("list-rules"), help: "List the rules (id, severity, what each finds) and exit.")
    var listRules = false

    public init() {}

    public func validate() throws {
        if listRules { return }
        let given = [path != nil, data != nil, webSiteId != nil].filter { $0 }.count
        guard given == 1 else {
            throw ValidationError("give one source: --path FOLDER, --data PACKAGE.zip, or --environment ENV --webSiteId ID")
        }
        if schemaFile != nil && data == nil { throw ValidationError("--schemaFile goes with --data") }
    }

    public func run() async throws {
        if listRules { return printRules() }
        let (diagnostics, label) = try await findings()
        let report = CheckReport(source: label, failOn: failOn, diagnostics: diagnostics, skipped: skip.ids)
        for line in report.lines { printHuman(line, json: global.json) }
        if global.json { printOut(report.json.serialized) }
        try exitWith(report.exitCode)
    }

    /// The rules, one per line: `id  severity  summary`.
    func printRules() {
        let width = PortalRules.all.map(\.id.rawValue.count).max() ?? 0
        for r in PortalRules.all {
            let id = r.id.rawValue.padding(toLength: width, withPad: " ", startingAt: 0)
            let sev = r.severity.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0)
            printOut("\(id)  \(sev)  \(r.summary)\(r.folderOnly ? " (folders only)" : "")")
        }
    }

    /// The findings and a label naming the source: a file source read through the source factory
    /// (`SourceFactory.check`: a folder that cannot be read yields its problems as findings), else
    /// website `--webSiteId` of `--environment` (`MigrationUseCases.check(website:)`).
    func findings() async throws -> ([Diagnostic], String) {
        let model = try modelVersion.model()
        if let file = SourceFactory.fileSource(data: data, path: path) {
            let schema = schemaFile.map { URL(fileURLWithPath: $0) }
            return (try SourceFactory.check(file, model: model, schemaFile: schema, skipping: skip.ids), data ?? path ?? "")
        }
        let id = try WebsiteIDOption.required(webSiteId, option: "--webSiteId")
        let name = global.environment ?? "the selected environment"
        let service = try MigrationCommandSupport.service(global.environment, verbose: global.verbose)
        let found = try await MigrationUseCases.check(website: id, in: service, environment: name, model: model, skipping: skip.ids)
        return (found, "\(name) website \(id.dataverseString)")
    }
}

/// Reading a big site from an environment is never silent: `check` shows progress like the commands
/// that read a site (`--progress`, Progress/ProgressCommands.swift).
extension CheckCommand: ShowsProgress {}

import ArgumentParser
import FileFormats
import Foundation
import Migration
import PortalModel
import Reports

/// `portal-migrate diff`: the drift report between two sides that may never have been migrated into
/// each other (issue 21).
public struct DiffCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Show how two sites differ: environments, pac folders or CMT packages, in either data model.",
        discussion: """
            Each side is an environment (--from / --to, with --webSiteId / --targetWebSiteId when it has more than \
            one website), a pac site folder (--path / --targetPath) or a Configuration Migration Tool package \
            (--data / --targetData). Records pair by id, then by natural key (a page by its parent and partial URL, \
            a content page by its root page and language, a site setting by its name…), so two environments \
            provisioned separately compare record for record although every id differs. The comparison is \
            verify's: every column both formats carry, JSON by value, state, N:N links both ways, web file \
            bodies by SHA-256.

            Values bound to one environment are listed apart as "expected to differ" and never fail the diff: \
            website bindings, the website's domain, site settings backed by environment variables, and the \
            columns a deployment profile sets (--deploymentProfile FILE).

            Outputs: the summary on the terminal; --json prints one object on stdout; --junit FILE writes JUnit \
            XML (a test case per table, a failure per difference); --report FILE.html writes one self-contained \
            page (site map, changed records side by side, N:N links, web files, expected differences).

            Exit codes: 0 the sides hold the same configuration (apart from what is expected to differ); 1 they \
            differ; 2 an input could not be read; 64 a usage error.

            Example: portal-migrate diff --from local:test --to local:prod --junit drift.xml --report drift.html
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var sides: DiffSideOptions

    @Option(name: .customLong("report"), help: "Write the drift report as one self-contained HTML page to this file.")
    var report: String?
    @Option(name: .customLong("junit"), help: "Write JUnit XML to this file: a test case per table, a failure per difference.")
    var junit: String?
    @Option(
        name: [.customLong("deploymentProfile"), .customLong("dp", withSingleDash: true)],
        help: "A pac deployment profile: the columns it sets are expected to differ.")
    var deploymentProfile: String?
    @Option(name: .customLong("schemaFile"), help: "Compare only the tables, columns and N:N relationships this CMT schema file names.")
    var schemaFile: String?
    @Option(name: .customLong("match"), help: "How records pair: key (id, then natural key) or id (ids only).")
    var match: MatchMode = .key

    public init() {}

    public func run() async throws {
        try await MigrationCommandSupport.run(json: global.json) {
            let (first, second) = try sides.specs(environment: global.environment)
            // The output files are checked before anything is read: absent or a regular file, never a link.
            let reportFile = try Self.outputFile(report), junitFile = try Self.outputFile(junit)
            let scope = try schemaFile.map { try VerifyScope.schemaFile(URL(fileURLWithPath: $0)) } ?? .all
            let profile = try deploymentProfile.map { try DeploymentProfileColumns.load(URL(fileURLWithPath: $0)) } ?? []
            let (source, target) = try await DiffSideReader.read(first, second, options: sides, verbose: global.verbose)
            let result = MigrationUseCases.diff(source, target, scope: scope, match: match, profileColumns: profile)

            if global.json { printOut(result.json.serialized) }
            printHuman(result.summary(verbose: global.verbose).joined(separator: "\n"), json: global.json)
            if let junitFile {
                try Self.write(JUnitReport.drift(result), to: junitFile)
                printHuman("JUnit XML written to \(junitFile.shown)", json: global.json)
            }
            if let reportFile {
                let html: String
                do { html = try HTMLReport.render(.drift(result)) } catch { throw UserFacingError("the report could not be made: \(error)") }
                try Self.write(html, to: reportFile)
                printHuman("Drift report written to \(reportFile.shown)", json: global.json)
            }
            try exitWith(result.exitCode)
        }
    }

    /// An output file the user named (`--report`, `--junit`), checked before anything is read: absent or
    /// a regular file, never a link (`SafeFileWriter.checkFile`). `shown` is the path as given.
    /// - Throws: `UserFacingError` "cannot write PATH: why".
    static func outputFile(_ path: String?) throws -> (url: URL, shown: String)? {
        guard let path else { return nil }
        let url = URL(fileURLWithPath: path)
        do { try SafeFileWriter.checkFile(url) } catch { throw UserFacingError("cannot write \(path): \(error)") }
        return (url, path)
    }

    /// Writes `text` to the file the user named (`SafeFileWriter`: no link followed, directory created).
    static func write(_ text: String, to file: (url: URL, shown: String)) throws {
        do { try SafeFileWriter.writeFile(Data(text.utf8), to: file.url) } catch { throw UserFacingError("cannot write \(file.shown): \(error)") }
    }
}

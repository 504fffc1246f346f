import ArgumentParser
import Foundation
import Migration
import PortalModel

/// `portal-migrate verify`: compares a website in two environments.
public struct VerifyCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Compare a website's records, values, links and file bodies between source and target.",
        discussion: """
        Exit code 0 only when the target holds exactly the source's configuration, modulo ids remapped by
        natural key; otherwise prints each difference (secret values hidden) and exits with 1.
        With --json prints {"identical": bool, "differences": [...]}.
        Example: portal-migrate verify --from local:dev --to local:test --webSiteId 6f0c… --targetWebSiteId 1d2e…
        """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var endpoints: MigrationEndpointOptions

    public init() {}

    public func run() async throws {
        try await MigrationCommandSupport.run(json: global.json) {
            let target = try MigrationCommandSupport.service(endpoints.targetSpec(global), verbose: global.verbose)
            let result = try await MigrationEngine().verify(source: try endpoints.source(verbose: global.verbose),
                                                            target: target, targetWebsiteID: try endpoints.targetWebsiteID(),
                                                            deploymentProfile: try endpoints.profileURL())
            if global.json {
                let value = JSONValue.object([("identical", .bool(result.identical)),
                                              ("differences", .array(result.differences.map { .string($0) }))])
                printOut(value.serialized)
            }
            let text = result.identical ? "Identical: the target holds the source's configuration."
                : "\(result.differences.filter { !$0.hasPrefix(" ") }.count) difference(s):\n" + result.differences.map { "  " + $0 }.joined(separator: "\n")
            MigrationCommandSupport.say(text, json: global.json)
            if !result.identical { throw ExitCode(PortalMigrateExit.recordsFailed.rawValue) }
        }
    }
}

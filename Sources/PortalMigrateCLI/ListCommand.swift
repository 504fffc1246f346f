import ArgumentParser
import Foundation
import PortalModel

/// `portal-migrate list`: the websites of an environment, like `pac paportal list`.
public struct ListCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the websites of an environment.",
        discussion: """
            With --json prints an array of objects with websiteId, name, dataModel, baseLanguage and portalAppId.
            Example: portal-migrate list --environment local:dev --json
            """)
    @OptionGroup var global: GlobalOptions
    public init() {}

    public func run() async throws {
        let service = try EnvironmentResolver.service(for: global.environment, verbose: global.verbose)
        let sites = try await WebsiteListing.websites(in: service)
        if global.json {
            printOut(ListCommand.json(sites).serialized)
            return
        }
        if sites.isEmpty { printOut("No websites in \(global.environment ?? "the selected environment")."); return }
        for s in sites {
            printOut(
                "\(s.websiteId.dataverseString)  \(s.name)  [\(s.dataModel), \(s.baseLanguage)]  portal app: \(s.portalAppId?.dataverseString ?? "none")"
            )
        }
    }

    /// The `--json` shape: `[{"websiteId", "name", "dataModel", "baseLanguage", "portalAppId"}]`.
    public static func json(_ sites: [WebsiteSummary]) -> JSONValue {
        .array(
            sites.map { s in
                .object([
                    ("websiteId", .string(s.websiteId.dataverseString)), ("name", .string(s.name)),
                    ("dataModel", .string(s.dataModel)), ("baseLanguage", .number(String(s.baseLanguage))),
                    ("portalAppId", s.portalAppId.map { .string($0.dataverseString) } ?? .null),
                ])
            })
    }
}

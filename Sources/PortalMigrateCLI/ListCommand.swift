import ArgumentParser
import Foundation
import LocalEnvironment
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
        try await userFacing {
            guard let name = EnvironmentResolver.localName(global.environment) else {
                throw UserFacingError("list supports local:NAME environments so far; listing websites of a Web API environment is not supported yet")
            }
            let env = try EnvironmentResolver.openLocal(name)
            let sites = try await env.websites()
            if global.json {
                printOut(ListCommand.json(sites).serialized)
                return
            }
            if sites.isEmpty { printOut("No websites in local:\(name)."); return }
            for s in sites {
                printOut("\(s.websiteId.dataverseString)  \(s.name)  [\(s.dataModel), \(s.baseLanguage)]  portal app: \(s.portalAppId?.dataverseString ?? "none")")
            }
        }
    }

    /// The `--json` shape: `[{"websiteId", "name", "dataModel", "baseLanguage", "portalAppId"}]`.
    public static func json(_ sites: [WebsiteSummary]) -> JSONValue {
        .array(sites.map { s in
            .object([
                ("websiteId", .string(s.websiteId.dataverseString)), ("name", .string(s.name)),
                ("dataModel", .string(s.dataModel)), ("baseLanguage", .number(String(s.baseLanguage))),
                ("portalAppId", s.portalAppId.map { .string($0.dataverseString) } ?? .null),
            ])
        })
    }
}

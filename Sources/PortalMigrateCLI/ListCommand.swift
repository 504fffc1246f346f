import ArgumentParser
import DataverseWebAPI
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
        let sites: [WebsiteSummary]
        let name = EnvironmentResolver.localName(global.environment)
        if let name {
            sites = try await EnvironmentResolver.openLocal(name).websites()
        } else {
            // A Web API environment: profile name or index, URL, or the active profile.
            let client = try RemoteEnvironment.client(for: global.environment, verbose: global.verbose)
            sites = try await WebsiteListing.websites(in: client)
        }
        if global.json {
            printOut(ListCommand.json(sites).serialized)
            return
        }
        if sites.isEmpty { printOut("No websites in \(name.map { "local:" + $0 } ?? global.environment ?? "the selected environment")."); return }
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

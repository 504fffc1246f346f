import ArgumentParser
import DataverseWebAPI
import Foundation
import PortalModel

/// `portal-migrate org`: the organization settings a user must compare between source and target
/// before migrating: base language, blocked attachments, maximum upload size, version.
public struct OrgCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "org",
        abstract: "Show the environment's base language, blocked attachments, maximum upload size and version.",
        discussion: "Example: portal-migrate org --environment dev --json")
    @OptionGroup var global: GlobalOptions
    public init() {}

    public func run() async throws {
        let org = try await EnvironmentResolver.service(for: global.environment, verbose: global.verbose).organizationInfo()
        if global.json {
            printJSON([
                ("organizationId", .string(org.organizationID.dataverseString)), ("name", .string(org.name)),
                ("baseLanguage", .number(String(org.languageCode))), ("blockedAttachments", .array(org.blockedAttachments.map { .string($0) })),
                ("maxUploadFileSize", .number(String(org.maxUploadFileSize))), ("version", .string(org.version)),
            ])
            return
        }
        printOut(
            """
            Organization:        \(org.name) (\(org.organizationID.dataverseString))
            Base language:       \(org.languageCode)
            Max upload size:     \(org.maxUploadFileSize) bytes
            Version:             \(org.version)
            Blocked attachments: \(org.blockedAttachments.isEmpty ? "(none)" : org.blockedAttachments.joined(separator: ";"))
            """)
    }
}

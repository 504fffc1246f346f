import ArgumentParser
import Environments
import Foundation
import LocalEnvironment
import PortalModel

/// `portal-migrate env settings NAME [--language LCID] [--blockedattachments LIST] [--maxuploadfilesize BYTES]
/// [--enable IDS] [--disable IDS]`: shows and changes the organization row and the platform behaviours.
struct EnvSettingsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "settings",
        abstract: "Show or change an environment's organization settings and platform behaviours.",
        discussion: """
            Platform behaviours the embedded environment emulates (ids for --enable/--disable): \(PlatformBehaviour.allCases.map { "\($0.rawValue) \($0.summary)" }.joined(separator: "; ")).
            Example: portal-migrate env settings dev --blockedattachments "exe;dll" --disable E3
            """)
    @OptionGroup var env: EnvName
    @Option(help: "Base language LCID.") var language: Int?
    @Option(name: .customLong("blockedattachments"), help: "Blocked extensions, separated by ';' (empty for none).")
    var blockedAttachments: String?
    @Option(name: .customLong("maxuploadfilesize"), help: "Maximum attachment size in bytes (1…131072000).")
    var maxUploadFileSize: Int?
    @Option(help: "Behaviours to switch on (comma-separated ids such as E4,C1).") var enable: String?
    @Option(help: "Behaviours to switch off (comma-separated ids such as E3,C2).") var disable: String?
    @Option(
        name: .customLong("refuse-deletes"),
        help: "Record ids (comma-separated GUIDs) whose delete fails as a plug-in refusing it (400 0x80040265), for rehearsals; empty for none.")
    var refuseDeletes: String?
    @OptionGroup var global: OutputOptions

    /// The change the options ask for (`LocalSettingsChange`'s parsing of behaviour ids and GUIDs).
    func change() throws -> LocalSettingsChange {
        LocalSettingsChange(
            languageCode: language, blockedAttachments: blockedAttachments, maxUploadFileSize: maxUploadFileSize,
            enable: try LocalSettingsChange.behaviours(enable), disable: try LocalSettingsChange.behaviours(disable),
            refusedDeletes: try LocalSettingsChange.recordIDs(refuseDeletes))
    }

    func validate() throws { try usageRule { try change() } }

    func run() async throws {
        let settings = try await EnvironmentResolver.openLocal(env.name).apply(try change())
        let org = settings.organization
        if global.json {
            printJSON([
                ("name", .string(env.name)), ("baseLanguage", .number(String(org.languageCode))),
                ("blockedAttachments", .string(org.blockedAttachments.joined(separator: ";"))),
                ("maxUploadFileSize", .number(String(org.maxUploadFileSize))), ("version", .string(org.version)),
                ("behaviours", .object(PlatformBehaviour.allCases.map { ($0.rawValue, .bool(settings.behaviours.contains($0))) })),
            ])
        } else {
            for line in Self.lines(settings, name: env.name) { printOut(line) }
        }
    }

    /// The settings as text: the organization row, each behaviour on or off, the refused deletes.
    static func lines(_ settings: LocalSettings, name: String) -> [String] {
        let org = settings.organization
        var out = [
            "local:\(name)", "languagecode:       \(org.languageCode)", "maxuploadfilesize:  \(org.maxUploadFileSize)",
            "blockedattachments: \(org.blockedAttachments.joined(separator: ";"))", "version:            \(org.version)", "behaviours:",
        ]
        out += PlatformBehaviour.allCases.map { "  \($0.rawValue) \(settings.behaviours.contains($0) ? "on " : "off") \($0.summary)" }
        if !settings.refusedDeletes.isEmpty {
            out.append("refused deletes:    \(settings.refusedDeletes.map(\.dataverseString).sorted().joined(separator: ", "))")
        }
        return out
    }
}

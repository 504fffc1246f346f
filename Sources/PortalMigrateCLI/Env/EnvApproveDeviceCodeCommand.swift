import ArgumentParser
import Environments
import Foundation

/// `portal-migrate env approve-device-code NAME CODE`: approves a device code issued by the server
/// serving `local:NAME`, as the environment's owner: the approval carries the key `env serve` wrote
/// into its runtime file (mode 0600), which a server restricted to listed clients
/// (`--client-credentials`) requires.
struct EnvApproveDeviceCodeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approve-device-code",
        abstract: "Approve a device code on the server running for an embedded environment.",
        discussion: """
            Example (while `portal-migrate env serve dev --require-token` runs):
              portal-migrate env approve-device-code dev FJQSKJ2KH
            """)
    @OptionGroup var env: EnvName
    @Argument(help: "The user code the device code flow printed.") var code: String
    @OptionGroup var global: OutputOptions

    func run() async throws {
        try await EnvironmentResolver.connection().approveDeviceCode(code, environment: env.name)
        printOut(global.json ? "{\"approved\":true}" : "Approved the device code for local:\(env.name).")
    }
}

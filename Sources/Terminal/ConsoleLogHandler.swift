import Foundation
import Logging
import PortalModel

/// swift-log's `StreamLogHandler` line format on standard error, written through `Console` so a log
/// line (`--verbose` requests, a throttling warning) never lands in the middle of the live progress
/// line. Credentials in URLs are removed (`CredentialRedaction`).
///
/// `2026-12-07T13:20:01+0000 debug portal-migrate.webapi: [DataverseWebAPI] GET adx_webpages -> 200`
public struct ConsoleLogHandler: LogHandler {
    public let label: String
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]

    /// Where the lines go (the process's console by default).
    public let console: Console

    /// A handler for logger `label` (`Logger(label:) { ConsoleLogHandler(label: $0) }`), writing through `console`.
    public init(label: String, console: Console = .shared) {
        self.label = label
        self.console = console
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let all = metadata.merging(event.metadata ?? [:]) { _, new in new }
        let pretty = all.isEmpty ? "" : " " + all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        let stamp = ISO8601DateFormatter().string(from: Date())
        console.write(
            CredentialRedaction.redact("\(stamp) \(event.level) \(label):\(pretty) [\(event.source)] \(event.message)") + "\n", fd: 2)
    }
}

import AsyncHTTPClient
import EnvironmentServer
import Foundation
import LocalEnvironment
import Logging
import PortalModel
import Testing
import TestSupport
@testable import DataverseWebAPI

/// Environment URL checks, the sorting of transport failures, and fast failure against a closed
/// port (real AsyncHTTPClient transport on 127.0.0.1), after the new-user trial's findings 1 and 2.
@Suite(.serialized) struct RobustnessTransportTests {
    @Test func environmentURLsAreCheckedAndTheWebAPIRootIsStripped() throws {
        #expect(try EnvironmentURLInput.parse("http://127.0.0.1:5555").absoluteString == "http://127.0.0.1:5555")
        #expect(try EnvironmentURLInput.parse("http://127.0.0.1:5555/").absoluteString == "http://127.0.0.1:5555")
        #expect(try EnvironmentURLInput.parse("http://127.0.0.1:5555/api/data/v9.2/").absoluteString == "http://127.0.0.1:5555")
        #expect(try EnvironmentURLInput.parse(" https://Org.crm4.dynamics.com/api/data/v9.1 ").absoluteString == "https://Org.crm4.dynamics.com")
        #expect(try EnvironmentURLInput.parse("HTTPS://org.crm.dynamics.com").absoluteString == "https://org.crm.dynamics.com")
        #expect(try EnvironmentURLInput.parse("http://localhost:1").port == 1)
        #expect(try EnvironmentURLInput.parse("http://127.0.0.1:65535").port == 65535)

        let refused: [(String, String)] = [
            ("http://127.0.0.1:99999", "port 99999"), ("http://127.0.0.1:70000", "port 70000"), ("http://127.0.0.1:0", "port 0"),
            ("ftp://127.0.0.1", "scheme"), ("127.0.0.1:5555", "https://"), ("http:///api", "host"),
            ("http://org.crm.dynamics.com", "plain http"), ("https://org.crm.dynamics.com/main.aspx", "main.aspx"),
            ("https://org.crm.dynamics.com/?a=1", "query"), ("not a url at all", "URL"),
        ]
        for (text, fragment) in refused {
            do {
                let url = try EnvironmentURLInput.parse(text)
                Issue.record("accepted \(text) as \(url)")
            } catch let e as EnvironmentURLInput.Invalid {
                #expect(e.description.contains(text), "\(e)")
                #expect(e.description.contains(fragment), "\(e)")
            }
        }
    }

    @Test func theTransportRefusesAPortNIOCannotTakeBeforeSending() async throws {
        let transport = AsyncHTTPTransport()
        let request = HTTPRequestMessage(method: "GET", url: try #require(URL(string: "http://127.0.0.1:99999/api/data/v9.2/WhoAmI")))
        await #expect(throws: EnvironmentURLInput.Invalid.self) { _ = try await transport.send(request, timeout: .seconds(5)) }
        #expect(TransportFailure(EnvironmentURLInput.Invalid(value: "x", reason: "y")).kind == .invalidRequest)
    }

    @Test func failuresAreSortedByWhatARetryCanDo() {
        #expect(TransportFailure(HTTPClientError.connectTimeout).kind == .connectionFailed)
        #expect(TransportFailure(HTTPClientError.deadlineExceeded).kind == .timedOut)
        #expect(TransportFailure(HTTPClientError.readTimeout).kind == .timedOut)
        #expect(TransportFailure(HTTPClientError.remoteConnectionClosed).kind == .dropped)
        #expect(TransportFailure(HTTPClientError.invalidURL).kind == .invalidRequest)

        let policy = RetryPolicy(maxAttempts: 8, baseDelay: .milliseconds(1), maxDelay: .milliseconds(2))
        var counter = TransportRetryCounter()
        let refused = TransportFailure(kind: .connectionFailed, detail: "refused")
        #expect(counter.record(refused, attempt: 1, policy: policy) == policy.connectionFailureDelay)
        #expect(counter.record(refused, attempt: 2, policy: policy) == policy.connectionFailureDelay)
        #expect(counter.record(refused, attempt: 3, policy: policy) == nil, "a server that is down gets three tries")
        var timeouts = TransportRetryCounter()
        let timedOut = TransportFailure(kind: .timedOut, detail: "deadline")
        #expect(timeouts.record(timedOut, attempt: 1, policy: policy) != nil)
        #expect(timeouts.record(timedOut, attempt: 2, policy: policy) == nil)
        var dropped = TransportRetryCounter()
        let lost = TransportFailure(kind: .dropped, detail: "reset")
        for attempt in 1..<8 { #expect(dropped.record(lost, attempt: attempt, policy: policy) != nil) }
        #expect(dropped.record(lost, attempt: 8, policy: policy) == nil, "maxAttempts still bounds dropped connections")
        var invalid = TransportRetryCounter()
        #expect(invalid.record(TransportFailure(kind: .invalidRequest, detail: "bad"), attempt: 1, policy: policy) == nil)
    }

    /// A closed port on 127.0.0.1: the real client gives up after three tries (not eight backoffs with
    /// AsyncHTTPClient re-dialling until each request's deadline) and the error names the URL. The
    /// behaviour is asserted (the number of tries), not the wall time, which depends on the machine's load.
    @Test func aClosedPortFailsFastNamingTheURL() async throws {
        let port = try Self.closedPort()
        let url = try #require(URL(string: "http://127.0.0.1:\(port)"))
        let client = try WebAPIClient(configuration: .init(environmentURL: url))
        do {
            _ = try await client.organizationInfo()
            Issue.record("a closed port answered")
        } catch let e as DataverseError {
            #expect(e.code == DataverseError.Code.transport)
            #expect(e.message.contains("cannot connect to http://127.0.0.1:\(port)"), "\(e.message)")
            #expect(e.message.contains("3 attempts"), "\(e.message)")
        }
    }

    /// A throttled request says on the log at warning level (what the CLI prints on stderr) that it
    /// waits and for how long, then succeeds.
    @Test func throttlingWaitsAreAnnounced() async throws {
        let messages = MessageLog()
        let logger = Logger(label: "test") { _ in CapturingLogHandler(log: messages) }
        let transport = ScriptedTransport { r, n in
            if r.url.path.contains("EntityDefinitions") || r.url.path.contains("RelationshipDefinitions") { return Fixtures.noMetadata }
            if n <= 1 { return HTTPResponseMessage(status: 429, headers: [("Retry-After", "1")]) }
            return Fixtures.json(
                #"{"BusinessUnitId":"5f2c0000-0000-0000-0000-000000000001","UserId":"5f2c0000-0000-0000-0000-000000000001","OrganizationId":"5f2c0000-0000-0000-0000-000000000001"}"#
            )
        }
        let client = try WebAPIClient(configuration: .init(environmentURL: Fixtures.env), transport: transport, logger: logger)
        _ = try await client.whoAmI()
        let warnings = messages.lines.filter { $0.contains("throttling") }
        #expect(!warnings.isEmpty, "\(messages.lines)")
        #expect(warnings.first?.contains("HTTP 429") == true)
        #expect(warnings.first?.contains("waiting 1 s") == true, "\(warnings)")
        #expect(warnings.first?.contains("https://org.crm.dynamics.com") == true)
    }

    /// A port nobody listens on: bind an ephemeral port, close it, and use its number.
    static func closedPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EBADF) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        close(fd)
        guard bound else { throw POSIXError(.EADDRINUSE) }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// Log lines captured by `CapturingLogHandler`.
final class MessageLog: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []
    func append(_ s: String) { lock.withLock { stored.append(s) } }
    var lines: [String] { lock.withLock { stored } }
}

/// A swift-log handler that keeps warning-and-above messages.
struct CapturingLogHandler: LogHandler {
    let log: MessageLog
    var logLevel: Logger.Level = .warning
    var metadata: Logger.Metadata = [:]
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
    func log(event: LogEvent) {
        log.append("\(event.level) \(event.message)")
    }
}

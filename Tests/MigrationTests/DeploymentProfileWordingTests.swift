import Foundation
import Migration
import PortalModel
import Testing

/// A deployment profile's problems name the record and column in the one wording every command uses
/// (`Diagnostic.record`: `adx_sitesetting <id>, column adx_value`), never the old ` .adx_value`.
@Suite struct DeploymentProfileWordingTests {
    static let id = UUID(uuidString: "5B2B6B0C-0000-4000-8000-0000000000AA")!

    static func message(_ text: String, environment: [String: String] = [:]) -> String? {
        do {
            _ = try DeploymentProfile.parse(text, source: "test.deployment.yml", environment: environment)
            return nil
        } catch { return "\(error)" }
    }

    @Test func anUnsetVariableNamesRecordAndColumn() throws {
        let text = """
            adx_sitesetting:
            - adx_sitesettingid: \(Self.id.dataverseString)
              adx_value: ${OS.PM_WORDING_SECRET}
            """
        let message = try #require(Self.message(text))
        let place = "test.deployment.yml: adx_sitesetting \(Self.id.dataverseString), column adx_value"
        #expect(message.contains(place + ": the environment variable PM_WORDING_SECRET is not set"), "\(message)")
        #expect(!message.contains(" .adx_value"), "\(message)")
    }

    @Test func aValueOfTheWrongTypeNamesRecordAndColumn() throws {
        let text = """
            adx_webpage:
            - adx_webpageid: \(Self.id.dataverseString)
              adx_displayorder: first
            """
        let message = try #require(Self.message(text))
        #expect(message.contains("test.deployment.yml: adx_webpage \(Self.id.dataverseString), column adx_displayorder: "), "\(message)")
        #expect(!message.contains(" .adx_displayorder"), "\(message)")
    }
}

import Foundation
import PortalModel
import Testing
import TestSupport
@testable import EnvironmentServer

/// Bad requests get the Dataverse error shape, never a crash, and the server keeps serving.
@Suite struct BadRequestTests {
    @Test func badRequestsGetTheErrorShapeAndTheServerKeepsServing() async throws {
        var options = ServerOptions()
        options.maxBodyBytes = 64 * 1024
        try await withServer(options) { _, server in
            func expectError(_ r: HTTPResult, _ status: Int, _ code: String, _ label: String) throws {
                #expect(r.status == status, "\(label): \(r.text)")
                #expect(r.errorCode == code, "\(label): \(r.text)")
                let error = try #require(try r.json()["error"], "\(label)")
                #expect(error["message"]?.stringValue?.isEmpty == false, "\(label)")
                #expect(r.header("Content-Type")?.hasPrefix("application/json") == true, "\(label)")
            }
            try expectError(
                try await HTTP.send("POST", server.baseURL + "adx_webpages", body: Data("{\"adx_name\": ".utf8)), 400, "0x80048d19", "malformed JSON")
            try expectError(
                try await HTTP.send("POST", server.baseURL + "adx_webpages", body: Data("[1,2]".utf8)), 400, "0x80048d19", "not an object")
            try expectError(try await HTTP.get(server.baseURL + "Adx_Webpages"), 404, "0x8006088a", "unknown entity set (case-sensitive)")
            try expectError(try await HTTP.get(server.baseURL + "adx_webpages(not-a-guid)"), 400, "0x0", "bad GUID")
            try expectError(try await HTTP.get(server.baseURL + "adx_webpages?$select=adx_nosuch"), 400, "0x0", "unknown $select property")
            try expectError(try await HTTP.get(server.baseURL + "adx_webpages?$skip=10"), 400, "0x0", "$skip")
            try expectError(try await HTTP.get(server.baseURL + "adx_webpages?$filter=adx_name%20eq%20'x"), 400, "0x0", "unterminated literal")
            try expectError(
                try await HTTP.send("POST", server.baseURL + "adx_webpages", body: Data(repeating: 0x20, count: 100 * 1024)), 413, "0x0",
                "body over the limit")
            try expectError(
                try await HTTP.send(
                    "POST", server.baseURL + "$batch", headers: ["Content-Type": "multipart/mixed; boundary=batch_x"],
                    body: Data("--batch_x\r\nContent-Type: application/http\r\n\r\nGET WhoAmI() HTTP/1.1\r\n\r\n".utf8)),
                400, "0x0", "broken multipart (no closing delimiter)")
            try expectError(
                try await HTTP.send("POST", server.baseURL + "$batch", headers: ["Content-Type": "application/json"], body: Data("{}".utf8)),
                400, "0x0", "batch without multipart")
            try expectError(try await HTTP.send("PUT", server.baseURL + "adx_webpages"), 405, "0x80060888", "wrong method")
            try expectError(try await HTTP.get(server.origin + "/nothing/here"), 404, "0x8006088a", "outside the API root")
            let ok = try await HTTP.get(server.baseURL + "WhoAmI()")
            #expect(ok.status == 200)
        }
    }
}

import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The small JSON file a running `env serve` keeps beside the environment file
/// (`NAME.sqlite.serve.json`: `{"port":P,"pid":N}`), so other commands of the same machine can find
/// the server (for example `env approve-device-code`). Removed when the server stops.
public enum ServerRuntimeFile {
    /// The runtime file of an environment file.
    public static func url(beside environmentFile: URL) -> URL {
        environmentFile.appendingPathExtension("serve.json")
    }

    /// Writes the port and this process's id. - Throws: file system errors.
    public static func write(port: Int, beside environmentFile: URL) throws {
        let text = "{\"port\":\(port),\"pid\":\(ProcessInfo.processInfo.processIdentifier)}\n"
        try Data(text.utf8).write(to: url(beside: environmentFile), options: .atomic)
    }

    /// The port of the server serving `environmentFile`, `nil` when none is recorded.
    public static func port(beside environmentFile: URL) -> Int? {
        guard let data = try? Data(contentsOf: url(beside: environmentFile)),
              let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        return obj["port"] as? Int
    }

    /// Removes the runtime file if present.
    public static func remove(beside environmentFile: URL) {
        try? FileManager.default.removeItem(at: url(beside: environmentFile))
    }
}

/// Approves a pending device code on a server running on 127.0.0.1 (what a user does on the
/// verification page; `TokenService`'s `/devicelogin`).
public enum DeviceCodeApproval {
    /// A failure to approve: no server answered, or it does not know the code.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// POSTs `code=USERCODE` to `http://127.0.0.1:PORT/devicelogin`.
    /// - Throws: `Failure` when the server cannot be reached or answers other than 200.
    public static func approve(userCode: String, port: Int) async throws {
        guard let url = URL(string: "http://127.0.0.1:\(port)/devicelogin") else { throw Failure(description: "bad port \(port)") }
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(("code=" + WebRequest.encodeQueryComponent(userCode)).utf8)
        let (data, response): (Data, URLResponse)
        do {
            (data, response) = try await URLSession.shared.data(for: request)
        } catch {
            throw Failure(description: "no server answered on 127.0.0.1:\(port): \(error.localizedDescription)")
        }
        guard let http = response as? HTTPURLResponse, http.statusCode == 200 else {
            throw Failure(description: "the server refused the code: \(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))")
        }
    }
}

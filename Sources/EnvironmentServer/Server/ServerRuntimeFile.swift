import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The small JSON file a running `env serve` keeps beside the environment file
/// (`NAME.sqlite.serve.json`: `{"port":P,"pid":N,"approvalKey":"…"}`), so other commands of the same
/// machine can find the server (for example `env approve-device-code`). Created readable and writable
/// by its owner only (mode 0600): the approval key in it is what lets the owner approve a device code
/// when client credentials are restricted (`TokenService.approvalKey`). Removed when the server stops.
public enum ServerRuntimeFile {
    /// The runtime file of an environment file.
    public static func url(beside environmentFile: URL) -> URL {
        environmentFile.appendingPathExtension("serve.json")
    }

    /// Writes the port, this process's id and the approval key, mode 0600 (through a temporary file
    /// created with that mode and renamed into place, so the key is never readable by others).
    /// - Throws: `CocoaError` when the file cannot be written.
    public static func write(port: Int, approvalKey: String, beside environmentFile: URL) throws {
        let text = "{\"port\":\(port),\"pid\":\(ProcessInfo.processInfo.processIdentifier),\"approvalKey\":\"\(approvalKey)\"}\n"
        let target = url(beside: environmentFile)
        let temp = target.deletingLastPathComponent().appendingPathComponent(".\(target.lastPathComponent).\(UUID().uuidString)")
        guard FileManager.default.createFile(atPath: temp.path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: temp.path])
        }
        if rename(temp.path, target.path) != 0 {
            let code = errno
            try? FileManager.default.removeItem(at: temp)
            throw CocoaError(
                .fileWriteUnknown,
                userInfo: [
                    NSFilePathErrorKey: target.path,
                    NSUnderlyingErrorKey: NSError(domain: NSPOSIXErrorDomain, code: Int(code)),
                ])
        }
    }

    /// The port of the server serving `environmentFile`, `nil` when none is recorded.
    public static func port(beside environmentFile: URL) -> Int? {
        fields(beside: environmentFile)?["port"] as? Int
    }

    /// The approval key of the server serving `environmentFile`, `nil` when none is recorded or the file
    /// cannot be read by this user.
    public static func approvalKey(beside environmentFile: URL) -> String? {
        fields(beside: environmentFile)?["approvalKey"] as? String
    }

    static func fields(beside environmentFile: URL) -> [String: Any]? {
        guard let data = try? Data(contentsOf: url(beside: environmentFile)) else { return nil }
        return try? JSONSerialization.jsonObject(with: data) as? [String: Any]
    }

    /// Removes the runtime file if present.
    public static func remove(beside environmentFile: URL) {
        try? FileManager.default.removeItem(at: url(beside: environmentFile))
    }
}

/// Approves a pending device code on a server running on 127.0.0.1 (what a user does on the
/// verification page; `TokenService`'s `/devicelogin`).
public enum DeviceCodeApproval {
    /// POSTs `code=USERCODE` to `http://127.0.0.1:PORT/devicelogin`, with the owner's approval key
    /// (`TokenService.approvalKeyHeader`) when one is given.
    /// - Throws: `DeviceCodeApprovalError` when the server cannot be reached or answers other than 200.
    public static func approve(userCode: String, port: Int, approvalKey: String? = nil) async throws {
        guard let url = URL(string: "http://127.0.0.1:\(port)/devicelogin") else { throw DeviceCodeApprovalError(description: "bad port \(port)") }
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        if let approvalKey { request.setValue(approvalKey, forHTTPHeaderField: TokenService.approvalKeyHeader) }
        request.httpBody = Data(("code=" + WebRequest.encodeQueryComponent(userCode)).utf8)
        let (data, response): (Data, URLResponse)
        do {
            (data, response) = try await URLSession.shared.data(for: request)
        } catch {
            throw DeviceCodeApprovalError(description: "no server answered on 127.0.0.1:\(port): \(error.localizedDescription)")
        }
        guard let http = response as? HTTPURLResponse, http.statusCode == 200 else {
            throw DeviceCodeApprovalError(
                description: "the server refused the code: \(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))")
        }
    }
}

/// A device code that could not be approved (`DeviceCodeApproval.approve`): no server answered on the
/// port, or it refused the code; the description says which.
public struct DeviceCodeApprovalError: Error, CustomStringConvertible, Sendable {
    public let description: String
}

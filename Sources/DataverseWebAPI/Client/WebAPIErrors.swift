import Foundation
import PortalModel

/// Maps Web API error answers to `DataverseError` (research/dataverse-webapi.md §5): the body
/// `{"error":{"code":"0x…","message":"…"}}` (or a top-level `message`), the HTTP status, the method
/// and path, and the record concerned.
public enum WebAPIErrors {
    /// The error for a non-2xx response.
    public static func error(
        from response: HTTPResponseMessage, method: String, path: String,
        logicalName: String? = nil, recordID: UUID? = nil
    ) -> DataverseError {
        error(status: response.status, body: response.body, method: method, path: path, logicalName: logicalName, recordID: recordID)
    }

    /// The error for a status and body (also used for `$batch` parts).
    public static func error(
        status: Int, body: Data, method: String, path: String,
        logicalName: String? = nil, recordID: UUID? = nil
    ) -> DataverseError {
        var code = ""
        var message = ""
        if let json = try? JSONValue.parse(body) {
            code = json["error"]?["code"]?.stringValue ?? ""
            message = json["error"]?["message"]?.stringValue ?? json["message"]?.stringValue ?? ""
        }
        if message.isEmpty {
            let text = String(decoding: body.prefix(500), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            message = text.isEmpty ? HTTPReasonPhrase.of(status) : text
        }
        if code.isEmpty, status == 429 { code = DataverseError.Code.tooManyRequests }
        return DataverseError(
            httpStatus: status, code: code, message: message, method: method, path: path,
            logicalName: logicalName, recordID: recordID)
    }

    /// True for the answer to associating a pair that is already linked: DuplicateRecord
    /// `0x80040237` or "duplicate key" (research §3.7: treated as success).
    public static func isDuplicateLink(_ e: DataverseError) -> Bool {
        e.code.lowercased() == DataverseError.Code.duplicateRecord || e.message.lowercased().contains("duplicate")
    }

    /// True for a missing record or link (404, or ObjectDoesNotExist `0x80040217`): `DataverseError.isNotFound`.
    public static func isMissing(_ e: DataverseError) -> Bool { e.isNotFound }
}

/// Which environment URLs the client accepts.
public enum EnvironmentURL {
    /// True for `http://127.0.0.1`, `http://localhost` and `http://[::1]` (any port).
    public static func isLoopback(_ url: URL) -> Bool {
        guard let host = url.host?.lowercased() else { return false }
        return host == "127.0.0.1" || host == "localhost" || host == "::1" || host == "[::1]"
    }

    /// Accepts `https://` URLs with a host, and plain `http://` only for loopback.
    /// - Throws: `DataverseError` code `pm:url` naming the URL otherwise.
    public static func validate(_ url: URL) throws {
        let scheme = url.scheme?.lowercased()
        guard url.host != nil, scheme == "https" || (scheme == "http" && isLoopback(url)) else {
            throw DataverseError(code: "pm:url", message: "'\(url.absoluteString)' is not an https:// environment URL or an http:// loopback URL")
        }
    }
}

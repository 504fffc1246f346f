import Foundation
import PortalModel

extension WebAPIClient {
    /// Writes a file body (research/dataverse-webapi.md §9):
    /// - an annotation's `documentbody`: `PATCH annotations(<id>)` with `If-Match: *` and the body
    ///   as base64 text;
    /// - a file column up to `chunkedUploadThreshold` bytes: `PATCH <set>(<id>)/<column>` with
    ///   `Content-Type: application/octet-stream`, `x-ms-file-name` and the raw bytes;
    /// - larger: `PATCH …/<column>?x-ms-file-name=<name>` with `x-ms-transfer-mode: chunked`, then one
    ///   `PATCH <Location>` per `x-ms-chunk-size` chunk with `Content-Range: bytes a-b/total`.
    /// - Throws: `DataverseError` for error answers (blocked extension `0x80043e09`, too large
    ///   `0x80044a02`), file system errors reading a `.file` body.
    public func upload(_ key: FileBodyKey, fileName: String, body: FileBody, extraHeaders: [(name: String, value: String)] = []) async throws {
        let data = try body.load()
        let set = try await entitySetName(key.logicalName)
        let target = "\(set)(\(key.id.dataverseString))"
        if key.logicalName == "annotation" && key.column == "documentbody" {
            let json = JSONValue.object([("documentbody", .string(data.base64EncodedString()))]).serialized
            let r = HTTPRequestMessage(
                method: "PATCH", url: try url(target),
                headers: [("Content-Type", "application/json; charset=utf-8"), ("If-Match", "*")] + extraHeaders,
                body: Data(json.utf8))
            try await expectSuccess(r, key: key)
            return
        }
        let columnPath = "\(target)/\(key.column)"
        if data.count <= configuration.chunkedUploadThreshold {
            let r = HTTPRequestMessage(
                method: "PATCH", url: try url(columnPath),
                headers: [("Content-Type", "application/octet-stream"), ("x-ms-file-name", fileName)] + extraHeaders,
                body: data)
            try await expectSuccess(r, key: key)
            return
        }
        let start = HTTPRequestMessage(
            method: "PATCH", url: try url(columnPath + "?x-ms-file-name=" + ODataQueryEncoder.encodeComponent(fileName)),
            headers: [("x-ms-transfer-mode", "chunked")] + extraHeaders, body: nil)
        let sent = try await perform(start, logicalName: key.logicalName, recordID: key.id)
        guard sent.response.isSuccess else {
            throw WebAPIErrors.error(from: sent.response, method: "PATCH", path: start.pathAndQuery, logicalName: key.logicalName, recordID: key.id)
        }
        guard let location = sent.response.header("Location"), let session = URL(string: location, relativeTo: apiBase)?.absoluteURL,
            sameOrigin(session)
        else {
            throw DataverseError(
                httpStatus: sent.response.status, code: "pm:upload", message: "the chunked upload answer has no usable Location",
                method: "PATCH", path: start.pathAndQuery, logicalName: key.logicalName, recordID: key.id)
        }
        let chunk = max(1, Int(sent.response.header("x-ms-chunk-size") ?? "") ?? 4 * 1024 * 1024)
        var offset = 0
        while offset < data.count {
            let end = min(offset + chunk, data.count)
            let r = HTTPRequestMessage(
                method: "PATCH", url: session,
                headers: [
                    ("Content-Type", "application/octet-stream"), ("x-ms-file-name", fileName),
                    ("Content-Range", "bytes \(offset)-\(end - 1)/\(data.count)"),
                ] + extraHeaders,
                body: data.subdata(in: offset..<end))
            try await expectSuccess(r, key: key)
            offset = end
        }
    }

    func expectSuccess(_ r: HTTPRequestMessage, key: FileBodyKey) async throws {
        let sent = try await perform(r, logicalName: key.logicalName, recordID: key.id)
        guard sent.response.isSuccess else {
            var e = WebAPIErrors.error(from: sent.response, method: r.method, path: r.pathAndQuery, logicalName: key.logicalName, recordID: key.id)
            e.column = key.column
            throw e
        }
    }

    /// The bytes asked for per request when downloading a file column: 4 MiB, the chunk size
    /// Dataverse announces for uploads (research/dataverse-webapi.md §9.2).
    public static let fileDownloadChunkSize = 4 * 1024 * 1024

    /// Reads a file body: an annotation's `documentbody` (base64-decoded) or a file column
    /// (`GET <set>(<id>)/<column>/$value`, research/dataverse-webapi.md §9.2). `nil` when the body is empty.
    ///
    /// File columns are read in chunks of `chunkSize` bytes: each request carries
    /// `Range: bytes=a-b`; a 206 answer's `Content-Range: bytes a-b/total` says how many bytes remain
    /// (Microsoft's chunked file download; the `Range` form is recalled from its "download files in
    /// chunks" article, marked [I]). A server that ignores `Range` and answers 200 gives the whole body
    /// at once.
    /// - Throws: `DataverseError` for a missing record or error answers; `pm:decode` for bad base64
    ///   or a chunk whose `Content-Range` does not continue where the previous one ended.
    public func downloadFile(_ key: FileBodyKey) async throws -> Data? {
        try await downloadFile(key, chunkSize: Self.fileDownloadChunkSize)
    }

    /// `downloadFile(_:)` with a chosen chunk size in bytes (at least 1).
    public func downloadFile(_ key: FileBodyKey, chunkSize: Int) async throws -> Data? {
        let set = try await entitySetName(key.logicalName)
        let target = "\(set)(\(key.id.dataverseString))"
        if key.logicalName == "annotation" && key.column == "documentbody" {
            let json = try await getJSON("\(target)?$select=documentbody", logicalName: key.logicalName)
            guard let text = json["documentbody"]?.stringValue, !text.isEmpty else { return nil }
            guard let d = Data(base64Encoded: text, options: .ignoreUnknownCharacters) else {
                throw DataverseError(
                    code: "pm:decode", message: "documentbody is not base64", logicalName: key.logicalName, recordID: key.id, column: key.column)
            }
            return d
        }
        let chunk = max(1, chunkSize)
        let url = try url("\(target)/\(key.column)/$value")
        var result = Data()
        while true {
            let start = result.count
            let r = HTTPRequestMessage(method: "GET", url: url, headers: [("Accept", "*/*"), ("Range", "bytes=\(start)-\(start + chunk - 1)")])
            let sent = try await perform(r, logicalName: key.logicalName, recordID: key.id)
            let response = sent.response
            if response.status == 204 && start == 0 { return nil }
            if response.status == 200 { return response.body.isEmpty ? nil : response.body }
            if response.status == 206 {
                guard let range = response.header("Content-Range").flatMap(Self.parseContentRange),
                    range.start == start, range.end - range.start + 1 == response.body.count
                else {
                    throw DataverseError(
                        httpStatus: 206, code: "pm:decode",
                        message: "a file chunk's Content-Range does not continue at byte \(start)",
                        method: "GET", path: r.pathAndQuery, logicalName: key.logicalName, recordID: key.id, column: key.column)
                }
                result.append(response.body)
                if result.count >= range.total { return result.isEmpty ? nil : result }
                continue
            }
            var e = WebAPIErrors.error(from: response, method: "GET", path: r.pathAndQuery, logicalName: key.logicalName, recordID: key.id)
            if response.status == 404, start == 0, !e.message.lowercased().contains("does not exist") { return nil }
            e.column = key.column
            throw e
        }
    }

    /// Parses `bytes a-b/total` (a `Content-Range` answer header) into its numbers.
    static func parseContentRange(_ text: String) -> (start: Int, end: Int, total: Int)? {
        let t = text.trimmingCharacters(in: .whitespaces)
        guard t.lowercased().hasPrefix("bytes ") else { return nil }
        let parts = t.dropFirst(6).split(separator: "/")
        guard parts.count == 2, let total = Int(parts[1]) else { return nil }
        let range = parts[0].split(separator: "-")
        guard range.count == 2, let a = Int(range[0]), let b = Int(range[1]), a <= b, b < total else { return nil }
        return (a, b, total)
    }
}

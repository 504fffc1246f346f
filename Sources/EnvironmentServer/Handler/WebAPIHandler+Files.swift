import Foundation
import PortalModel

/// A chunked file column upload in progress (research/dataverse-webapi.md §9.2): the bytes received
/// so far for one record's file column.
struct FileUploadSession: Sendable {
    var key: FileBodyKey
    var fileName: String
    var data: Data
}

extension WebAPIHandler {
    /// The chunk size announced in `x-ms-chunk-size`: 4 MiB, as Dataverse (research/dataverse-webapi.md §9.2).
    static let chunkSize = 4 * 1024 * 1024

    /// `PATCH /{set}({id})/{filecolumn}`: a single-request upload (raw bytes, `x-ms-file-name`), or a
    /// chunked one: a first PATCH with `x-ms-transfer-mode: chunked` answers a `Location` with a
    /// session token and `x-ms-chunk-size`; each chunk is a PATCH to that location with
    /// `Content-Range: bytes a-b/total`, answered 206 until the last, which is stored and answered 204.
    /// - Throws: 400 without a file name or with a bad `Content-Range`; 404 for a missing record or
    ///   session; what the environment's `uploadFile` reports (blocked extension `0x80043e09`, size `0x80044a02`).
    func uploadFile(_ request: WebRequest, table: TableDefinition, keyText: String, column: ColumnDefinition) async throws -> WebResponse {
        let id = try await resolveKey(keyText, table: table, mustExist: true)!
        let key = FileBodyKey(table.logicalName, id, column.logicalName)
        let fileName = request.header("x-ms-file-name") ?? request.queryValue("x-ms-file-name")
        if let token = request.queryValue("sessiontoken") {
            // Check and append under one lock: two chunks of one session arriving together must not both
            // start from the same bytes and the later write drop the earlier chunk (issue 16: no
            // read-modify-write of shared state in two steps).
            let range = request.header("Content-Range").flatMap(WebAPIHandler.parseContentRange)
            let step: Result<(done: FileUploadSession?, end: Int), ODataError> = fileSessions.withLock { sessions in
                guard var session = sessions[token], session.key == key else {
                    return .failure(
                        ODataError(
                            status: 404, code: DataverseError.Code.objectDoesNotExist, message: "The upload session '\(token)' does not exist."))
                }
                guard let (start, end, total) = range, start == session.data.count, end - start + 1 == request.body.count else {
                    return .failure(ODataError.badRequest("The Content-Range header is missing or does not match the bytes received."))
                }
                session.data.append(request.body)
                if end + 1 < total {
                    sessions[token] = session
                    return .success((nil, end))
                }
                sessions[token] = nil
                return .success((session, end))
            }
            let (done, end) = try step.get()
            guard let session = done else {
                return WebResponse(status: 206, headers: [("OData-Version", "4.0"), ("Range", "bytes=0-\(end)")])
            }
            try await store(session.data, key: key, fileName: session.fileName)
            return .noContent()
        }
        guard let fileName, !fileName.isEmpty else {
            throw ODataError.badRequest("The x-ms-file-name header is required to upload a file.")
        }
        if request.header("x-ms-transfer-mode")?.lowercased() == "chunked" {
            let token = UUID().uuidString.lowercased()
            fileSessions.withLock { $0[token] = FileUploadSession(key: key, fileName: fileName, data: Data()) }
            let location = baseURL + "\(table.entitySetName)(\(id.dataverseString))/\(column.logicalName)?sessiontoken=\(token)"
            return WebResponse(
                status: 200,
                headers: [
                    ("OData-Version", "4.0"), ("Location", location),
                    ("x-ms-chunk-size", String(WebAPIHandler.chunkSize)),
                ])
        }
        try await store(request.body, key: key, fileName: fileName)
        return .noContent()
    }

    private func store(_ data: Data, key: FileBodyKey, fileName: String) async throws {
        let results = try await service.execute([.uploadFile(key, fileName: fileName, body: .data(data))])
        if let e = WebAPIHandler.firstError(results) { throw ODataError(e) }
    }

    /// `GET /{set}({id})/{filecolumn}[/$value]`: the whole body (200), or with `Range: bytes=a-b`
    /// one chunk of it (206 with `Content-Range: bytes a-b/total`), as Dataverse serves large file
    /// column downloads in chunks (research/dataverse-webapi.md §9.2 lists the download URL; the
    /// `Range` form follows Microsoft's "download files in chunks" article as recalled, marked [I]).
    /// Microsoft's form with the total after the range (`bytes=a-b/total`) and an open end (`bytes=a-`)
    /// are accepted; `b` is clipped to the last byte. Both answers carry `x-ms-file-size` and
    /// `Accept-Ranges: bytes`, and `x-ms-file-name` when the service keeps file names (`fileStore`).
    /// - Throws: 404 `0x80040217` when the column holds no file; 416 for a range that starts past the
    ///   end; 400 for a `Range` header that is not `bytes=…`.
    func downloadFile(table: TableDefinition, id: UUID, column: ColumnDefinition, range: String?) async throws -> WebResponse {
        let key = FileBodyKey(table.logicalName, id, column.logicalName)
        // A service that keeps file names (the embedded environment) gives the name too (`x-ms-file-name`,
        // as on uploads, §9.2).
        var fileName: String?
        let body: Data?
        if let store = service.fileStore {
            let stored = try await store.storedFile(key)
            (fileName, body) = (stored?.fileName, stored?.data)
        } else {
            body = try await service.downloadFile(key)
        }
        guard let data = body else {
            throw ODataError(
                status: 404, code: DataverseError.Code.objectDoesNotExist,
                message: "No file attachment found for attribute: \(column.logicalName) EntityId: \(id.dataverseString).")
        }
        var headers: [(String, String)] = [
            ("Content-Type", "application/octet-stream"), ("OData-Version", "4.0"),
            ("x-ms-file-size", String(data.count)), ("Accept-Ranges", "bytes"),
        ]
        if let fileName, !fileName.isEmpty { headers.append(("x-ms-file-name", fileName)) }
        guard let range, !data.isEmpty else { return WebResponse(status: 200, headers: headers, body: data) }
        guard let (start, requestedEnd) = WebAPIHandler.parseRange(range) else {
            throw ODataError.badRequest("The Range header '\(range)' is not of the form bytes=start-end.")
        }
        guard start < data.count else {
            throw ODataError(
                status: 416, code: DataverseError.Code.invalidArgument,
                message: "The range starts at byte \(start) but the file has \(data.count) bytes.")
        }
        let end = min(requestedEnd ?? (data.count - 1), data.count - 1)
        headers.append(("Content-Range", "bytes \(start)-\(end)/\(data.count)"))
        return WebResponse(status: 206, headers: headers, body: data.subdata(in: start..<(end + 1)))
    }

    /// Parses a `Range` header value `bytes=a-b`, `bytes=a-b/total` or `bytes=a-` into start and
    /// (optional) inclusive end; `nil` when malformed or when `b < a`.
    static func parseRange(_ text: String) -> (Int, Int?)? {
        let t = text.trimmingCharacters(in: .whitespaces)
        guard t.lowercased().hasPrefix("bytes=") else { return nil }
        let spec = t.dropFirst(6).split(separator: "/", omittingEmptySubsequences: false)[0]
        let parts = spec.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, let a = Int(parts[0].trimmingCharacters(in: .whitespaces)), a >= 0 else { return nil }
        let endText = parts[1].trimmingCharacters(in: .whitespaces)
        if endText.isEmpty { return (a, nil) }
        guard let b = Int(endText), b >= a else { return nil }
        return (a, b)
    }

    /// Parses `bytes a-b/total` into its three numbers.
    static func parseContentRange(_ text: String) -> (Int, Int, Int)? {
        let t = text.trimmingCharacters(in: .whitespaces)
        guard t.hasPrefix("bytes ") else { return nil }
        let parts = t.dropFirst(6).split(separator: "/")
        guard parts.count == 2, let total = Int(parts[1]) else { return nil }
        let range = parts[0].split(separator: "-")
        guard range.count == 2, let a = Int(range[0]), let b = Int(range[1]), a <= b, b < total else { return nil }
        return (a, b, total)
    }
}

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
            guard var session = fileSessions.withLock({ $0[token] }), session.key == key else {
                throw ODataError(status: 404, code: DataverseError.Code.objectDoesNotExist, message: "The upload session '\(token)' does not exist.")
            }
            guard let range = request.header("Content-Range"), let (start, end, total) = WebAPIHandler.parseContentRange(range),
                  start == session.data.count, end - start + 1 == request.body.count else {
                throw ODataError.badRequest("The Content-Range header is missing or does not match the bytes received.")
            }
            session.data.append(request.body)
            if end + 1 < total {
                let s = session
                fileSessions.withLock { $0[token] = s }
                return WebResponse(status: 206, headers: [("OData-Version", "4.0"), ("Range", "bytes=0-\(end)")])
            }
            fileSessions.withLock { $0[token] = nil }
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
            return WebResponse(status: 200, headers: [("OData-Version", "4.0"), ("Location", location),
                                                      ("x-ms-chunk-size", String(WebAPIHandler.chunkSize))])
        }
        try await store(request.body, key: key, fileName: fileName)
        return .noContent()
    }

    private func store(_ data: Data, key: FileBodyKey, fileName: String) async throws {
        let results = try await service.execute([.uploadFile(key, fileName: fileName, body: .data(data))])
        if let e = WebAPIHandler.firstError(results) { throw ODataError(e) }
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

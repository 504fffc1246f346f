import Foundation

/// A file body as an environment stores it: the bytes with the file name and MIME type given when it
/// was uploaded (`x-ms-file-name` on a file column upload, `filename`/`mimetype` of a note;
/// research/dataverse-webapi.md §9.2).
public struct StoredFileBody: Sendable, Hashable {
    /// The file name given on upload, `nil` when none was.
    public var fileName: String?
    /// The MIME type given on upload, `nil` when none was.
    public var mimeType: String?
    /// The bytes.
    public var data: Data

    public init(fileName: String?, mimeType: String?, data: Data) {
        self.fileName = fileName
        self.mimeType = mimeType
        self.data = data
    }
}

/// A service that keeps file bodies with their names (the embedded environment), so a server in front
/// of it can answer a file column download with `x-ms-file-name` as Dataverse does
/// (research/dataverse-webapi.md §9.2). Ask `DataverseService.fileStore`.
///
/// A service with a file store holds its bodies in the process: readers ask it for records without
/// `documentbody` and take each body as bytes (`storedFile`, `DataverseService.downloadFile`) rather
/// than as the base64 text the Web API gives (issue 19: base64 only at the wire).
public protocol FileStore: Sendable {
    /// The body of a file column or an annotation's `documentbody` with its name and MIME type, `nil`
    /// when the column holds no file.
    /// - Throws: `DataverseError` for an unknown table (`Code.resourceNotFound`) or a missing record.
    func storedFile(_ key: FileBodyKey) async throws -> StoredFileBody?
}

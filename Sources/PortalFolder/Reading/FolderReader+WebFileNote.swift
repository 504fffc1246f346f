import Foundation
import PortalModel

extension FolderReader {
    /// A web file whose `.webfile.yml` has none of the note's keys (`annotationid`, `filename`,
    /// `mimetype`, …) but has a content file beside it (issue 16, R07):
    /// - a 0-byte content file is what pac writes for a web file without a note: nothing to add;
    /// - otherwise (a file dropped into `web-files/` by hand) the bytes become the web file's note:
    ///   id `WebFileNote.id(forWebFile:)` (the same on every read, so a second upload updates it),
    ///   `filename` the content file's name, `mimetype` from its extension
    ///   (`WebFileNote.mimeType(forFileName:)`), and a warning naming the file.
    /// - Parameters:
    ///   - rel: the `.webfile.yml`, relative to the folder.
    ///   - webFile: the web file record read from it.
    ///   - body: the content file, relative to the folder.
    /// - Throws: `PortalFolderError` when the note cannot be registered (as for a note pac wrote).
    mutating func noteFromContentFile(_ rel: String, webFile: EntityRecord, body: String) throws {
        let size = ((try? FileManager.default.attributesOfItem(atPath: url(body).path))?[.size] as? NSNumber)?.intValue ?? 0
        if size == 0 { return }
        let id = WebFileNote.id(forWebFile: webFile.id)
        let name = (body as NSString).lastPathComponent
        let mime = WebFileNote.mimeType(forFileName: name)
        let pairs = [
            YAMLPair("annotationid", .scalar(id.dataverseString)), YAMLPair("filename", .scalar(name)),
            YAMLPair("isdocument", .scalar("true")), YAMLPair("mimetype", .scalar(mime)),
            YAMLPair("objectid", .scalar(webFile.id.dataverseString)), YAMLPair("objecttypecode", .scalar("adx_webfile")),
        ]
        let note = PacTableLayout("annotation", suffix: "webfile", .recordFile(directory: "web-files", perRecordFolder: false))
        let annotation = try makeRecord(pairs, note, file: rel, line: 1, contents: [:], contentFile: body)
        snapshot.bodies[FileBodyKey("annotation", annotation.id, "documentbody")] = .file(url(body))
        readWarnings.append(
            "\(rel): no note keys (annotationid, filename, mimetype) beside its content file \(body); "
                + "its \(size) bytes are uploaded as the web file's note \(id.dataverseString) (\(mime), from the extension)")
    }
}

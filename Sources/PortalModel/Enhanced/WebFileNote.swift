import Foundation

/// Facts about a web file's note (the `annotation` holding a web file's bytes) shared by the folder
/// reader and the enhanced-model view.
public enum WebFileNote {
    /// The id of a note synthesized for a web file that has none of its own: the web file's id with
    /// its bytes XOR-ed with a fixed mask, so it is the same on every read (never equal to the web file
    /// id). The enhanced view gives this id to a web file component's `filecontent` note (the file id,
    /// which pac writes as `annotationid`, changes on every upload of the body); the folder reader
    /// gives it to a note made from a content file whose YAML lacks the note's keys.
    public static func id(forWebFile webFile: UUID) -> UUID {
        let mask = Array("pm:webfile:note!".utf8)
        var bytes = webFile.uuid
        withUnsafeMutableBytes(of: &bytes) { raw in for i in 0..<16 { raw[i] ^= mask[i] } }
        return UUID(uuid: bytes)
    }

    /// The MIME type of a file name's extension (the common web file types, compared without case;
    /// `application/octet-stream` otherwise). Inferred: the enhanced model's file column does not
    /// return one through the service interface, and a content file dropped into `web-files/` has none.
    public static func mimeType(forFileName name: String) -> String {
        let ext = (name as NSString).pathExtension.lowercased()
        let types = [
            "css": "text/css", "js": "application/javascript", "json": "application/json", "png": "image/png",
            "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif", "svg": "image/svg+xml", "ico": "image/x-icon",
            "html": "text/html", "htm": "text/html", "txt": "text/plain", "woff": "font/woff", "woff2": "font/woff2",
            "ttf": "font/ttf", "pdf": "application/pdf", "mp4": "video/mp4", "webp": "image/webp", "xml": "text/xml",
        ]
        return types[ext] ?? "application/octet-stream"
    }
}

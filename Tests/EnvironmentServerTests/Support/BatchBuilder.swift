import Foundation

/// Writes `$batch` bodies the way research/dataverse-webapi.md §4.1 shows (CRLF, absolute or relative
/// inner URLs, change sets with Content-IDs), and reads response parts back.
struct BatchBuilder {
    enum Item {
        case request(method: String, url: String, body: String?, contentID: String?)
        case changeSet([(method: String, url: String, body: String?, contentID: String?)])
    }
    var items: [Item] = []
    var boundary = "batch_" + UUID().uuidString
    var lineEnd = "\r\n"

    func render() -> Data {
        var s = ""
        func part(_ method: String, _ url: String, _ body: String?, _ cid: String?) {
            s += "Content-Type: application/http" + lineEnd + "Content-Transfer-Encoding: binary" + lineEnd
            if let cid { s += "Content-ID: \(cid)" + lineEnd }
            s += lineEnd + "\(method) \(url) HTTP/1.1" + lineEnd
            if let body { s += "Content-Type: application/json;type=entry" + lineEnd + lineEnd + body + lineEnd } else { s += lineEnd }
        }
        for item in items {
            s += "--\(boundary)" + lineEnd
            switch item {
            case .request(let m, let u, let b, let c): part(m, u, b, c)
            case .changeSet(let ops):
                let cs = "changeset_" + UUID().uuidString
                s += "Content-Type: multipart/mixed; boundary=\(cs)" + lineEnd + lineEnd
                for op in ops {
                    s += "--\(cs)" + lineEnd
                    part(op.method, op.url, op.body, op.contentID)
                }
                s += "--\(cs)--" + lineEnd
            }
        }
        s += "--\(boundary)--" + lineEnd
        return Data(s.utf8)
    }

    var contentType: String { "multipart/mixed; boundary=\"\(boundary)\"" }
}

/// One `application/http` part of a batch response.
struct BatchResponsePart {
    var status: Int
    var contentID: String?
    var body: String
    var inChangeSet: Bool
}

/// Reads the parts of a batch response body, flattening change sets.
func parseBatchResponse(_ text: String, contentType: String?) -> [BatchResponsePart] {
    func boundary(_ ct: String) -> String? {
        guard let r = ct.range(of: "boundary=") else { return nil }
        return String(ct[r.upperBound...]).trimmingCharacters(in: CharacterSet(charactersIn: "\" "))
    }
    guard let b = contentType.flatMap(boundary) else { return [] }
    func split(_ t: String, _ b: String) -> [String] {
        t.components(separatedBy: "--" + b).dropFirst().filter { !$0.hasPrefix("--") }
    }
    var out: [BatchResponsePart] = []
    func parsePart(_ p: String, inChangeSet: Bool) {
        let sections = p.components(separatedBy: "\r\n\r\n")
        guard sections.count >= 2 else { return }
        let mimeHeaders = sections[0]
        if let ct = mimeHeaders.components(separatedBy: "\r\n").first(where: { $0.lowercased().hasPrefix("content-type: multipart/mixed") }),
            let inner = boundary(ct)
        {
            for q in split(sections.dropFirst().joined(separator: "\r\n\r\n"), inner) { parsePart(q, inChangeSet: true) }
            return
        }
        let cid = mimeHeaders.components(separatedBy: "\r\n").first { $0.hasPrefix("Content-ID: ") }.map { String($0.dropFirst(12)) }
        let statusLine = sections[1].components(separatedBy: "\r\n")[0]
        let status = Int(statusLine.split(separator: " ").dropFirst().first ?? "") ?? 0
        let body = sections.count > 2 ? sections[2...].joined(separator: "\r\n\r\n").trimmingCharacters(in: .whitespacesAndNewlines) : ""
        out.append(BatchResponsePart(status: status, contentID: cid, body: body, inChangeSet: inChangeSet))
    }
    for p in split(text, b) { parsePart(p, inChangeSet: false) }
    return out
}

import Foundation
import Testing
import TestSupport
@testable import DataverseWebAPI

/// The `$batch` answer reader (a byte reader since issue 20) gives back every part of answers made
/// from known parts: status, Content-ID, headers, body and change-set membership, with CR LF or LF
/// line endings, quoted or bare boundaries, bodies holding line breaks, non-ASCII text and text that
/// looks like a delimiter of another boundary.
@Suite struct BatchResponseRoundTripTests {
    struct Part {
        var contentID: String?
        var status: Int
        var headers: [(String, String)]
        var body: String
    }

    static func render(_ groups: [(changeSet: Bool, parts: [Part])], batch: String, crlf: Bool) -> String {
        func http(_ p: Part, into out: inout [String]) {
            out.append("Content-Type: application/http")
            out.append("Content-Transfer-Encoding: binary")
            if let id = p.contentID { out.append("Content-ID: \(id)") }
            out.append("")
            out.append("HTTP/1.1 \(p.status) Reason Phrase")
            for (n, v) in p.headers { out.append("\(n): \(v)") }
            out.append("")
            out.append(p.body)
        }
        var lines: [String] = []
        for (k, g) in groups.enumerated() {
            lines.append("--\(batch)")
            if g.changeSet {
                let cs = "changesetresponse_\(k)-ü"
                lines.append("Content-Type: multipart/mixed; boundary=\(cs)")
                lines.append("")
                for p in g.parts {
                    lines.append("--\(cs)")
                    http(p, into: &lines)
                }
                lines.append("--\(cs)--")
            } else {
                http(g.parts[0], into: &lines)
            }
        }
        lines.append("--\(batch)--")
        lines.append("")
        return lines.joined(separator: crlf ? "\r\n" : "\n")
    }

    @Test func partsComeBackAsTheyWereWritten() throws {
        let seed = ProcessInfo.processInfo.environment["PM_FUZZ_SEED"].flatMap { UInt64($0) } ?? UInt64.random(in: 1...UInt64.max)
        var rng = SplitMix64(seed: seed)
        print("BatchResponseRoundTripTests: seed \(seed) (replay with PM_FUZZ_SEED=\(seed))")
        let bodies = [
            "", #"{"a":1}"#, "{\n  \"text\": \"two\nlines\"\n}", #"{"name":"Grüße – 日本"}"#,
            "--changesetresponse_other\nnot a delimiter of this answer", #"{"error":{"code":"0x80040237","message":"x"}}"#,
        ]
        for round in 0..<200 {
            var groups: [(changeSet: Bool, parts: [Part])] = []
            var expected: [(Part, Bool)] = []
            var id = 0
            for _ in 0..<Int.random(in: 1...6, using: &rng) {
                let changeSet = Bool.random(using: &rng)
                var parts: [Part] = []
                for _ in 0..<(changeSet ? Int.random(in: 1...4, using: &rng) : 1) {
                    id += 1
                    let p = Part(
                        contentID: Bool.random(using: &rng) ? String(id) : nil,
                        status: [200, 201, 204, 400, 412, 429, 500].randomElement(using: &rng)!,
                        headers: [("OData-Version", "4.0"), ("Location", " https://x/api/data/v9.2/t(\(id)) ")].shuffled(using: &rng),
                        body: bodies.randomElement(using: &rng)!)
                    parts.append(p)
                    expected.append((p, changeSet))
                }
                groups.append((changeSet, parts))
            }
            let crlf = Bool.random(using: &rng)
            let batch = "batchresponse_\(round)"
            let text = Self.render(groups, batch: batch, crlf: crlf)
            let quoted = Bool.random(using: &rng)
            let items = try BatchResponseParser.parse(
                contentType: "multipart/mixed; boundary=" + (quoted ? "\"\(batch)\"" : batch), body: Data(text.utf8))
            try #require(items.count == expected.count, "seed \(seed) round \(round)")
            for (item, (p, inSet)) in zip(items, expected) {
                #expect(item.status == p.status, "seed \(seed) round \(round)")
                #expect(item.contentID == p.contentID, "seed \(seed) round \(round)")
                #expect(item.inChangeSet == inSet, "seed \(seed) round \(round)")
                #expect(item.header("odata-version") == "4.0")
                #expect(item.header("Location")?.hasPrefix("https://x/") == true, "header values are trimmed")
                let body = String(decoding: item.body, as: UTF8.self)
                #expect(body == p.body, "seed \(seed) round \(round)")
            }
        }
    }

    @Test func unreadableAnswersAreErrors() {
        let cases: [(String, String)] = [
            ("multipart/mixed", "--b\nContent-Type: application/http\n\nHTTP/1.1 200 OK\n\n{}\n--b--\n"),
            ("multipart/mixed; boundary=b", "no delimiter here"),
            ("multipart/mixed; boundary=b", "--b\nContent-Type: application/http\n\nNOT-HTTP 200\n\n--b--\n"),
            ("multipart/mixed; boundary=b", "--b\nContent-Type: multipart/mixed\n\n--c\n--c--\n--b--\n"),
        ]
        for (type, body) in cases {
            #expect(throws: BatchResponseParseError.self, "\(body)") {
                try BatchResponseParser.parse(contentType: type, body: Data(body.utf8))
            }
        }
    }
}

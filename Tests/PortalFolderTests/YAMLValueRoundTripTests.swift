import Foundation
import Testing
import PortalModel
import TestSupport
@testable import PortalFolder

/// Issue 17 "YAML injection through a value": any string a record holds is written as data and reads
/// back exactly; no marker the emitter uses internally is reachable from a value.
@Suite struct YAMLValueRoundTripTests {
    /// Pieces random values are made of: the characters and sequences that decide a YAML style.
    static let pieces: [String] = [
        "a", "Z", "0", "7", " ", "  ", "\t", "\n", "\r", "\r\n", "\n\n", "\u{0}", "\u{1}", "\u{7}", "\u{1B}", "\u{7F}",
        "\u{85}", "\u{A0}", "\u{2028}", "\u{2029}", "\u{F8FF}", "\u{F8FF}yaml:", "\u{F8FF}yaml:&o0 []", "\u{F8FF}yaml:*o0",
        "\u{FEFF}", "\u{FFFD}", "😀", "é", "漢字", "'", "\"", "''", "\\", ": ", ":", "#", " #", "- ", "-", "---", "...",
        "? ", "[", "]", "{", "}", ",", "&", "*", "!", "|", ">", "%", "@", "`", "~", "null", "No", "true", "00:03:00",
        "- adx_name: injected", "\n- adx_name: injected\n", "key: value", "&a", "*a", "!!str", "0x1F", "1e3",
    ]

    /// A random string of up to `maxPieces` pieces.
    static func randomValue(_ rng: inout SplitMix64, maxPieces: Int = 8) -> String {
        let n = Int(rng.next() % UInt64(maxPieces + 1))
        return (0..<n).map { _ in pieces[Int(rng.next() % UInt64(pieces.count))] }.joined()
    }

    /// Emits `value` as a column of a record file and as a column of a list item, with LF and CR LF
    /// files and both block-break rules, and reads it back.
    static func roundTrips(_ value: String) throws -> [String] {
        var problems: [String] = []
        for lineBreak in ["\n", "\r\n"] {
            for breaks in [PacYAMLEmitter.BlockBreaks.v1, .v2] {
                let emitter = PacYAMLEmitter(lineBreak: lineBreak, blockBreaks: breaks)
                let record = YAMLValue.mapping([
                    YAMLPair("adx_name", .scalar("x")), YAMLPair("adx_value", .scalar(value)),
                    YAMLPair("adx_websiteid", .scalar("z")),
                ])
                let file = emitter.emit(record)
                let read = try PacYAMLReader.parse(file, file: "website.yml").root
                if read != record { problems.append("mapping (\(breaks), \(lineBreak.debugDescription)): \(file.debugDescription)") }
                let list = YAMLValue.sequence([record, .mapping([YAMLPair("adx_name", .scalar(value))])])
                let listFile = emitter.emit(list)
                let readList = try PacYAMLReader.parse(listFile, file: "sitesetting.yml").root
                if readList != list { problems.append("list (\(breaks), \(lineBreak.debugDescription)): \(listFile.debugDescription)") }
            }
        }
        return problems
    }

    /// The inputs of the issue: the marker prefix followed by YAML, and a newline followed by a record.
    @Test func issueInputsComeBackAsData() throws {
        for value in [
            "\u{F8FF}yaml:&o0 []", "\u{F8FF}yaml:x\n- adx_name: injected", "\u{F8FF}yaml:*o0",
            // made up: a record through a folded block, a document end, a quoted key
            "x\n- adx_name: injected\n  adx_sitesettingid: 00000000-0000-0000-0000-000000000001",
            "...\n---\n- a: b", "\"adx_name\": injected",
        ] {
            #expect(try Self.roundTrips(value) == [], "\(value.debugDescription)")
        }
    }

    /// Random strings of control characters, breaks, quotes, indicators, U+F8FF, BOM and emoji
    /// round-trip through emit + read exactly. The seed is printed; `PM_SEED` replays one.
    @Test func randomStringsRoundTrip() throws {
        let seed = ProcessInfo.processInfo.environment["PM_SEED"].flatMap { UInt64($0) } ?? UInt64.random(in: 1...UInt64.max)
        print("YAMLValueRoundTripTests.randomStringsRoundTrip seed: \(seed) (replay with PM_SEED=\(seed))")
        var rng = SplitMix64(seed: seed)
        let count = TestPaths.longTests ? 50_000 : 1_500
        var failures: [String] = []
        for _ in 0..<count {
            let value = Self.randomValue(&rng)
            let problems = try Self.roundTrips(value)
            if !problems.isEmpty { failures.append("\(value.debugDescription): \(problems[0])") }
            if failures.count >= 5 { break }
        }
        #expect(failures.isEmpty, "seed \(seed): \(failures.joined(separator: "\n"))")
    }

    /// A site setting whose value looks like the emitter's old anchor marker is written as a string
    /// through the folder writer and read back unchanged, adding no record.
    @Test func folderWriterKeepsMarkerLikeValuesAsData() throws {
        let folder = PortalFolder()
        let original = try FolderRoundTripTests.copyOfCorpus("ejada-starter-2022")
        var snapshot = try folder.read(original).snapshot
        let values = ["\u{F8FF}yaml:&o0 []", "\u{F8FF}yaml:x\n- adx_name: injected", "a\r\nb", " \u{F8FF}yaml: lead"]
        var settings = try #require(snapshot.records["adx_sitesetting"])
        #expect(settings.count >= values.count)
        for (i, v) in values.enumerated() { settings[i].columns["adx_value"] = .string(v) }
        snapshot.records["adx_sitesetting"] = settings
        let parent = try TestPaths.temporaryDirectory("pm-injection")
        let (site, _) = try folder.download(snapshot, into: parent, overwrite: false, environmentHost: nil)
        let back = try folder.read(site).snapshot
        #expect(back.records["adx_sitesetting"]?.count == settings.count)
        for (i, v) in values.enumerated() {
            #expect(back.record("adx_sitesetting", settings[i].id)?.columns["adx_value"]?.text == v)
        }
        let text = try String(contentsOf: site.appendingPathComponent("sitesetting.yml"), encoding: .utf8)
        #expect(!text.contains("\n- adx_name: injected"))
    }

    /// pac's own anchors of v2 list files still come back as anchors (the reason for the marker).
    @Test func pacAnchorsStillRoundTrip() throws {
        let text = "- adx_settingsDetails:\n    a: &o0 []\n    b: *o0\n  adx_name: x\n"
        let doc = try PacYAMLReader.parse(text, file: "x.yml")
        #expect(PacYAMLEmitter().emit(doc.root) == text)
        guard case .anchoredEmptySequence("o0")? = doc.root.items?.first?["adx_settingsDetails"]?["a"] else {
            Issue.record("the anchor is not kept as an anchor: \(doc.root)")
            return
        }
    }
}

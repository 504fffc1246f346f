import Foundation
import Testing
import PortalModel
import TestSupport
@testable import PortalFolder

/// Issue 17 "Done when": a fuzz target for the pac YAML folder reader. Mutated pac files are read as
/// `website.yml`, a list file, a record file and a manifest of a minimal site folder; reading must end
/// with a snapshot or a `PortalFolderError` (which names the file), never another error, a crash or a
/// hang, and resident memory grows by less than `memoryBoundMegabytes` after a warm-up. Runs ~4 s by default and 120 s under `PM_LONG_TESTS=1`; the seed is printed (`PM_SEED`
/// replays it). The corpus in `Tests/Fuzz/folder/` is replayed first; an input that fails is written
/// there as `found-<hash>.yml`.
@Suite struct FolderReaderFuzzTests {
    /// Where the fuzzed file goes in the minimal folder, and the corpus file it starts from.
    static let slots: [(path: String, seed: String)] = [
        ("website.yml", "website.yml"),
        ("webrole.yml", "webrole.yml"),
        ("sitesetting.yml", "sitesetting.yml"),
        ("web-pages/home/Home.webpage.yml", "web-pages/home/Home.webpage.yml"),
        (".portalconfig/manifest.yml", ".portalconfig/manifest.yml"),
    ]

    /// Tokens the mutator inserts: YAML indicators, breaks, anchors, quotes, odd characters.
    static let tokens: [String] = [
        ": ", "- ", "? ", "&a ", "*a", "&o0 []", "*o0", "[", "]", "{", "}", ",", "'", "\"", "\\", "#", "|", ">", ">-", "|+",
        "\n", "\r\n", "\r", "\t", "  ", "\n  ", "\n- ", "---\n", "...\n", "%YAML 1.1\n", "!!str ", "!foo ", "\u{FEFF}", "\u{F8FF}yaml:",
        "\u{0}", "\u{85}", "\u{2028}", "😀", "00000000-0000-0000-0000-000000000000", "9b33ac01-11e0-ec11-bb3c-000d3ab4fb7f",
        "adx_name: ", "adx_websiteid: ", "IsDeleted: ", "RecordId: ", "adx_webpageaccesscontrolrule_webrole:\n- x\n",
        String(repeating: "[", count: 300), String(repeating: "a", count: 300),
    ]

    /// A minimal standard-model site folder (website, languages, binding) in a new temporary directory.
    static func minimalFolder() throws -> URL {
        let site = try TestPaths.temporaryDirectory("pm-fuzz").appendingPathComponent("site")
        let source = TestPaths.pacFolder("ejada-starter-2022")
        for rel in ["website.yml", "websitelanguage.yml", ".portalconfig/websitebinding.yml", ".portalconfig/portallanguage.yml"] {
            let to = site.appendingPathComponent(rel)
            try FileManager.default.createDirectory(at: to.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: source.appendingPathComponent(rel), to: to)
        }
        return site
    }

    /// One mutation of `input`.
    static func mutate(_ input: [UInt8], _ rng: inout SplitMix64) -> [UInt8] {
        var bytes = input
        for _ in 0...Int(rng.next() % 4) {
            let at = bytes.isEmpty ? 0 : Int(rng.next() % UInt64(bytes.count + 1))
            switch rng.next() % 7 {
            case 0, 1, 2:
                let token = tokens[Int(rng.next() % UInt64(tokens.count))]
                bytes.insert(contentsOf: Array(token.utf8), at: at)
            case 3 where !bytes.isEmpty:
                let end = min(bytes.count, at + Int(rng.next() % 40))
                if at < end { bytes.removeSubrange(at..<end) }
            case 4 where !bytes.isEmpty:
                bytes[min(at, bytes.count - 1)] = UInt8(truncatingIfNeeded: rng.next())
            case 5 where !bytes.isEmpty:
                let end = min(bytes.count, at + Int(rng.next() % 200))
                if at < end { bytes.insert(contentsOf: bytes[at..<end], at: Int(rng.next() % UInt64(bytes.count + 1))) }
            default:
                bytes = Array(bytes.prefix(at))
            }
        }
        return bytes
    }

    /// What went wrong reading `bytes` at `slot` (nil when the reader behaved): another error type, or
    /// more than `limit` seconds.
    static func problem(reading bytes: [UInt8], at slot: String, in site: URL, original: Data, limit: Double) -> String? {
        let url = site.appendingPathComponent(slot)
        try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try? Data(bytes).write(to: url)
        defer {
            if slot == "website.yml" { try? original.write(to: url) } else { try? FileManager.default.removeItem(at: url) }
        }
        let start = Date()
        var outcome: String?
        do { _ = try PortalFolder().read(site, model: nil) } catch is PortalFolderError {} catch is DataModelMismatchError {} catch {
            outcome = "threw \(type(of: error)): \(error)"
        }
        let seconds = Date().timeIntervalSince(start)
        if seconds > limit { outcome = (outcome.map { $0 + "; " } ?? "") + "took \(String(format: "%.1f", seconds)) s" }
        return outcome
    }

    /// The most the process may grow while the fuzzer runs after its first 200 inputs.
    static let memoryBoundMegabytes = 64

    /// This process's resident memory (`VmRSS` of `/proc/self/status`), `nil` where there is none.
    static func residentMegabytes() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kb = line.split(separator: " ").dropFirst().first.flatMap({ Int($0) })
        else { return nil }
        return kb / 1024
    }

    static var corpusDirectory: URL { TestPaths.repositoryRoot.appendingPathComponent("Tests/Fuzz/folder") }

    /// Saves a failing input in the corpus.
    static func save(_ bytes: [UInt8]) -> String {
        var hash: UInt64 = 14_695_981_039_346_656_037
        for b in bytes { hash = (hash ^ UInt64(b)) &* 1_099_511_628_211 }
        let name = "found-\(String(hash, radix: 16)).yml"
        try? Data(bytes).write(to: corpusDirectory.appendingPathComponent(name))
        return name
    }

    /// The corpus (hand-made and found inputs) and a deep block nesting made here, in every slot.
    @Test func corpusReplays() throws {
        let site = try Self.minimalFolder()
        let original = try Data(contentsOf: site.appendingPathComponent("website.yml"))
        var inputs = try FileManager.default.contentsOfDirectory(atPath: Self.corpusDirectory.path).filter { $0.hasSuffix(".yml") }.sorted()
            .map { ($0, [UInt8](try Data(contentsOf: Self.corpusDirectory.appendingPathComponent($0)))) }
        #expect(inputs.count >= 10, "the corpus is missing")
        inputs.append(("deep block nesting (2,000 levels)", Array((0..<2_000).map { String(repeating: " ", count: $0) + "k:\n" }.joined().utf8)))
        var failures: [String] = []
        for (name, bytes) in inputs {
            for slot in Self.slots {
                if let p = Self.problem(reading: bytes, at: slot.path, in: site, original: original, limit: 10) {
                    failures.append("\(name) as \(slot.path): \(p)")
                }
            }
        }
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
    }

    /// Mutations of real pac files for a bounded time.
    @Test func mutatedPacFiles() throws {
        let seed = ProcessInfo.processInfo.environment["PM_SEED"].flatMap { UInt64($0) } ?? UInt64.random(in: 1...UInt64.max)
        let budget: Double = TestPaths.longTests ? 120 : 4
        print("FolderReaderFuzzTests.mutatedPacFiles seed: \(seed) (replay with PM_SEED=\(seed)), \(budget) s")
        var rng = SplitMix64(seed: seed)
        let site = try Self.minimalFolder()
        let original = try Data(contentsOf: site.appendingPathComponent("website.yml"))
        let seeds = try Self.slots.map { [UInt8](try Data(contentsOf: TestPaths.pacFolder("ejada-starter-2022").appendingPathComponent($0.seed))) }
        let start = Date()
        var runs = 0
        var failures: [String] = []
        var residentAfterWarmUp: Int?
        while Date().timeIntervalSince(start) < budget && failures.count < 5 {
            if runs == 200 { residentAfterWarmUp = Self.residentMegabytes() }
            let i = Int(rng.next() % UInt64(Self.slots.count))
            let bytes = Self.mutate(seeds[i], &rng)
            if let p = Self.problem(reading: bytes, at: Self.slots[i].path, in: site, original: original, limit: 5) {
                failures.append("\(Self.slots[i].path) (saved as \(Self.save(bytes))): \(p)")
            }
            runs += 1
        }
        let growth = residentAfterWarmUp.flatMap { before in Self.residentMegabytes().map { $0 - before } }
        print(
            "FolderReaderFuzzTests.mutatedPacFiles: \(runs) inputs, \(failures.count) failures, resident memory growth after warm-up \(growth.map { "\($0) MB" } ?? "not measured")"
        )
        #expect(runs > 20)
        // The stated bound: reading thousands of inputs does not grow the process by more than 64 MB.
        if let growth { #expect(growth < Self.memoryBoundMegabytes, "resident memory grew by \(growth) MB over \(runs) inputs") }
        #expect(failures.isEmpty, "seed \(seed): \(failures.joined(separator: "\n"))")
    }
}

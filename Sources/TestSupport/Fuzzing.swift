import Foundation

/// A small seeded mutation fuzzer for the default tests (issue 17): inputs are made from seed inputs
/// (real files and the corpus kept in `Tests/Fuzz/`) by byte-level mutations and by splicing in tokens
/// that have broken readers before; the same seed gives the same inputs, and the seed is printed so a
/// failure can be replayed with `PM_FUZZ_SEED=N`.
///
/// Budget: `seconds` of wall-clock time (a few seconds by default, `longSeconds` under
/// `PM_LONG_TESTS=1`), and never fewer than `minimumInputs` inputs however loaded the machine is, so a
/// test asserts what the reader did with each input, never how long it took (DESIGN.md: no timed
/// assertions). Memory: `residentBytes()` is sampled so a test can bound growth.
public struct Fuzzer {
    /// The seeded generator: `SplitMix64` (the synthetic portal's), the same on every platform.
    public typealias Generator = SplitMix64

    public let seed: UInt64
    public var random: Generator
    /// Tokens spliced into inputs.
    public var dictionary: [[UInt8]]

    /// - Parameters:
    ///   - label: printed with the seed.
    ///   - dictionary: tokens worth splicing for this reader (markup, operators, boundaries).
    public init(label: String, dictionary: [String]) {
        let given = ProcessInfo.processInfo.environment["PM_FUZZ_SEED"].flatMap { UInt64($0) }
        seed = given ?? UInt64.random(in: 1...UInt64.max)
        random = Generator(seed: seed)
        self.dictionary = dictionary.map { Array($0.utf8) }
        print("fuzz \(label): seed \(seed) (replay with PM_FUZZ_SEED=\(seed))")
    }

    /// The fewest inputs a run tries, whatever the time budget: a loaded machine makes a run longer,
    /// never thinner.
    public static let minimumInputs = 24

    /// The time budget: `seconds`, or `longSeconds` when `PM_LONG_TESTS=1`.
    public static func budget(seconds: Double, longSeconds: Double) -> Double {
        TestPaths.longTests ? longSeconds : seconds
    }

    /// One to four mutations of `input`: flip, insert, delete, duplicate, truncate, splice a token,
    /// or repeat a token many times (nesting, long runs).
    public mutating func mutate(_ input: [UInt8]) -> [UInt8] {
        var b = input
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            let at = b.isEmpty ? 0 : Int.random(in: 0...b.count, using: &random)
            switch Int.random(in: 0..<8, using: &random) {
            case 0 where !b.isEmpty:
                let i = min(at, b.count - 1)
                b[i] ^= UInt8(1 << Int.random(in: 0..<8, using: &random))
            case 1:
                b.insert(UInt8.random(in: 0...255, using: &random), at: at)
            case 2 where !b.isEmpty:
                let end = min(b.count, at + Int.random(in: 1...64, using: &random))
                if at < end { b.removeSubrange(at..<end) }
            case 3 where !b.isEmpty:
                let start = Int.random(in: 0..<b.count, using: &random)
                let end = min(b.count, start + Int.random(in: 1...256, using: &random))
                b.insert(contentsOf: b[start..<end], at: min(at, b.count))
            case 4:
                b = Array(b.prefix(at))
            case 5 where !dictionary.isEmpty, 6 where !dictionary.isEmpty:
                b.insert(contentsOf: dictionary[Int.random(in: 0..<dictionary.count, using: &random)], at: at)
            case 7 where !dictionary.isEmpty:
                let token = dictionary[Int.random(in: 0..<dictionary.count, using: &random)]
                let times = Int.random(in: 2...5_000, using: &random)
                b.insert(contentsOf: Array([[UInt8]](repeating: token, count: times).joined()), at: at)
            default:
                break
            }
        }
        return b
    }

    /// Runs `body` on the seeds, then on inputs mutated from them until the budget is spent and at
    /// least `minimumInputs` inputs were tried.
    /// - Returns: the number of inputs tried and the slowest input's seconds (for the log only).
    public mutating func run(seeds: [[UInt8]], seconds: Double, _ body: ([UInt8]) throws -> Void) rethrows -> (count: Int, slowest: Double) {
        let end = Date().addingTimeInterval(seconds)
        var count = 0
        var slowest = 0.0
        // The seeds themselves first (the corpus of found inputs), then mutations.
        for s in seeds {
            let t = Date()
            try body(s)
            slowest = max(slowest, Date().timeIntervalSince(t))
            count += 1
        }
        while Date() < end || count < Self.minimumInputs {
            let input = mutate(seeds[Int.random(in: 0..<seeds.count, using: &random)])
            let t = Date()
            try body(input)
            slowest = max(slowest, Date().timeIntervalSince(t))
            count += 1
        }
        return (count, slowest)
    }

    /// The corpus of found inputs kept in the repository under `Tests/Fuzz/NAME/`, one file each.
    public static func corpus(_ name: String) -> [[UInt8]] {
        let dir = TestPaths.repositoryRoot.appendingPathComponent("Tests/Fuzz/\(name)", isDirectory: true)
        let files = (try? FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil)) ?? []
        return files.sorted { $0.lastPathComponent < $1.lastPathComponent }.compactMap { try? Data(contentsOf: $0) }.map { [UInt8]($0) }
    }

    /// This process's resident memory in bytes (`/proc/self/statm`), 0 where unavailable.
    public static func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}

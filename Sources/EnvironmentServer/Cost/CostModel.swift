import Foundation

/// What Dataverse charges in server time per operation, so that the embedded server answers in the
/// time a real environment would (issue 20). Every value is milliseconds of server time, before
/// network latency (`ServerOptions.latencyMilliseconds` is added separately).
///
/// The three profiles are the low / typical / high columns of the cost table proposed in
/// `research/dataverse-costs.md` §6 (each row's sources are given there; most are [I] inferences
/// fitted to the measurements of §3.1). `scale` multiplies every value (tests use tiny costs).
///
/// ```swift
/// var options = ServerOptions(port: 0, latencyMilliseconds: 20, dopHint: 16)
/// options.costModel = CostModel(profile: .typical)
/// ```
public struct CostModel: Sendable, Hashable, Codable {
    /// Which column of research/dataverse-costs.md §6 the costs come from.
    public enum Profile: String, Sendable, Hashable, Codable, CaseIterable {
        case low, typical, high
    }

    public var profile: Profile
    /// Multiplies every cost (1 = the research note's values).
    public var scale: Double
    /// Fixed overhead of every HTTP request: authentication, routing, parsing (§6 row 1).
    public var requestOverhead: Double
    /// A `$batch` envelope, on top of its parts (§6 row 2).
    public var batchEnvelope: Double
    /// Create of a small configuration row, per operation (§6 row 3).
    public var create: Double
    /// Update (PATCH with `If-Match`) of such a row (§6 row 4).
    public var update: Double
    /// Upsert (PATCH without `If-Match`/`If-None-Match`: create or update) (§6 row 5).
    public var upsert: Double
    /// Delete of a row with no heavy cascades (§6 row 6).
    public var delete: Double
    /// Associate or disassociate N:N (`$ref`) (§6 row 7).
    public var associate: Double
    /// Retrieve one row by id (§6 "Retrieve one row by id, few columns"); also a page's fixed part.
    public var readOne: Double
    /// Each record of a page (§6: a 5,000-row page costs 500 ms typical with narrow columns, 5,500 ms
    /// with all columns; portal reads select their table's columns, so typical is taken between).
    public var readPerRecord: Double
    /// Each MiB of file body written or read (`documentbody`, file columns): §6's 1 MB annotation create
    /// (400 ms typical) less a plain create, per 1.37 MiB of base64 on the wire.
    public var perMebibyte: Double

    /// The costs of `profile`, multiplied by `scale`.
    public init(profile: Profile = .typical, scale: Double = 1) {
        let factor = max(0, scale)
        self.profile = profile
        self.scale = factor
        func pick(_ low: Double, _ typical: Double, _ high: Double) -> Double {
            switch profile {
            case .low: return low * factor
            case .typical: return typical * factor
            case .high: return high * factor
            }
        }
        requestOverhead = pick(5, 20, 60)
        batchEnvelope = pick(10, 30, 100)
        create = pick(15, 35, 100)
        update = pick(15, 40, 120)
        upsert = pick(20, 45, 110)
        delete = pick(25, 50, 130)
        associate = pick(10, 30, 80)
        readOne = pick(5, 15, 50)
        // Assumption: per-record read cost between §6's narrow (0.1 ms) and wide (1.1 ms) 5,000-row pages.
        readPerRecord = pick(0.1, 0.5, 1.6)
        // Assumption: (annotation with 1 MB body − plain create) ÷ 1.37 MiB of base64.
        perMebibyte = pick(100, 265, 1_000)
    }

    /// Milliseconds for `bytes` of file body.
    public func bytes(_ n: Int) -> Double { Double(n) / 1_048_576 * perMebibyte }

    /// The cost of one operation kind, milliseconds.
    public func cost(of kind: CostKind) -> Double {
        switch kind {
        case .create: return create
        case .update: return update
        case .upsert: return upsert
        case .delete: return delete
        case .associate: return associate
        case .read: return readOne
        case .other: return 0
        }
    }

    /// Parses `low`, `typical` or `high`.
    public static func profile(named name: String) -> Profile? { Profile(rawValue: name.lowercased()) }
}

/// The kinds of operation the cost model charges, as counted in `CostAccount.Snapshot.operations`.
public enum CostKind: String, Sendable, Hashable, Codable, CaseIterable {
    case create, update, upsert, delete, associate, read, other

    /// Whether the kind writes.
    public var writes: Bool { self != .read && self != .other }
}

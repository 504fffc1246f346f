import Foundation

/// A stage of a run, in the order a writing run passes them (DESIGN.md "Data flow": read → plan →
/// checks → apply → read back). A command renders the current stage's name with its counts.
public enum ProgressStage: String, Sendable, Hashable, CaseIterable {
    /// Reading the source: a pac site folder, a CMT package or a source environment's website.
    case readingSource = "reading-source"
    /// Reading the target's records and comparing them with the source (the planner).
    case planning
    /// The checks before writing (some read the target: lookups to records that are not in the plan).
    case checking
    /// Writing the plan to the target (change sets, file bodies, N:N links, state, deletions).
    case writing
    /// Reading the target back after writing and comparing it with the source (the strict verifier).
    case verifying
}

/// A throttled or failed request the Web API client is about to send again, and how long it waits
/// first (research/dataverse-webapi.md §6: 429 answers name the wait in `Retry-After`).
public struct RetryNotice: Sendable, Hashable {
    /// The HTTP status that asked for the retry (429, 500, 502, 503, 504), or `nil` when no answer
    /// came (connection dropped, refused or timed out).
    public var status: Int?
    /// True for 429 and 503: the server asked the client to slow down (service protection limits).
    public var throttled: Bool
    /// The retry about to be sent: 1 for the first retry.
    public var attempt: Int
    /// The most retries the client sends for one request (`RetryPolicy.maxAttempts - 1`).
    public var maxRetries: Int
    /// The wait before the retry, in seconds (the server's `Retry-After` for a 429 that names one).
    public var waitSeconds: Double
    /// The environment URL the request went to (never with credentials), when known.
    public var environment: String?

    public init(status: Int?, throttled: Bool, attempt: Int, maxRetries: Int, waitSeconds: Double, environment: String? = nil) {
        self.environment = environment
        self.status = status
        self.throttled = throttled
        self.attempt = attempt
        self.maxRetries = maxRetries
        self.waitSeconds = waitSeconds
    }
}

/// What a plan will do, counted when it is ready (before the checks and before anything is written).
public struct PlanCounts: Sendable, Hashable {
    public var create: Int
    public var update: Int
    public var delete: Int
    public var unchanged: Int
    /// N:N links to add plus links to remove.
    public var links: Int

    public init(create: Int, update: Int, delete: Int, unchanged: Int, links: Int) {
        self.create = create
        self.update = update
        self.delete = delete
        self.unchanged = unchanged
        self.links = links
    }
}

/// Typed progress of a run, emitted by the readers, the engine and the Web API client while they work
/// (issue 19 "Events and progress"), and rendered by the command: a live line on a terminal, plain
/// lines otherwise, JSON lines with `--progress json`.
///
/// Counts are running totals (`done` never counts twice), so a consumer can show the latest event of a
/// kind without adding anything up; events of one kind may arrive out of order from concurrent tasks,
/// so keep the largest `done` seen. Events are emitted per table, per file batch or per change set,
/// never per record.
public enum ProgressEvent: Sendable, Hashable {
    /// A stage begins; the counts of the previous stage are final.
    case stage(ProgressStage)
    /// Tables read so far (`tablesDone` of `tablesTotal`, "reading table N of M") and records read in
    /// them. `table` names the table just finished, when one did. Emitted while reading a source
    /// environment, the target (planning) and the read-back (verifying).
    case tablesRead(tablesDone: Int, tablesTotal: Int, records: Int, table: String?)
    /// Files of a pac site folder or entries of a CMT package read so far, of `total`.
    case filesRead(done: Int, total: Int)
    /// File bodies (web files' notes) downloaded so far, of `total`, and their bytes.
    case fileBodiesRead(done: Int, total: Int, bytes: Int)
    /// The plan is made: what it will write.
    case planReady(PlanCounts)
    /// Operations written so far (`done` of `total`, each answered by the target, `failed` of them
    /// with an error), and file-body bytes sent with them (`bytes` of `totalBytes`).
    case written(done: Int, total: Int, failed: Int, bytes: Int, totalBytes: Int)
    /// A request is sent again after `waitSeconds` (throttling or a transient failure).
    case retrying(RetryNotice)
    /// The run is over (whether it succeeded is the command's report).
    case finished
}

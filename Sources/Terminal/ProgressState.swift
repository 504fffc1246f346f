import PortalModel

/// What a run has reported so far, folded from `ProgressEvent`s: the current stage and its counts, the
/// plan, the last retry wait, and a rate meter. A value type with an injected clock (`now`, seconds
/// on any monotonic scale), so the renderers' formatting is tested without waiting.
struct ProgressState: Sendable {
    /// The stage in progress; `nil` before the first stage event (a reader used on its own).
    var stage: ProgressStage?
    var runStarted: Double
    var stageStarted: Double

    var tablesDone = 0, tablesTotal = 0, records = 0
    var filesDone = 0, filesTotal = 0
    var bodiesDone = 0, bodiesTotal = 0, bodyBytesRead = 0
    var plan: PlanCounts?
    var written = Written()
    /// The latest retry and when its wait ends.
    var retry: (notice: RetryNotice, until: Double)?
    /// Retries during the stage, and how many of them were throttling.
    var retries = 0, throttled = 0
    /// The rate of the stage's main count (records read, files read or operations written).
    var meter = RateMeter()
    /// When the last event arrived.
    var lastEvent: Double

    struct Written: Sendable, Equatable {
        var done = 0, total = 0, failed = 0, bytes = 0, totalBytes = 0
    }

    init(now: Double) {
        runStarted = now
        stageStarted = now
        lastEvent = now
    }

    /// Folds `event` in, at time `now`.
    mutating func apply(_ event: ProgressEvent, now: Double) {
        lastEvent = now
        switch event {
        case .stage(let s):
            let plan = self.plan, run = runStarted
            self = ProgressState(now: now)
            runStarted = run
            stage = s
            // The plan stays known while it is checked, written and verified.
            self.plan = plan
        case let .tablesRead(done, total, records, _):
            tablesTotal = total
            tablesDone = max(tablesDone, done)
            self.records = max(self.records, records)
            meter.record(self.records, at: now)
        case let .filesRead(done, total):
            filesTotal = total
            filesDone = max(filesDone, done)
            meter.record(filesDone, at: now)
        case let .fileBodiesRead(done, total, bytes):
            bodiesTotal = total
            bodiesDone = max(bodiesDone, done)
            bodyBytesRead = max(bodyBytesRead, bytes)
        case .planReady(let counts):
            plan = counts
        case let .written(done, total, failed, bytes, totalBytes):
            if total != written.total && done < written.done {
                // A second apply (plug-ins on: root pages first, then the rest) counts from zero again.
                written = Written()
                meter = RateMeter()
            }
            written.total = total
            written.done = max(written.done, done)
            written.failed = max(written.failed, failed)
            written.bytes = max(written.bytes, bytes)
            written.totalBytes = totalBytes
            meter.record(written.done, at: now)
        case .retrying(let notice):
            retries += 1
            if notice.throttled { throttled += 1 }
            let until = now + notice.waitSeconds
            if retry == nil || until > retry!.until { retry = (notice, until) }
        case .finished:
            break
        }
    }

    /// The retry wait still running at `now`, with its seconds left.
    func waiting(at now: Double) -> (notice: RetryNotice, secondsLeft: Double)? {
        guard let r = retry, r.until > now else { return nil }
        return (r.notice, r.until - now)
    }

    /// The stage's main count and its total (0 when unknown), and what it counts.
    var mainCount: (done: Int, total: Int, unit: String) {
        switch stage {
        case .writing: return (written.done, written.total, "operations")
        case .checking: return (0, 0, "")
        default:
            if filesTotal > 0 && tablesTotal == 0 { return (filesDone, filesTotal, "files") }
            return (records, 0, "records")
        }
    }
}

/// Items per second over the last few seconds (`window`), from samples of a running count.
struct RateMeter: Sendable, Equatable {
    /// Seconds of samples the rate is taken over.
    var window = 5.0
    private(set) var samples: [Sample] = []

    struct Sample: Sendable, Equatable {
        var time: Double
        var count: Int
    }

    /// Notes that the count was `count` at `time`.
    mutating func record(_ count: Int, at time: Double) {
        if let last = samples.last, last.count == count { return }
        samples.append(Sample(time: time, count: count))
        // Keep one sample older than the window so the rate spans the whole window.
        while samples.count > 2, samples[1].time < time - window { samples.removeFirst() }
        if samples.count > 256 { samples.removeFirst(samples.count - 256) }
    }

    /// Items per second at `now`, or `nil` with less than half a second of samples.
    func rate(at now: Double) -> Double? {
        guard let first = samples.first, let last = samples.last, last.count > first.count else { return nil }
        let span = max(last.time, now) - first.time
        guard span >= 0.5 else { return nil }
        return Double(last.count - first.count) / span
    }
}

import PortalModel

/// Progress as plain lines, for a standard error that is not a terminal (a log, a CI job): one line
/// when a stage ends (what it read or wrote, and how long it took), the plan when it is ready, a line
/// every `interval` seconds while a stage runs, and a line per retry wait (at most one a second).
/// Never a line per record.
///
/// ```
/// Read the target: 31 tables, 4,321 records (1.2 s)
/// Plan: 120 to create, 30 to update
/// Writing: 1,234 of 5,000 operations (24%), 410/s, ~10 s left
/// http://127.0.0.1:5555/ is throttling (HTTP 429): waiting 12 s before retry 2 of 7
/// Wrote 5,000 operations (3 failed), 8.4 MB of file bodies (12.2 s, 410/s)
/// ```
struct PlainProgress {
    /// Seconds between lines while a stage runs.
    var interval = 5.0
    private var lastLine: Double
    private var lastRetryLine = -Double.infinity
    private var retriesNotShown = 0
    /// The running stage's summary was printed already (the target's read, with the plan).
    private var summarized = false

    init(now: Double) { lastLine = now }

    /// The lines to print for `event`, given the state before and after it was folded in.
    mutating func lines(for event: ProgressEvent, before: ProgressState, after: ProgressState, now: Double) -> [String] {
        switch event {
        case .stage:
            lastLine = now
            defer { summarized = false }
            return summarized ? [] : Self.summary(of: before, now: now).map { [$0] } ?? []
        case .planReady(let p):
            // What was read for the plan, then the plan.
            let read = summarized ? nil : Self.summary(of: before, now: now)
            summarized = true
            return (read.map { [$0] } ?? []) + ["Plan: " + ProgressLine.planText(p)]
        case .retrying(let n):
            // Many requests in flight are throttled together: one line a second, the rest counted.
            guard now - lastRetryLine >= 1 else { retriesNotShown += 1; return [] }
            lastRetryLine = now
            let also = retriesNotShown > 0 ? " (and \(retriesNotShown) more request(s) waiting)" : ""
            retriesNotShown = 0
            let place = n.environment ?? "the environment"
            let why = n.throttled ? "is throttling (HTTP \(n.status ?? 429))" : n.status.map { "answered HTTP \($0)" } ?? "did not answer"
            return ["\(place) \(why): waiting \(ProgressFormat.wait(n.waitSeconds)) before retry \(n.attempt) of \(n.maxRetries)\(also)"]
        default:
            return []
        }
    }

    /// The line to print at `now` when the stage has run `interval` seconds since the last line.
    mutating func tick(_ state: ProgressState, now: Double) -> String? {
        guard state.stage != nil || state.tablesTotal > 0 || state.filesTotal > 0, now - lastLine >= interval else { return nil }
        lastLine = now
        return Self.running(state, now: now)
    }

    /// `Writing: 1,234 of 5,000 operations (24%), 410/s, ~10 s left` or, waiting on throttling,
    /// `Writing: 1,234 of 5,000 operations (24%), throttled (HTTP 429): next try in 12 s`.
    static func running(_ s: ProgressState, now: Double) -> String {
        let (done, total, unit) = s.mainCount
        var parts: [String] = []
        if total > 0 {
            parts.append("\(ProgressFormat.count(done)) of \(ProgressFormat.count(total)) \(unit) (\(ProgressFormat.percent(done, of: total)))")
        } else if s.tablesTotal > 0 {
            parts.append("\(ProgressLine.tables(s)), \(ProgressFormat.counted(s.records, "record"))")
        }
        if s.written.failed > 0 { parts.append("\(ProgressFormat.count(s.written.failed)) failed") }
        if let (n, left) = s.waiting(at: now) {
            parts.append(ProgressLine.waitText(n, secondsLeft: left))
        } else if let rate = s.meter.rate(at: now), done > 0 {
            parts.append(ProgressFormat.rate(rate))
            if let left = ProgressFormat.timeLeft(remaining: total - done, rate: rate), total > 0 { parts.append(left) }
        }
        parts.append("\(ProgressFormat.clock(now - s.runStarted)) elapsed")
        return ProgressLine.label(s) + ": " + parts.joined(separator: ", ")
    }

    /// What a finished stage did, or `nil` for a stage with nothing to say (checks, an empty read).
    static func summary(of s: ProgressState, now: Double) -> String? {
        let time = ProgressFormat.duration(now - s.stageStarted)
        let tables = "\(ProgressFormat.counted(s.tablesDone, "table")), \(ProgressFormat.counted(s.records, "record"))"
        switch s.stage {
        case .readingSource where s.filesTotal > 0 && s.tablesTotal == 0:
            return "Read the folder: \(ProgressFormat.count(s.filesTotal)) files (\(time))"
        case .readingSource where s.tablesTotal > 0:
            return "Read the source: \(tables) (\(time))"
        case .planning where s.tablesTotal > 0:
            return "Read the target: \(tables) (\(time))"
        case .writing where s.written.total > 0 || s.written.done > 0:
            let of = s.written.done < s.written.total ? " of \(ProgressFormat.count(s.written.total))" : ""
            var line = "Wrote \(ProgressFormat.count(s.written.done))\(of) operations"
            if s.written.failed > 0 { line += " (\(ProgressFormat.count(s.written.failed)) failed)" }
            if s.written.bytes > 0 { line += ", \(ProgressFormat.bytes(s.written.bytes)) of file bodies" }
            if s.throttled > 0 { line += "; throttled \(s.throttled) time(s)" }
            return line + " (\(time))"
        case .verifying where s.tablesTotal > 0:
            return "Read back \(tables) (\(time))"
        default:
            return nil
        }
    }
}

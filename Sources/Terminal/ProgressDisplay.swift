import Dispatch
import Foundation
import PortalModel

/// Renders a run's `ProgressEvent`s on standard error in one `ProgressMode.Style`: a live line redrawn
/// in place at most `liveHz` times a second (`ProgressLine`), plain lines (`PlainProgress`), or JSON
/// lines (`ProgressJSON`).
///
/// Events only update the state under a lock (cheap, from any task); drawing happens on a timer, so a
/// burst of events costs no terminal writes, and a step with no events (a throttling wait, a big query)
/// still shows a ticking clock and countdown. `finish()` erases the live line so the command's report
/// (or error) starts on a clean line; Ctrl-C erases it too (`InterruptHandler`).
public final class ProgressDisplay: @unchecked Sendable {
    /// The display of the running command, while one is active (erased by the interrupt handler).
    nonisolated(unsafe) public static var active: ProgressDisplay?

    public let style: ProgressMode.Style
    public let console: Console
    /// Seconds on a monotonic scale (injected by tests).
    public let clock: @Sendable () -> Double
    /// Redraws per second of the live line.
    public static let liveHz = 10

    private let lock = NSLock()
    private var state: ProgressState
    private var plain: PlainProgress
    private var frame = 0
    private var finished = false
    private let line: ProgressLine
    private var timer: DispatchSourceTimer?
    private let started: Double

    /// - Parameters:
    ///   - style: how the events are shown.
    ///   - console: where they are written (the process's standard error by default).
    ///   - unicode: block and braille characters in the live line (else ASCII).
    ///   - clock: seconds on a monotonic scale.
    public init(
        style: ProgressMode.Style, console: Console = .shared, unicode: Bool = ProgressDisplay.unicodeLocale(),
        clock: @escaping @Sendable () -> Double = ProgressDisplay.monotonicSeconds
    ) {
        self.style = style
        self.console = console
        self.clock = clock
        let now = clock()
        started = now
        state = ProgressState(now: now)
        plain = PlainProgress(now: now)
        line = ProgressLine(unicode: unicode)
    }

    /// The sink to install around the command's run.
    public var sink: ProgressSink { ProgressSink { [self] event in self.receive(event) } }

    /// Starts the redraw timer (live: `liveHz` a second; plain: once a second, for the periodic line).
    public func start() {
        guard style == .live || style == .plain else { return }
        let t = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "portal-migrate.progress"))
        let interval = style == .live ? 1.0 / Double(Self.liveHz) : 1.0
        t.schedule(deadline: .now() + interval, repeating: interval, leeway: .milliseconds(20))
        t.setEventHandler { [weak self] in self?.tick() }
        t.resume()
        timer = t
    }

    /// Folds in one event; plain and JSON lines are written at once, the live line at the next tick.
    public func receive(_ event: ProgressEvent) {
        let now = clock()
        switch style {
        case .off:
            return
        case .jsonLines:
            console.write(ProgressJSON.object(event, elapsed: now - started).serialized + "\n", fd: 2)
        case .live:
            lock.withLock { state.apply(event, now: now) }
            console.resume()
        case .plain:
            let lines: [String] = lock.withLock {
                let before = state
                state.apply(event, now: now)
                return plain.lines(for: event, before: before, after: state, now: now)
            }
            for l in lines { console.write(CredentialRedaction.redact(l) + "\n", fd: 2) }
        }
    }

    /// One timer tick: redraw the live line, or print the periodic plain line when due.
    public func tick() {
        let now = clock()
        switch style {
        case .live:
            // Drawn under the display's lock, so `finish()` (which takes it first) is never followed by a
            // late redraw.
            lock.withLock {
                guard !finished, shows(state) else { return }
                frame += 1
                console.drawLive(line.render(state, now: now, width: Console.columns() - 1, frame: frame))
            }
        case .plain:
            let text: String? = lock.withLock { finished ? nil : plain.tick(state, now: now) }
            if let text { console.write(text + "\n", fd: 2) }
        default:
            break
        }
    }

    /// The live line appears once there is something to say and the run has lasted a moment (a command
    /// that ends within a quarter second draws nothing at all).
    private func shows(_ s: ProgressState) -> Bool {
        (s.stage != nil || s.tablesTotal > 0 || s.filesTotal > 0) && clock() - started >= 0.25
    }

    /// Stops drawing and erases the live line; JSON lines end with a `finished` object. Idempotent.
    public func finish() {
        let first: Bool = lock.withLock {
            defer { finished = true }
            return !finished
        }
        guard first else { return }
        timer?.cancel()
        if style == .jsonLines { receive(.finished) }
        console.eraseLive()
    }

    /// Seconds since boot (`DispatchTime`, monotonic).
    public static let monotonicSeconds: @Sendable () -> Double = { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

    /// True when the locale's character set is UTF-8 (`LC_ALL`, `LC_CTYPE`, `LANG`), so block and braille
    /// characters show; ASCII otherwise.
    public static func unicodeLocale(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        let value =
            environment["LC_ALL"].flatMap { $0.isEmpty ? nil : $0 }
            ?? environment["LC_CTYPE"].flatMap { $0.isEmpty ? nil : $0 } ?? environment["LANG"] ?? ""
        return value.uppercased().contains("UTF-8") || value.uppercased().contains("UTF8")
    }
}

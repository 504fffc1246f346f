import Foundation
import Logging
import PortalModel
import Testing

@testable import Terminal

/// `ProgressDisplay` and `Console` in the test process (issue 19): what reaches the descriptors, in
/// order, for given events at given times, with a console that records instead of writing and an
/// injected clock. The end-to-end suite (`ProgressDisplayEndToEndTests`) checks the same through a
/// pseudo-terminal with the built binary; these pin the exact bytes.
@Suite struct ProgressDisplayTests {
    /// Everything a `Console` would have written, with its descriptor.
    final class Recorder: @unchecked Sendable {
        private let lock = NSLock()
        private var writes: [(fd: Int32, text: String)] = []
        func record(_ fd: Int32, _ text: String) { lock.withLock { writes.append((fd, text)) } }
        /// The writes so far, and forgets them.
        func take() -> [(fd: Int32, text: String)] {
            lock.withLock {
                defer { writes = [] }; return writes
            }
        }
    }

    /// A clock the test moves.
    final class Clock: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 100.0
        var now: Double {
            get { lock.withLock { value } }
            set { lock.withLock { value = newValue } }
        }
    }

    static let erase = "\r\u{1B}[K"

    static func display(_ style: ProgressMode.Style) -> (ProgressDisplay, Recorder, Clock) {
        let recorder = Recorder(), clock = Clock()
        let console = Console { recorder.record($0, $1) }
        return (ProgressDisplay(style: style, console: console, unicode: false, clock: { clock.now }), recorder, clock)
    }

    @Test func theLiveLineIsDrawnInPlaceErasedBeforeTextAndPausedUntilTheNextEvent() {
        let (display, out, clock) = Self.display(.live)
        display.receive(.stage(.writing))
        display.receive(.written(done: 0, total: 400, failed: 0, bytes: 0, totalBytes: 0))
        display.tick()
        #expect(out.take().isEmpty, "nothing is drawn in the first quarter second")

        clock.now += 1
        display.receive(.written(done: 100, total: 400, failed: 0, bytes: 0, totalBytes: 0))
        display.tick()
        let drawn = out.take()
        #expect(drawn.count == 1 && drawn[0].fd == 2, "\(drawn)")
        let line = drawn.first?.text ?? ""
        #expect(line.hasPrefix("\r/ Writing [#####---------------] 100/400 operations"), "\(line.debugDescription)")
        #expect(line.hasSuffix("   0:01\u{1B}[K"), "\(line.debugDescription)")

        // Text erases the line first, on stderr, then goes to its own descriptor.
        display.console.write("Delete 3 record(s) in the target? [y/N] ", fd: 2)
        display.console.write("report\n", fd: 1)
        let text = out.take()
        #expect(text.map(\.text) == [Self.erase, "Delete 3 record(s) in the target? [y/N] ", "report\n"], "\(text)")
        #expect(text.map(\.fd) == [2, 2, 1])

        // Paused: the prompt stays readable until the next event.
        clock.now += 1
        display.tick()
        #expect(out.take().isEmpty)
        display.receive(.written(done: 200, total: 400, failed: 0, bytes: 0, totalBytes: 0))
        display.tick()
        let again = out.take().map(\.text)
        // (The spinner moved on at the tick that drew nothing.)
        #expect(again.count == 1 && again[0].hasPrefix("\r\\ Writing [##########----------] 200/400 operations · 50%"), "\(again)")

        // finish erases once, and no redraw follows.
        display.finish()
        display.finish()
        display.receive(.written(done: 300, total: 400, failed: 0, bytes: 0, totalBytes: 0))
        display.tick()
        #expect(out.take().map(\.text) == [Self.erase])
    }

    @Test func theLiveLineCountsDownAThrottlingWaitWithoutNewEvents() {
        let (display, out, clock) = Self.display(.live)
        display.receive(.stage(.writing))
        clock.now += 1
        display.receive(.written(done: 50, total: 100, failed: 0, bytes: 0, totalBytes: 0))
        display.receive(.retrying(RetryNotice(status: 429, throttled: true, attempt: 1, maxRetries: 7, waitSeconds: 20)))
        display.tick()
        clock.now += 5
        display.tick()
        let lines = out.take().map(\.text)
        #expect(lines.count == 2, "\(lines)")
        #expect(lines.first?.contains("throttled (HTTP 429): next try in 20 s (retry 1 of 7)") == true, "\(lines)")
        #expect(lines.last?.contains("throttled (HTTP 429): next try in 15 s (retry 1 of 7)") == true, "\(lines)")
    }

    @Test func jsonLinesAreOneObjectPerEventEndingWithFinished() throws {
        let (display, out, clock) = Self.display(.jsonLines)
        display.receive(.stage(.readingSource))
        clock.now += 0.5
        display.receive(.filesRead(done: 3, total: 9))
        display.tick() // no timer output in this style
        display.finish()
        display.finish()
        let writes = out.take()
        #expect(writes.allSatisfy { $0.fd == 2 && $0.text.hasSuffix("\n") && $0.text.filter { $0 == "\n" }.count == 1 })
        let objects = try writes.map { try #require(try JSONSerialization.jsonObject(with: Data($0.text.utf8)) as? [String: Any]) }
        #expect(objects.map { $0["event"] as? String } == ["stage", "filesRead", "finished"])
        #expect(objects[1]["done"] as? Int == 3 && objects[1]["total"] as? Int == 9)
        #expect(objects[1]["elapsed"] as? Double == 0.5)
    }

    @Test func plainLinesComeAsStagesEndWithCredentialsRemovedAndNoEraseSequence() {
        let (display, out, clock) = Self.display(.plain)
        display.receive(.stage(.planning))
        display.receive(.tablesRead(tablesDone: 2, tablesTotal: 2, records: 1_234, table: nil))
        clock.now += 1.5
        display.receive(.planReady(PlanCounts(create: 4, update: 1, delete: 0, unchanged: 0, links: 0)))
        display.receive(.stage(.writing))
        display.receive(
            .retrying(
                RetryNotice(
                    status: 503, throttled: false, attempt: 1, maxRetries: 7, waitSeconds: 2,
                    environment: "https://user:s3cret@org.crm.dynamics.com/")))
        display.finish()
        let lines = out.take().map(\.text)
        #expect(
            lines == [
                "Read the target: 2 tables, 1,234 records (1.5 s)\n",
                "Plan: 4 to create, 1 to update\n",
                "https://***@org.crm.dynamics.com/ answered HTTP 503: waiting 2 s before retry 1 of 7\n",
            ], "\(lines)")
        #expect(!lines.joined().contains("s3cret"))
    }

    @Test func aStyleOffShowsNothing() {
        let (display, out, _) = Self.display(.off)
        display.receive(.stage(.writing))
        display.tick()
        display.finish()
        #expect(out.take().isEmpty)
    }

    @Test func aLogLineErasesTheLiveLineAndHidesCredentials() {
        let recorder = Recorder()
        let console = Console { recorder.record($0, $1) }
        console.drawLive("/ Writing")
        var handler = ConsoleLogHandler(label: "portal-migrate.webapi", console: console)
        handler.logLevel = .debug
        handler.log(
            event: LogEvent(
                level: .warning, message: "GET https://u:pw@org.crm.dynamics.com/api -> 429", metadata: nil,
                source: "DataverseWebAPI", file: #fileID, function: #function, line: #line))
        let writes = recorder.take()
        #expect(writes.map(\.text).prefix(2) == ["\r/ Writing\u{1B}[K", Self.erase], "\(writes)")
        let line = writes.last?.text ?? ""
        #expect(line.hasSuffix(" warning portal-migrate.webapi: [DataverseWebAPI] GET https://***@org.crm.dynamics.com/api -> 429\n"), "\(line)")
        // After text the line is paused, and erasing again writes nothing.
        console.drawLive("/ Writing")
        console.eraseLive()
        #expect(recorder.take().isEmpty)
    }
}

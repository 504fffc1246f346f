import Foundation
import PortalModel
import Testing
@testable import Terminal

/// Issue 19 "Events and progress": the renderers' formatting (counts, rate, time left, the live line
/// and the plain lines) from events folded at chosen times: the clock is injected, nothing waits.
@Suite struct ProgressRenderingTests {
    @Test func countsBytesDurationsAndPercentagesRead() {
        #expect(ProgressFormat.count(0) == "0")
        #expect(ProgressFormat.count(999) == "999")
        #expect(ProgressFormat.count(1_234) == "1,234")
        #expect(ProgressFormat.count(1_234_567) == "1,234,567")
        #expect(ProgressFormat.bytes(512) == "512 B")
        #expect(ProgressFormat.bytes(12_345) == "12.3 KB")
        #expect(ProgressFormat.bytes(40_000_000) == "40.0 MB")
        #expect(ProgressFormat.clock(7) == "0:07")
        #expect(ProgressFormat.clock(185) == "3:05")
        #expect(ProgressFormat.clock(3723) == "1:02:03")
        #expect(ProgressFormat.duration(0.42) == "0.4 s")
        #expect(ProgressFormat.duration(125) == "2 min 05 s")
        // Never 100% before the end, 100% at the end.
        #expect(ProgressFormat.percent(999, of: 1000) == "99%")
        #expect(ProgressFormat.percent(1000, of: 1000) == "100%")
        #expect(ProgressFormat.rate(410.4) == "410/s")
        #expect(ProgressFormat.rate(4.14) == "4.1/s")
        #expect(ProgressFormat.counted(1, "record") == "1 record" && ProgressFormat.counted(1_200, "record") == "1,200 records")
        #expect(ProgressFormat.bytes(1_600_000, of: 2_000_000) == "1.6/2.0 MB")
        #expect(ProgressFormat.bytes(33_300, of: 2_000_000) == "33.3 KB/2.0 MB")
    }

    @Test func timeLeftIsRemainingOverRateRoundedSoItDoesNotFlicker() {
        #expect(ProgressFormat.timeLeft(remaining: 100, rate: 50) == "~2 s left")
        #expect(ProgressFormat.timeLeft(remaining: 1_000, rate: 50) == "~20 s left")
        #expect(ProgressFormat.timeLeft(remaining: 1_100, rate: 50) == "~25 s left") // 22 s, to 5 s
        #expect(ProgressFormat.timeLeft(remaining: 30_000, rate: 100) == "~5 min left") // 300 s
        #expect(ProgressFormat.timeLeft(remaining: 10, rate: nil) == nil)
        #expect(ProgressFormat.timeLeft(remaining: 0, rate: 10) == nil)
    }

    @Test func theRateIsTakenOverTheLastFewSecondsAndFallsWhileNothingMoves() {
        var meter = RateMeter()
        meter.record(0, at: 100)
        #expect(meter.rate(at: 100.2) == nil) // under half a second: unknown
        meter.record(200, at: 101)
        meter.record(400, at: 102)
        #expect(meter.rate(at: 102) == 200)
        // Nothing moves for two more seconds (a throttling wait): the rate falls.
        #expect(meter.rate(at: 104) == 100)
        // Old samples leave the window: 10 s later at 100/s, the rate is 100/s, not the average.
        for t in 1...10 { meter.record(400 + t * 100, at: 102 + Double(t)) }
        #expect(meter.rate(at: 112) == 100)
    }

    /// A write of 5,000 operations, 1,000 done after 2 s at an even pace.
    static func writingState() -> ProgressState {
        var s = ProgressState(now: 0)
        s.apply(.stage(.writing), now: 1)
        s.apply(.written(done: 0, total: 5_000, failed: 0, bytes: 0, totalBytes: 8_000_000), now: 1)
        s.apply(.written(done: 500, total: 5_000, failed: 0, bytes: 1_000_000, totalBytes: 8_000_000), now: 2)
        s.apply(.written(done: 1_000, total: 5_000, failed: 3, bytes: 2_000_000, totalBytes: 8_000_000), now: 3)
        return s
    }

    @Test func theLiveLineShowsStageBarCountsRateTimeLeftAndClock() {
        let text = ProgressLine(unicode: true).render(Self.writingState(), now: 3, width: 200, frame: 0)
        #expect(text.hasPrefix("⠋ Writing ████░"), "\(text)")
        #expect(text.contains("1,000/5,000 operations · 20%"), "\(text)")
        #expect(text.contains("3 failed"), "\(text)")
        #expect(text.contains("500/s · ~8 s left"), "\(text)") // 4,000 left at 500/s
        #expect(text.contains("2.0/8.0 MB"), "\(text)")
        #expect(text.hasSuffix("   0:03"), "\(text)")
        let ascii = ProgressLine(unicode: false).render(Self.writingState(), now: 3, width: 200, frame: 1)
        #expect(ascii.hasPrefix("/ Writing [####----------------] 1,000/5,000"), "\(ascii)")
    }

    @Test func aNarrowTerminalDropsTheLeastUsefulPartsNeverWraps() {
        for width in [30, 50, 70, 90] {
            let text = ProgressLine().render(Self.writingState(), now: 3, width: width, frame: 0)
            #expect(ProgressLine.columns(text) <= width, "\(width): \(text)")
            #expect(text.contains("Writing"), "\(width): \(text)")
        }
        let seventy = ProgressLine().render(Self.writingState(), now: 3, width: 70, frame: 0)
        #expect(seventy.contains("1,000/5,000 operations"), "\(seventy)")
        #expect(!seventy.contains("MB"), "\(seventy)")
    }

    @Test func aThrottlingWaitCountsDownInsteadOfTheRate() {
        var s = Self.writingState()
        s.apply(.retrying(RetryNotice(status: 429, throttled: true, attempt: 2, maxRetries: 7, waitSeconds: 12)), now: 3)
        let text = ProgressLine().render(s, now: 5, width: 200, frame: 0)
        #expect(text.contains("throttled (HTTP 429): next try in 10 s (retry 2 of 7)"), "\(text)")
        #expect(!text.contains("left"), "\(text)")
        // After the wait, the rate and time left are back.
        #expect(ProgressLine().render(s, now: 16, width: 200, frame: 0).contains("left"))
    }

    @Test func readingShowsTableNOfMAndRecords() {
        var s = ProgressState(now: 0)
        s.apply(.stage(.planning), now: 0)
        s.apply(.tablesRead(tablesDone: 11, tablesTotal: 31, records: 4_321, table: "adx_webpage"), now: 1)
        let text = ProgressLine().render(s, now: 1, width: 200, frame: 0)
        #expect(text.contains("Reading the target · table 12 of 31 · 4,321 records"), "\(text)")
        s.apply(.tablesRead(tablesDone: 31, tablesTotal: 31, records: 5_000, table: nil), now: 1.5)
        let compared = ProgressLine().render(s, now: 1.5, width: 200, frame: 0)
        #expect(compared.contains("Planning · 31 tables · 5,000 records"), "\(compared)")
        s.apply(.planReady(PlanCounts(create: 120, update: 30, delete: 0, unchanged: 2_000, links: 15)), now: 2)
        s.apply(.stage(.checking), now: 2)
        let checking = ProgressLine().render(s, now: 2, width: 200, frame: 0)
        #expect(checking.contains("Checking before writing · 120 to create, 30 to update, 15 N:N link change(s)"), "\(checking)")
    }

    @Test func plainLinesSayEachStageOnceAndTheRunningCountEveryFewSeconds() {
        var state = ProgressState(now: 0)
        var plain = PlainProgress(now: 0)
        var out: [String] = []
        func feed(_ e: ProgressEvent, _ t: Double) {
            let before = state
            state.apply(e, now: t)
            out += plain.lines(for: e, before: before, after: state, now: t)
        }
        feed(.stage(.readingSource), 0)
        feed(.filesRead(done: 0, total: 812), 0)
        feed(.filesRead(done: 812, total: 812), 0.3)
        feed(.stage(.planning), 0.4)
        for i in 1...31 { feed(.tablesRead(tablesDone: i, tablesTotal: 31, records: i * 100, table: nil), 0.4 + Double(i) * 0.01) }
        feed(.planReady(PlanCounts(create: 3_100, update: 0, delete: 0, unchanged: 0, links: 0)), 1.6)
        feed(.stage(.checking), 1.6)
        feed(.stage(.writing), 1.7)
        #expect(plain.tick(state, now: 2) == nil) // not yet: every 5 s
        for i in 1...50 { feed(.written(done: i * 20, total: 3_100, failed: 0, bytes: 0, totalBytes: 0), 1.7 + Double(i) * 0.1) }
        let running = plain.tick(state, now: 6.8)
        feed(.retrying(RetryNotice(status: 429, throttled: true, attempt: 1, maxRetries: 7, waitSeconds: 5, environment: "http://127.0.0.1:1/")), 7)
        feed(.retrying(RetryNotice(status: 429, throttled: true, attempt: 1, maxRetries: 7, waitSeconds: 5)), 7.1) // same second: counted, not shown
        feed(.stage(.verifying), 12)
        #expect(
            out == [
                "Read the folder: 812 files (0.4 s)",
                "Read the target: 31 tables, 3,100 records (1.2 s)",
                "Plan: 3,100 to create",
                "http://127.0.0.1:1/ is throttling (HTTP 429): waiting 5 s before retry 1 of 7",
                "Wrote 1,000 of 3,100 operations; throttled 2 time(s) (10 s)",
            ], "\(out)")
        #expect(running == "Writing: 1,000 of 3,100 operations (32%), 196/s, ~15 s left, 0:06 elapsed", "\(running ?? "nil")")
    }

    @Test func jsonLinesNameTheEventAndItsCounts() throws {
        let line = ProgressJSON.object(.written(done: 120, total: 480, failed: 1, bytes: 2048, totalBytes: 4096), elapsed: 0.6554).serialized
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["event"] as? String == "written")
        #expect(object["done"] as? Int == 120 && object["total"] as? Int == 480 && object["failed"] as? Int == 1)
        #expect(object["elapsed"] as? Double == 0.655)
        #expect(!line.contains("\n"))
        let stage = ProgressJSON.object(.stage(.readingSource), elapsed: 0).serialized
        #expect(stage == #"{"event":"stage","stage":"reading-source","elapsed":0}"#, "\(stage)")
    }

    @Test func theModeFollowsTheTerminalAndJSON() {
        #expect(ProgressMode.auto.style(json: false, terminal: true, term: "xterm-256color") == .live)
        #expect(ProgressMode.auto.style(json: false, terminal: true, term: "dumb") == .plain)
        #expect(ProgressMode.auto.style(json: false, terminal: false, term: "xterm") == .plain)
        #expect(ProgressMode.auto.style(json: true, terminal: true, term: "xterm") == .off)
        #expect(ProgressMode.json.style(json: true, terminal: false, term: nil) == .jsonLines)
        #expect(ProgressMode.none.style(json: false, terminal: true, term: "xterm") == .off)
        #expect(ProgressDisplay.unicodeLocale(["LANG": "en_US.UTF-8"]))
        #expect(!ProgressDisplay.unicodeLocale(["LANG": "C"]))
        #expect(!ProgressDisplay.unicodeLocale(["LC_ALL": "POSIX", "LANG": "en_US.UTF-8"]))
    }
}

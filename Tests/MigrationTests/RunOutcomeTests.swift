import Foundation
import Migration
import PortalModel
import Testing

/// The one rule for a writing run's outcome (`MigrationReport.wroteEverything`; issue 19: it was the
/// command's): exit code 0 only when nothing failed, `--force` left nothing out and the read-back passed.
@Suite struct RunOutcomeTests {
    static let verified = VerificationSummary(checked: VerifyCounts(), differences: [], notCompared: [], seconds: 0)

    @Test("a run that wrote and read back everything; one failure, a forced run or a read-back difference is not")
    func wroteEverything() {
        var report = MigrationReport(kind: .result)
        #expect(report.wroteEverything, "nothing to write, no read-back (--no-verify)")
        report.verification = Self.verified
        #expect(report.wroteEverything)

        var failed = report
        failed.failures = [FailureEntry(table: "adx_webpage", id: UUID(), name: "Home", column: nil, code: "0x80040237", message: "duplicate")]
        #expect(!failed.wroteEverything)

        var forced = report
        forced.forced = true
        #expect(!forced.wroteEverything, "--force left records out of the run")

        var differs = report
        differs.verification?.differences = [VerifyDifference(kind: .missingInTarget, table: "adx_webpage", id: UUID())]
        #expect(!differs.wroteEverything)
    }

    @Test("each outcome's exit code: a report 0 or 1 by wroteEverything; verify 1 on any difference")
    func exitCodes() {
        var report = MigrationReport(kind: .result)
        report.verification = Self.verified
        #expect(report.exitCode == 0)
        report.forced = true
        #expect(report.exitCode == 1)
        #expect(VerifyResult(items: []).exitCode == 0)
        #expect(VerifyResult(items: [VerifyDifference(kind: .missingInTarget, table: "adx_webpage", id: UUID())]).exitCode == 1)
    }
}

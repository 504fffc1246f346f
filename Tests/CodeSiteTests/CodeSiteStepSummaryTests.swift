import CodeSite
import Foundation
import Migration
import PortalModel
import Testing

/// The one-line summary of a code-site upload step that passed (issue 19: it was the command's).
@Suite struct CodeSiteStepSummaryTests {
    @Test("counts over every table, then the read-back and the restored blocked list when they happened")
    func compactSummary() {
        var a = TableCounts()
        a.created = 2
        a.unchanged = 100
        var b = TableCounts()
        b.updated = 1
        b.deleted = 3
        b.unchanged = 37
        var report = MigrationReport(kind: .result, tables: ["adx_webfile": a, "annotation": b])
        #expect(CodeSiteUpload.compactSummary(report) == "created 2, updated 1, deleted 3, unchanged 137 record(s)")
        report.verification = VerificationSummary(checked: VerifyCounts(), differences: [], notCompared: [], seconds: 0)
        report.unblockedExtensions = ["js"]
        #expect(
            CodeSiteUpload.compactSummary(report)
                == "created 2, updated 1, deleted 3, unchanged 137 record(s); read back and verified; blocked list restored")
        #expect(CodeSiteUpload.passed(report))
        report.forced = true
        #expect(!CodeSiteUpload.passed(report))
    }
}

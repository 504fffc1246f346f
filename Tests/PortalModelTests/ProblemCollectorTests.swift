import Foundation
import Testing

@testable import PortalModel

/// The one problem collector (issue 19): order kept, a limit with the rest counted, the one problem
/// thrown as itself, several as the module's "several"; and the one "not found" test of `DataverseError`.
@Suite struct ProblemCollectorTests {
    /// A problem naming a file and a line, as a reader's error does.
    struct Bad: DiagnosticConvertible, Equatable {
        var file: String
        var line: Int
        var description: String { "\(file):\(line): bad" }
        var diagnostics: [Diagnostic] { [Diagnostic(check: .input, message: "bad", column: "c", file: file, line: line)] }
    }

    /// The module's "several" for `Bad`.
    struct Several: Error, Equatable {
        var problems: [Bad]
        var notListed: Int
    }

    @Test func keepsTheOrderFoundAndEachPlace() throws {
        var c = ProblemCollector<Bad>()
        #expect(c.isEmpty && c.failure(several: Several.init) == nil)
        c.add(Bad(file: "b.yml", line: 9))
        c.add(Bad(file: "a.yml", line: 3))
        c.add(contentsOf: [Bad(file: "c.yml", line: 1)])
        #expect(c.problems.map(\.file) == ["b.yml", "a.yml", "c.yml"], "the order found, not sorted")
        #expect(c.diagnostics.map(\.place) == ["b.yml:9", "a.yml:3", "c.yml:1"])
        #expect(c.diagnostics.allSatisfy { $0.column == "c" })
        let failure = try #require(c.failure(several: Several.init) as? Several)
        #expect(failure.problems.count == 3 && failure.notListed == 0)
    }

    @Test func oneProblemIsThrownAsItself() throws {
        var c = ProblemCollector<Bad>()
        c.add(Bad(file: "a.yml", line: 3))
        #expect(c.failure(several: Several.init) as? Bad == Bad(file: "a.yml", line: 3))
        #expect(c.combined { _, _ in Bad(file: "several", line: 0) } == Bad(file: "a.yml", line: 3))
    }

    @Test func pastTheLimitProblemsAreCountedNotKept() throws {
        var c = ProblemCollector<Bad>(limit: 2)
        for i in 1...5 { c.add(Bad(file: "f\(i)", line: i)) }
        #expect(c.problems.map(\.line) == [1, 2] && c.notListed == 3 && c.count == 5)
        // Another collector's count is carried over.
        var outer = ProblemCollector<Bad>(limit: 10)
        outer.add(contentsOf: c.problems, notListed: c.notListed)
        #expect(outer.count == 5 && outer.notListed == 3)
        let failure = try #require(c.failure(several: Several.init) as? Several)
        #expect(failure.notListed == 3)
        // One problem kept but others counted is still "several".
        var one = ProblemCollector<Bad>(limit: 1)
        one.add(Bad(file: "a", line: 1))
        one.add(Bad(file: "b", line: 2))
        #expect(one.failure(several: Several.init) is Several)
        #expect(Diagnostic.notListed(0, check: .folderProblemsNotListed).isEmpty)
        #expect(Diagnostic.notListed(3, check: .folderProblemsNotListed).first?.message.hasPrefix("3 more") == true)
    }

    @Test func removeAllDropsWhatFollowsFromAnotherProblem() {
        var c = ProblemCollector<Bad>()
        c.add(Bad(file: "a", line: 1))
        c.add(Bad(file: "b", line: 2))
        c.removeAll { $0.file == "a" }
        #expect(c.problems == [Bad(file: "b", line: 2)])
    }

    @Test func dataverseNotFound() {
        let missingRecord = DataverseError(httpStatus: 404, code: DataverseError.Code.objectDoesNotExist, message: "gone")
        let missingTable = DataverseError(httpStatus: 404, code: DataverseError.Code.resourceNotFound, message: "no table")
        let inProcess = DataverseError(code: DataverseError.Code.objectDoesNotExist.uppercased(), message: "gone")
        let refused = DataverseError(httpStatus: 400, code: DataverseError.Code.invalidArgument, message: "no")
        let bare404 = DataverseError(httpStatus: 404, code: "", message: "Not Found")
        #expect(missingRecord.isNotFound && missingTable.isNotFound && inProcess.isNotFound && bare404.isNotFound)
        #expect(!refused.isNotFound)
        #expect(missingRecord.isRecordNotFound && inProcess.isRecordNotFound)
        #expect(!missingTable.isRecordNotFound && !bare404.isRecordNotFound && !refused.isRecordNotFound)
    }

    /// The record and column in an environment's refusal read as everywhere else (", column X").
    @Test func dataverseErrorNamesTheColumnInTheOneWording() throws {
        let id = try #require(UUID(uuidString: "6F0C1A2B-0000-4000-8000-000000000001"))
        let e = DataverseError(
            httpStatus: 400, code: "0x80040203", message: "bad value", logicalName: "adx_webpage", recordID: id, column: "adx_copy")
        #expect(e.description == "HTTP 400 0x80040203: bad value [adx_webpage 6f0c1a2b-0000-4000-8000-000000000001, column adx_copy]")
        #expect(!e.description.contains(".adx_copy"))
    }
}

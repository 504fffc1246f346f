import Foundation
@testable import Migration
import PortalModel
import Testing

/// A note body that cannot be read is never taken as "unchanged" (two read failures once compared equal).
@Suite struct NoteBodyChangeTests {
    @Test func unreadableBodiesArePlannedAsAChangeAndEqualOnesAreNot() throws {
        let source = UUID(), target = UUID()
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("pm-missing-\(UUID().uuidString).bin")
        let gone: (source: [FileBodyKey: FileBody], target: [FileBodyKey: FileBody]) = (
            [FileBodyKey("annotation", source, "documentbody"): .file(missing)],
            [FileBodyKey("annotation", target, "documentbody"): .file(missing)]
        )
        #expect(Planner.noteBodyChange(source, targetID: target, existing: true, bodies: gone) != nil, "unreadable bodies taken as unchanged")
        let same: (source: [FileBodyKey: FileBody], target: [FileBodyKey: FileBody]) = (
            [FileBodyKey("annotation", source, "documentbody"): .data(Data("a".utf8))],
            [FileBodyKey("annotation", target, "documentbody"): .data(Data("a".utf8))]
        )
        #expect(Planner.noteBodyChange(source, targetID: target, existing: true, bodies: same) == nil)
    }
}

import Foundation
import PortalModel

/// The tables and records a reader has read so far, emitted as `ProgressEvent.tablesRead` each time
/// they grow ("reading table N of M"). Lives in the reading task (no lock): concurrent reads report
/// through `ConcurrentReads.map`'s `onResult`, which runs in the parent task.
struct ReadTally {
    /// The tables the read will visit.
    let total: Int
    private(set) var tables = 0
    private(set) var records = 0

    init(total: Int) {
        self.total = max(0, total)
        ProgressSink.emit(.tablesRead(tablesDone: 0, tablesTotal: self.total, records: 0, table: nil))
    }

    /// One table finished with `count` records.
    mutating func table(_ name: String, records count: Int) {
        tables = min(total, tables + 1)
        records += count
        emit(name)
    }

    /// `count` more records read, in tables not finished yet (child tables read by parent ids).
    mutating func records(_ count: Int) {
        guard count > 0 else { return }
        records += count
        emit(nil)
    }

    /// `count` tables finished whose records were already counted.
    mutating func tablesDone(_ count: Int) {
        guard count > 0 else { return }
        tables = min(total, tables + count)
        emit(nil)
    }

    /// Every table visited.
    mutating func finish() {
        tables = total
        emit(nil)
    }

    private func emit(_ table: String?) {
        ProgressSink.emit(.tablesRead(tablesDone: tables, tablesTotal: total, records: records, table: table))
    }
}

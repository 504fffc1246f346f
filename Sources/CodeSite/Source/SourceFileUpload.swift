import Foundation
import Migration
import PortalModel

/// What writing a `SourceFilePlan` did: failures named, and the read-back.
public struct SourceFileOutcome: Sendable {
    public var created = 0
    public var updated = 0
    public var uploaded = 0
    public var unchanged = 0
    /// Failed writes: `partialurl (id): message`.
    public var failures: [String] = []
    /// Differences the read-back found: `partialurl: what differs` (bytes by size, never content).
    public var differences: [String] = []
    /// The extensions removed from the blocked list while writing (restored after).
    public var unblocked: [String] = []

    public var passed: Bool { failures.isEmpty && differences.isEmpty }

    /// One line: `created 2, updated 0, bytes uploaded 2, unchanged 20 source file(s); read back and verified`.
    public var summary: String {
        var text = "created \(created), updated \(updated), bytes uploaded \(uploaded), unchanged \(unchanged) source file(s)"
        text += differences.isEmpty && failures.isEmpty ? "; read back and verified" : ""
        if !unblocked.isEmpty { text += "; blocked list restored" }
        return text
    }
}

extension SourceFilePlan {
    /// Writes the plan: rows first (create or update), then their bytes through the file column, each
    /// operation on its own so one failure names one file; then reads every row of the site again and
    /// compares it with the plan (name, metadata, code type, bytes). Blocked extensions the plan may
    /// unblock are removed from the target's list for the writes and put back after, also on failure
    /// (`BlockedAttachmentsGuard`, which restores a list left changed by a crash on the next run).
    /// - Parameters:
    ///   - targetKey, dataDirectory: where the blocked-list guard keeps the original list.
    /// - Throws: `DataverseError` when the target stops answering; what the guard throws.
    public func apply(
        to target: any DataverseService, blockedAttachmentsWriter: (any BlockedAttachmentsWriter)?,
        targetKey: String, dataDirectory: URL
    ) async throws -> SourceFileOutcome {
        var outcome = SourceFileOutcome()
        outcome.unchanged = unchanged
        let blockedGuard = BlockedAttachmentsGuard(
            target: target, writer: blockedAttachmentsWriter ?? ServiceBlockedAttachmentsWriter(service: target),
            targetKey: targetKey, dataDirectory: dataDirectory)
        _ = try await blockedGuard.restorePending()
        if !unblock.isEmpty { outcome.unblocked = try await blockedGuard.unblock(unblock).removed }
        do {
            try await write(to: target, outcome: &outcome)
        } catch {
            if !outcome.unblocked.isEmpty { try? await blockedGuard.restore() }
            throw error
        }
        if !outcome.unblocked.isEmpty { try await blockedGuard.restore() }
        outcome.differences = try await verify(in: target)
        return outcome
    }

    func write(to target: any DataverseService, outcome: inout SourceFileOutcome) async throws {
        var failed = Set<UUID>()
        func run(_ op: DataverseOperation, _ item: SourceFileItem) async throws -> Bool {
            let result = try await target.execute([ChangeSet([op], atomic: false)], options: ExecuteOptions())
            if let e = result.first?.error {
                outcome.failures.append("\(item.partialURL) (\(item.id.dataverseString)): \(e.message)")
                failed.insert(item.id)
                return false
            }
            return true
        }
        for id in creates + updates {
            guard let item = item(id) else { continue }
            let record = item.record(site: site)
            if try await run(creates.contains(id) ? .create(record) : .update(record), item) {
                if creates.contains(id) { outcome.created += 1 } else { outcome.updated += 1 }
            }
        }
        for id in uploads where !failed.contains(id) {
            guard let item = item(id), let body = item.body else { continue }
            let key = FileBodyKey(SourceFileTable.name, id, SourceFileTable.fileColumn)
            if try await run(.uploadFile(key, fileName: item.fileName, body: .data(body)), item) { outcome.uploaded += 1 }
        }
    }

    /// Reads the site's rows again and names every planned file whose row or bytes are not what the
    /// plan wrote (a file without bytes in the project is checked for its row only).
    /// - Throws: `DataverseError` from the target.
    public func verify(in target: any DataverseService) async throws -> [String] {
        let rows = Dictionary(try await SourceFileRows.read(site: site, in: target).map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var out: [String] = []
        for item in items {
            guard let row = rows[item.id] else {
                out.append("\(item.partialURL): no row \(item.id.dataverseString) in the target")
                continue
            }
            if !row.matches(item) { out.append("\(item.partialURL): the row's name, metadata or code type differ") }
            if let body = item.body, row.body != body {
                out.append("\(item.partialURL): the target holds \(row.body?.count ?? 0) byte(s), the project file \(body.count)")
            }
        }
        return out
    }
}

import Foundation

/// Runs independent reads side by side: at most `width` at a time, results in the input's order.
///
/// The readers use it for reads that do not depend on each other (one query per table, per parent-id
/// chunk, per N:N relationship, per file body): each is a round trip to the service, so running them
/// one after another costs a round trip each, while the Web API client's own gate still keeps the
/// requests in flight within the server's `x-ms-dop-hint` (research/dataverse-webapi.md §6).
enum ConcurrentReads {
    /// Requests one reader keeps in flight at most.
    static let width = 8

    /// `body` applied to every item, at most `width` at a time.
    /// - Parameter onResult: called in the calling task (one at a time, no lock needed) as each item's
    ///   result arrives, with the item's index: how the readers count progress.
    /// - Returns: the results in the order of `items`.
    /// - Throws: the first error a `body` throws (the others are cancelled).
    static func map<Item: Sendable, Result: Sendable>(
        _ items: [Item], width: Int = ConcurrentReads.width,
        onResult: (Int, Result) -> Void = { _, _ in },
        _ body: @escaping @Sendable (Item) async throws -> Result
    ) async throws -> [Result] {
        if items.count == 1 {
            let r = try await body(items[0])
            onResult(0, r)
            return [r]
        }
        return try await withThrowingTaskGroup(of: (Int, Result).self) { group in
            var out = [Result?](repeating: nil, count: items.count)
            var next = 0
            func add() {
                guard next < items.count else { return }
                let index = next, item = items[index]
                next += 1
                group.addTask { (index, try await body(item)) }
            }
            for _ in 0..<max(1, width) { add() }
            while let (index, r) = try await group.next() {
                out[index] = r
                onResult(index, r)
                add()
            }
            return out.compactMap { $0 }
        }
    }
}

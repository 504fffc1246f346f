import Foundation

/// A service that can say how much to send at once: the requests in flight it recommends now (for
/// the Web API, the server's `x-ms-dop-hint`, lowered after 429s; research/dataverse-webapi.md §6,
/// research/dataverse-costs.md §1.5) and the most operations one request should carry. The applier
/// sizes its change sets and the change sets in flight from it (issue 20); a service without it
/// (the embedded environment in-process) gets the applier's defaults.
public protocol SendingAdvice: Sendable {
    /// Requests the service recommends in flight now (at least 1), `nil` when it has no opinion yet.
    func recommendedParallelism() async -> Int?

    /// Says, at the verbose level of the service's log, what the caller chose (batch sizes, requests
    /// in flight), so `-v` shows it.
    func noteSendingChoice(_ line: String)
}

import Foundation
import PortalModel

extension WebAPIClient: SendingAdvice {
    /// The concurrency gate's limit: the server's `x-ms-dop-hint` once one arrived (halved after each
    /// 429, climbing back), else `Configuration.initialParallelism`.
    public func recommendedParallelism() async -> Int? { await gate.limit }

    /// Logged at info level (shown with `-v`).
    public func noteSendingChoice(_ line: String) { logger.info("\(line)") }
}

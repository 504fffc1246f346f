import Foundation

/// How the embedded Power Pages admin API behaves (issue 22; research/code-sites-and-admin-api.md §D 6–13).
///
/// - `operationDelayMilliseconds`: a create or delete operation reports `OperationInProgress` for this
///   long after it was accepted, then does its work and completes. 0 does the work before the 202 is
///   answered (fast, deterministic tests; `local:` environments). Real provisioning takes 2–5 minutes
///   (research §B.3, [T]).
/// - `failOperations`: the next this many create/delete operations fail *after they started*: they are
///   accepted (202), report `OperationInProgress`, then end `OperationFailed` without changing the
///   environment (a test's way to see what a user sees when provisioning breaks half-way).
/// - `pageSize`: websites per page of `GET …/websites` before `@odata.nextLink` (paging with `skip`).
/// - `rejectServicePrincipals`: with tokens required, a token obtained with client credentials (a
///   service principal) is refused with 403, as the docs say the service principal flow "isn't
///   currently available" (research §B.6, [V-docs]; whether the real API still refuses is open, §E 4).
public struct AdminAPIOptions: Sendable {
    public var operationDelayMilliseconds: Int
    public var failOperations: Int
    public var pageSize: Int
    public var rejectServicePrincipals: Bool

    public init(operationDelayMilliseconds: Int = 0, failOperations: Int = 0, pageSize: Int = 50, rejectServicePrincipals: Bool = true) {
        self.operationDelayMilliseconds = max(0, operationDelayMilliseconds)
        self.failOperations = max(0, failOperations)
        self.pageSize = max(1, pageSize)
        self.rejectServicePrincipals = rejectServicePrincipals
    }
}

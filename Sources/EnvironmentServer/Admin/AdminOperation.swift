import Foundation
import PortalModel

/// One long-running operation of the embedded admin API (research/code-sites-and-admin-api.md §B.3, §D 9).
///
/// `status` follows the documented `WebsiteDto.status` enum: `OperationNotStarted`,
/// `OperationInProgress`, `OperationComplete`, `OperationFailed` ([V-docs]). The resource behind
/// `Operation-Location` is not documented (§E 1); its JSON here is an assumption shaped on what
/// Microsoft's client reads: `status`, on success `websiteUrl` and `websiteRecordId`, on failure `error`.
struct AdminOperation: Sendable {
    enum Kind: String, Sendable { case create = "Create", delete = "Delete" }
    enum Status: String, Sendable {
        case notStarted = "OperationNotStarted", inProgress = "OperationInProgress"
        case complete = "OperationComplete", failed = "OperationFailed"
    }

    var id: UUID
    var kind: Kind
    /// The website (host) id the operation acts on.
    var hostID: UUID
    var status: Status
    var started: Date
    var finished: Date?
    var websiteURL: String?
    var websiteRecordID: UUID?
    var error: (code: String, message: String)?

    /// The operation resource's JSON.
    func json() -> JSONValue {
        var fields: [(String, JSONValue)] = [
            ("id", .string(id.uuidString.lowercased())), ("operationType", .string(kind.rawValue)),
            ("websiteId", .string(hostID.uuidString.lowercased())), ("status", .string(status.rawValue)),
            ("createdDateTime", .string(AdminJSON.timestamp(started))),
        ]
        if let f = finished { fields.append(("lastActionDateTime", .string(AdminJSON.timestamp(f)))) }
        if let u = websiteURL { fields.append(("websiteUrl", .string(u))) }
        if let r = websiteRecordID { fields.append(("websiteRecordId", .string(r.uuidString.lowercased()))) }
        if let e = error { fields.append(("error", .object([("code", .string(e.code)), ("message", .string(e.message))]))) }
        return .object(fields)
    }
}

/// A host being created: listed with its operation's status until the work is done.
struct PendingHost: Sendable {
    var id: UUID
    var name: String
    var subdomain: String
    var template: String
    var language: Int
    var websiteRecordID: UUID?
    var status: AdminOperation.Status
    var created: Date
}

/// JSON helpers of the admin API answers.
enum AdminJSON {
    static func timestamp(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        f.timeZone = TimeZone(identifier: "UTC")
        return f.string(from: date)
    }
}

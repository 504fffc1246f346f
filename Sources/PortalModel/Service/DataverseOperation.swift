import Foundation

/// One write against a Dataverse environment.
///
/// - `create`: a new record with the record's id (Dataverse accepts a caller-supplied primary key), and
///   with `body` a file body written with it (a note's `documentbody`).
/// - `update`: the given columns of an existing record (PATCH with `If-Match: *`), and with `body` its
///   file body.
/// - `upsert`: update when the id exists, else create (PATCH without precondition).
/// - `delete`: the record by id.
/// - `associate`/`disassociate`: an N:N link under the relationship's schema name; an existing link
///   for associate, or a missing one for disassociate, is not an error.
/// - `uploadFile`: a file column's body (enhanced model `powerpagecomponent.filecontent`), with its file name.
///
/// A body travels as bytes (`OperationBody`) inside the process: the Web API client encodes it as base64
/// only when it writes the request (research/dataverse-webapi.md §9.1: `documentbody` is base64 text on
/// the wire), and the embedded environment stores the bytes as they are.
public enum DataverseOperation: Sendable {
    case create(EntityRecord, body: OperationBody? = nil)
    case update(EntityRecord, body: OperationBody? = nil)
    case upsert(EntityRecord)
    case delete(String, UUID)
    case associate(relationship: String, ManyToManyLink)
    case disassociate(relationship: String, ManyToManyLink)
    case uploadFile(FileBodyKey, fileName: String, body: FileBody)

    /// The table the operation writes (the first side's table for N:N).
    public var logicalName: String {
        switch self {
        case .create(let r, _), .update(let r, _), .upsert(let r): return r.logicalName
        case .delete(let t, _): return t
        case .associate(_, let l), .disassociate(_, let l): return l.first.logicalName
        case .uploadFile(let k, _, _): return k.logicalName
        }
    }

    /// The record the operation concerns (the first side's record for N:N).
    public var recordID: UUID {
        switch self {
        case .create(let r, _), .update(let r, _), .upsert(let r): return r.id
        case .delete(_, let id): return id
        case .associate(_, let l), .disassociate(_, let l): return l.first.id
        case .uploadFile(let k, _, _): return k.id
        }
    }

    /// The file body written with a create or update, `nil` for every other operation.
    public var body: OperationBody? {
        switch self {
        case .create(_, let b), .update(_, let b): return b
        default: return nil
        }
    }
}

/// A file body written together with its record's columns: the column it fills (`documentbody` of an
/// `annotation`) and the bytes, in memory or in a file read when the operation is sent (`FileBody`).
/// Never base64 text: a service encodes it the way its store or wire needs.
public struct OperationBody: Sendable, Hashable {
    /// The column the body fills, e.g. `documentbody`.
    public var column: String
    /// Where the bytes are.
    public var body: FileBody

    public init(column: String, body: FileBody) {
        self.column = column
        self.body = body
    }

    /// A note's `documentbody`.
    public static func documentBody(_ body: FileBody) -> OperationBody { OperationBody(column: "documentbody", body: body) }
}

/// Operations sent together. When `atomic`, they form one `$batch` change set: all succeed or none is
/// applied (research/dataverse-webapi.md §4). When not atomic, each is applied on its own.
public struct ChangeSet: Sendable {
    public var operations: [DataverseOperation]
    public var atomic: Bool

    public init(_ operations: [DataverseOperation], atomic: Bool = true) {
        self.operations = operations
        self.atomic = atomic
    }
}

/// How a batch is executed.
/// - `bypassCustomPlugins`: send `MSCRM.BypassCustomPluginExecution: true` (research/dataverse-webapi.md §1.2);
///   the embedded environment then skips its plug-in behaviours (automatic content pages).
/// - `continueOnError`: later change sets still run after one fails (`Prefer: odata.continue-on-error`).
public struct ExecuteOptions: Sendable, Hashable {
    public var bypassCustomPlugins: Bool
    public var continueOnError: Bool

    public init(bypassCustomPlugins: Bool = false, continueOnError: Bool = true) {
        self.bypassCustomPlugins = bypassCustomPlugins
        self.continueOnError = continueOnError
    }
}

/// The outcome of one operation of a batch: success (with the record id written, when any) or the
/// Dataverse error. An operation of an atomic change set that failed elsewhere is reported as
/// failed with `DataverseError.Code.rolledBack`; an operation not run because an earlier change set
/// failed without `continueOnError` carries `DataverseError.Code.notExecuted`.
public enum OperationResult: Sendable {
    case success(UUID?)
    case failure(DataverseError)

    public var isSuccess: Bool { if case .success = self { return true }; return false }
    public var error: DataverseError? { if case .failure(let e) = self { return e }; return nil }
}

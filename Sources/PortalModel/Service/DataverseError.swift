import Foundation

/// A failure reported by Dataverse (or the embedded environment), with what is needed to act on it:
/// HTTP status, Dataverse error code and message (research/dataverse-webapi.md §5), the request's
/// method and path (never its headers or tokens), and the record concerned.
public struct DataverseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Dataverse's hexadecimal error codes used by the tool (research/dataverse-webapi.md §5,
    /// research/emulator-facts.md §1.3), plus the tool's own for batch bookkeeping.
    public enum Code {
        /// ObjectDoesNotExist: a record or a lookup target is missing. HTTP 404.
        public static let objectDoesNotExist = "0x80040217"
        /// DuplicateRecord: a create with an id that exists. HTTP 412.
        public static let duplicateRecord = "0x80040237"
        /// Unknown property in a payload (a column the target lacks). HTTP 400.
        public static let invalidPayloadProperty = "0x80048d19"
        /// Resource not found for a segment (unknown entity set). HTTP 404.
        public static let resourceNotFound = "0x8006088a"
        /// Unknown column in `$select`/`$filter`/`$orderby`. HTTP 400.
        public static let queryPropertyNotFound = "0x0"
        /// AttachmentBlocked: a blocked file extension. HTTP 400.
        public static let attachmentBlocked = "0x80043e09"
        /// An attachment larger than `maxuploadfilesize`. HTTP 400.
        public static let attachmentTooLarge = "0x80044a02"
        /// Concurrency version mismatch (ETag). HTTP 412.
        public static let concurrencyVersionMismatch = "0x80060882"
        /// Service protection: number of requests over the window. HTTP 429.
        public static let tooManyRequests = "0x80072322"
        /// Service protection: execution time over the window. HTTP 429.
        public static let executionTimeExceeded = "0x80072321"
        /// Service protection: concurrent requests over the limit. HTTP 429.
        public static let tooManyConcurrentRequests = "0x80072326"
        /// A platform rule refused the write (plug-in validation). HTTP 400.
        public static let validationFailed = "0x80040203"
        /// A value does not fit its column's type. HTTP 400.
        public static let invalidArgument = "0x80040203"
        /// Our own: an operation of an atomic change set rolled back because another one failed.
        public static let rolledBack = "pm:rolled-back"
        /// Our own: an operation not executed because an earlier change set failed.
        public static let notExecuted = "pm:not-executed"
        /// Our own: the transport failed (connection dropped, timeout) after retries.
        public static let transport = "pm:transport"
    }

    public var httpStatus: Int?
    public var code: String
    public var message: String
    public var method: String?
    public var path: String?
    public var logicalName: String?
    public var recordID: UUID?
    public var column: String?

    public init(
        httpStatus: Int? = nil, code: String, message: String, method: String? = nil, path: String? = nil,
        logicalName: String? = nil, recordID: UUID? = nil, column: String? = nil
    ) {
        self.httpStatus = httpStatus
        self.code = code
        self.message = message
        self.method = method
        self.path = path
        self.logicalName = logicalName
        self.recordID = recordID
        self.column = column
    }

    public var description: String {
        var parts: [String] = []
        if let s = httpStatus { parts.append("HTTP \(s)") }
        if !code.isEmpty { parts.append(code) }
        var text = parts.joined(separator: " ") + (parts.isEmpty ? "" : ": ") + message
        if let t = logicalName {
            text += " [\(Diagnostic.record(t, recordID, column: column))]"
        }
        if let m = method, let p = path { text += " (\(m) \(p))" }
        return text
    }

    /// True when the environment says what was asked for does not exist: HTTP 404, ObjectDoesNotExist
    /// (`0x80040217`, a record or lookup target) or resource-not-found (`0x8006088a`, an unknown table
    /// or entity set) (research/dataverse-webapi.md §5). The one test for "not there": a missing table
    /// read as no records, a missing file body read as none, a link already gone.
    public var isNotFound: Bool {
        httpStatus == 404 || isRecordNotFound || code.lowercased() == Code.resourceNotFound
    }

    /// True when the record (or lookup target) does not exist, the table being there: ObjectDoesNotExist
    /// `0x80040217` (research/dataverse-webapi.md §5). A delete answered so has nothing left to delete.
    public var isRecordNotFound: Bool { code.lowercased() == Code.objectDoesNotExist }
}

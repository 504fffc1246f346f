import Foundation
import PortalModel

/// A failure answered with the Dataverse error shape: HTTP status, hexadecimal Dataverse code and
/// message (research/dataverse-webapi.md §5), plus `Retry-After` seconds for 429s (§6).
public struct ODataError: Error, Sendable, CustomStringConvertible {
    public var status: Int
    public var code: String
    public var message: String
    public var retryAfter: Int?

    public init(status: Int, code: String, message: String, retryAfter: Int? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.retryAfter = retryAfter
    }

    public var description: String { "HTTP \(status) \(code): \(message)" }

    /// The error a `DataverseError` from the served environment maps to: its own HTTP status when it
    /// has one, else the status research/dataverse-webapi.md §5 gives its code (404 for
    /// ObjectDoesNotExist and unknown segments, 412 for duplicates and version mismatches, 429 for
    /// service protection, 400 otherwise).
    public init(_ e: DataverseError) {
        let status: Int
        if let s = e.httpStatus {
            status = s
        } else {
            switch e.code {
            case DataverseError.Code.objectDoesNotExist, DataverseError.Code.resourceNotFound: status = 404
            case DataverseError.Code.duplicateRecord, DataverseError.Code.concurrencyVersionMismatch: status = 412
            case DataverseError.Code.tooManyRequests, DataverseError.Code.tooManyConcurrentRequests,
                DataverseError.Code.executionTimeExceeded:
                status = 429
            default: status = 400
            }
        }
        self.init(status: status, code: e.code, message: e.message)
    }

    // MARK: The errors of research/dataverse-webapi.md §5

    /// 404 `0x8006088a` `Resource not found for the segment '<name>'.`
    public static func resourceNotFound(_ segment: String) -> ODataError {
        ODataError(
            status: 404, code: DataverseError.Code.resourceNotFound,
            message: "Resource not found for the segment '\(segment)'.")
    }

    /// 404 `0x80040217` `<logicalname> With Id = <guid> Does Not Exist`.
    public static func recordNotFound(_ logicalName: String, _ id: UUID) -> ODataError {
        ODataError(
            status: 404, code: DataverseError.Code.objectDoesNotExist,
            message: "\(logicalName) With Id = \(id.dataverseString) Does Not Exist")
    }

    /// 400 `0x0` `Could not find a property named '<name>' on type 'Microsoft.Dynamics.CRM.<entity>'.`
    public static func propertyNotFound(_ name: String, table: String) -> ODataError {
        ODataError(
            status: 400, code: DataverseError.Code.queryPropertyNotFound,
            message: "Could not find a property named '\(name)' on type 'Microsoft.Dynamics.CRM.\(table)'.")
    }

    /// 400 `0x80048d19`: a body property the table does not have.
    public static func undeclaredProperty(_ name: String, entitySet: String, table: String) -> ODataError {
        ODataError(
            status: 400, code: DataverseError.Code.invalidPayloadProperty,
            message:
                "Error identified in Payload provided by the user for Entity :'\(entitySet)' ----> InnerException : Microsoft.OData.ODataException: The property '\(name)' does not exist on type 'Microsoft.Dynamics.CRM.\(table)'. Make sure to only use property names that are defined by the type or mark the type as open type."
        )
    }

    /// 400 `0x80048d19`: an `@odata.bind` whose left side is not a single-valued navigation property.
    public static func undeclaredNavigation(_ name: String, entitySet: String) -> ODataError {
        ODataError(
            status: 400, code: DataverseError.Code.invalidPayloadProperty,
            message:
                "Error identified in Payload provided by the user for Entity :'\(entitySet)' ----> InnerException : Microsoft.OData.ODataException: An undeclared property '\(name)' which only has property annotations in the payload but no property value was found in the payload. In OData, only declared navigation properties and declared named streams can be represented as properties without values."
        )
    }

    /// 400 `0x80048d19`: a body that is not valid JSON or a value of the wrong kind.
    public static func badPayload(_ detail: String, entitySet: String) -> ODataError {
        ODataError(
            status: 400, code: DataverseError.Code.invalidPayloadProperty,
            message:
                "Error identified in Payload provided by the user for Entity :'\(entitySet)' ----> InnerException : Microsoft.OData.ODataException: \(detail)"
        )
    }

    /// 400 `0x0` for a malformed URL or query option.
    public static func badRequest(_ message: String) -> ODataError {
        ODataError(status: 400, code: "0x0", message: message)
    }

    /// 412 `0x80040237` `A record with matching key values already exists.`
    public static func duplicate() -> ODataError {
        ODataError(
            status: 412, code: DataverseError.Code.duplicateRecord,
            message: "A record with matching key values already exists.")
    }

    /// 412 `0x80060882` `The version of the existing record doesn't match the RowVersion property provided.`
    public static func versionMismatch() -> ODataError {
        ODataError(
            status: 412, code: DataverseError.Code.concurrencyVersionMismatch,
            message: "The version of the existing record doesn't match the RowVersion property provided.")
    }

    /// 405 for a method the resource does not support.
    public static func methodNotAllowed(_ method: String, _ path: String) -> ODataError {
        ODataError(status: 405, code: "0x80060888", message: "The HTTP method '\(method)' is not allowed on '\(path)'.")
    }
}

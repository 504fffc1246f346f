import Foundation
import PortalModel

/// A website as the Power Pages admin API describes it (`WebsiteDto`, research/code-sites-and-admin-api.md
/// §B.4, [V-docs] 2024-10-01), read leniently: every field is optional except `id`.
///
/// - `id`: the host id used in `/websites/{id}` (not the website record id).
/// - `websiteRecordId`: the Dataverse `adx_websiteid` / `powerpagesiteid` the host serves.
/// - `status`: `OperationNotStarted`, `OperationInProgress`, `OperationComplete` or `OperationFailed`.
/// - `dataModel`: `Enhanced` or `Standard` (not in the reference; real responses carry it, [V-code]).
/// - `createdOn`: ISO 8601 text as answered.
public struct PowerPagesWebsite: Sendable, Hashable, Codable {
    public var id: String
    public var name: String?
    public var websiteRecordId: String?
    public var websiteUrl: String?
    public var subdomain: String?
    public var templateName: String?
    public var selectedBaseLanguage: Int?
    public var status: String?
    public var dataModel: String?
    public var type: String?
    public var createdOn: String?

    /// Decodes one `WebsiteDto`. - Returns: `nil` when it has no `id`.
    public init?(json: JSONValue) {
        guard let id = json["id"]?.stringValue else { return nil }
        self.id = id
        name = json["name"]?.stringValue
        websiteRecordId = json["websiteRecordId"]?.stringValue
        websiteUrl = json["websiteUrl"]?.stringValue
        subdomain = json["subdomain"]?.stringValue
        templateName = json["templateName"]?.stringValue
        selectedBaseLanguage = json["selectedBaseLanguage"]?.intValue
        status = json["status"]?.stringValue
        dataModel = json["dataModel"]?.stringValue
        type = json["type"]?.stringValue
        createdOn = json["createdOn"]?.stringValue
    }

    /// The website record id as a GUID, `nil` when absent or not a GUID.
    public var websiteRecordID: UUID? { websiteRecordId.flatMap { UUID(uuidString: $0) } }
}

/// The body of a create (= provision = activate) request (research §B.2, [V-docs] 2024-10-01): every
/// field but `websiteRecordId` is required; with `websiteRecordId` the new site hosts that existing
/// website record instead of a new one (§B.8).
public struct CreateWebsiteRequest: Sendable, Hashable {
    public var name: String
    public var subdomain: String
    public var templateName: String
    public var dataverseOrganizationId: UUID
    public var selectedBaseLanguage: Int
    public var websiteRecordId: UUID?

    public init(
        name: String, subdomain: String, templateName: String, dataverseOrganizationId: UUID, selectedBaseLanguage: Int,
        websiteRecordId: UUID? = nil
    ) {
        self.name = name
        self.subdomain = subdomain
        self.templateName = templateName
        self.dataverseOrganizationId = dataverseOrganizationId
        self.selectedBaseLanguage = selectedBaseLanguage
        self.websiteRecordId = websiteRecordId
    }

    var json: JSONValue {
        var fields: [(String, JSONValue)] = [
            ("name", .string(name)), ("subdomain", .string(subdomain)), ("templateName", .string(templateName)),
            ("dataverseOrganizationId", .string(dataverseOrganizationId.uuidString.lowercased())),
            ("selectedBaseLanguage", .number(String(selectedBaseLanguage))),
        ]
        if let r = websiteRecordId { fields.append(("websiteRecordId", .string(r.uuidString.lowercased()))) }
        return .object(fields)
    }

    /// The documented `templateName` values (research §B.7, [V-docs]), for help texts.
    public static let documentedTemplates = [
        "StarterLayout1", "StarterLayout2", "StarterLayout3", "StarterLayout4", "StarterLayout5", "BlankPage", "BookMeetings",
        "DefaultPortalTemplate", "PowerPortals_ProgramRegistration", "PowerPortals_BookMeeting", "FAQ", "ProgramRegistration",
        "BuildingPermit", "Community", "EventPortal", "CustomerSelfServicePortal", "EmployeeSelfServicePortal", "PartnerPortal",
        "CustomerPortal", "FieldService",
    ]

    /// The documented spelling of a template name typed in any case; the text itself when unknown
    /// (the service then answers with its own error).
    public static func canonicalTemplate(_ name: String) -> String {
        documentedTemplates.first { $0.caseInsensitiveCompare(name) == .orderedSame } ?? name
    }
}

/// The state of a long-running operation read from its `Operation-Location` (research §B.3).
///
/// Microsoft's client reads the status from `operationStatus`, then `status`, then `Status`; success is
/// `OperationComplete`, `Succeeded` or `Completed`; failure `OperationFailed`, `Failed`, `Canceled` or
/// `Cancelled`, with details in `error`/`Error` ([V-code]); the body's real shape is open (§E 1).
public struct AdminOperationState: Sendable, Hashable {
    public enum Phase: String, Sendable { case running, succeeded, failed }
    public var phase: Phase
    /// The status text as answered (`OperationInProgress`, …).
    public var status: String
    public var websiteUrl: String?
    public var websiteRecordId: String?
    public var errorCode: String?
    public var errorMessage: String?

    public init(
        phase: Phase, status: String, websiteUrl: String? = nil, websiteRecordId: String? = nil,
        errorCode: String? = nil, errorMessage: String? = nil
    ) {
        self.phase = phase
        self.status = status
        self.websiteUrl = websiteUrl
        self.websiteRecordId = websiteRecordId
        self.errorCode = errorCode
        self.errorMessage = errorMessage
    }

    /// Reads an operation body with the lenient rules above; an unknown status is `running`.
    public init(json: JSONValue) {
        let status = json["operationStatus"]?.stringValue ?? json["status"]?.stringValue ?? json["Status"]?.stringValue ?? "Unknown"
        let lower = status.lowercased()
        let phase: Phase
        if ["operationcomplete", "succeeded", "completed"].contains(lower) {
            phase = .succeeded
        } else if ["operationfailed", "failed", "canceled", "cancelled"].contains(lower) {
            phase = .failed
        } else {
            phase = .running
        }
        let error = json["error"] ?? json["Error"]
        self.init(
            phase: phase, status: status,
            websiteUrl: json["websiteUrl"]?.stringValue ?? json["WebsiteUrl"]?.stringValue,
            websiteRecordId: json["websiteRecordId"]?.stringValue ?? json["WebsiteRecordId"]?.stringValue,
            errorCode: error?["code"]?.stringValue ?? error?["Code"]?.stringValue,
            errorMessage: error?["message"]?.stringValue ?? error?["Message"]?.stringValue ?? error?.stringValue)
    }
}

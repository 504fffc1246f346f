/// The admin API's `templateName` values (2024-10-01 reference, research/code-sites-and-admin-api.md
/// §B.7, [V-docs]) and the built-in template of the embedded environment each one is imitated with.
///
/// Assumption: every Power Pages template (Starter layouts, Blank page, FAQ, program registration,
/// meetings, application processing and their legacy aliases) is imitated by the embedded `starter`
/// template, and the two customer-portal templates by `customer-self-service`; the other Dynamics 365
/// templates are valid names the embedded environment cannot build (answered 400 `TemplateNotAvailable`).
enum AdminTemplates {
    /// Every documented `templateName`, in the reference's order.
    static let documented = [
        "StarterLayout1", "StarterLayout2", "StarterLayout3", "StarterLayout4", "StarterLayout5", "BlankPage", "BookMeetings",
        "DefaultPortalTemplate", "PowerPortals_ProgramRegistration", "PowerPortals_BookMeeting", "FAQ", "ProgramRegistration",
        "BuildingPermit", "Community", "EventPortal", "CustomerSelfServicePortal", "EmployeeSelfServicePortal", "PartnerPortal",
        "CustomerPortal", "FieldService",
    ]

    /// The documented spelling of `name` (matched without regard to case), `nil` when it is not documented.
    static func canonical(_ name: String) -> String? {
        documented.first { $0.caseInsensitiveCompare(name) == .orderedSame }
    }

    /// The embedded template that imitates documented template `name`, `nil` when none does.
    static func embedded(_ name: String) -> String? {
        switch name {
        case "CustomerSelfServicePortal", "CustomerPortal": return "customer-self-service"
        case "Community", "EventPortal", "EmployeeSelfServicePortal", "PartnerPortal", "FieldService": return nil
        default: return "starter"
        }
    }

    /// The documented names the embedded environment can build.
    static var available: [String] { documented.filter { embedded($0) != nil } }

    /// The admin API name shown for a host made by `env provision` (`pm_template` holds a built-in
    /// template name there): `starter` → `DefaultPortalTemplate`, `customer-self-service` →
    /// `CustomerSelfServicePortal`; documented names are kept.
    static func adminName(forHostTemplate t: String) -> String {
        if let c = canonical(t) { return c }
        switch t {
        case "starter": return "DefaultPortalTemplate"
        case "customer-self-service": return "CustomerSelfServicePortal"
        default: return t
        }
    }
}

import Foundation
import PortalModel

extension WriteSession {
    /// Keeps only the columns the table has (templates and seeds are written against whatever the
    /// environment's schema is).
    /// Lookup values whose target the column does not allow are dropped too.
    func fitted(_ table: TableDefinition, _ columns: [String: FieldValue]) -> [String: FieldValue] {
        columns.filter { name, value in
            guard let column = table.column(name) else { return false }
            if let ref = value.reference, !column.targets.isEmpty, !column.targets.contains(ref.logicalName) { return false }
            return true
        }
    }

    /// Mirrors the organization settings into the `organization` table's single row when the
    /// environment has that table (so the Web API can serve `organizations`).
    func mirrorOrganization(_ org: OrganizationInfo) throws {
        guard let def = catalog.table("organization") else { return }
        let columns = fitted(
            def,
            [
                "name": .string(org.name), "languagecode": .integer(Int32(clamping: org.languageCode)),
                "blockedattachments": .string(org.blockedAttachments.joined(separator: ";")),
                "maxuploadfilesize": .integer(Int32(clamping: org.maxUploadFileSize)),
            ])
        let existing = try load(def.logicalName, org.organizationID)
        try save(def.logicalName, org.organizationID, columns, createdOn: existing?.createdOn)
    }

    /// The content of a new environment: the root business unit, the calling system user, and the 43
    /// portal languages under fresh random ids (research/emulator-facts.md §2; issue 3).
    func seed(identity: WhoAmIResult, organizationName: String, portalLanguages: Bool) throws {
        if let bu = catalog.table("businessunit") {
            try save(bu.logicalName, identity.businessUnitID, fitted(bu, ["name": .string(organizationName)]), createdOn: nil)
        }
        if let user = catalog.table("systemuser") {
            var cols: [String: FieldValue] = [
                "fullname": .string("PortalMigrate Local User"),
                "domainname": .string("local@portalmigrate.invalid"),
            ]
            if catalog.table("businessunit") != nil {
                cols["businessunitid"] = .lookup(EntityReference("businessunit", identity.businessUnitID))
            }
            try save(user.logicalName, identity.userID, fitted(user, cols), createdOn: nil)
        }
        if portalLanguages, let lang = catalog.table("adx_portallanguage") {
            for l in PortalLanguages.all {
                try save(
                    lang.logicalName, UUID(),
                    fitted(
                        lang,
                        [
                            "adx_name": .string(l.name), "adx_displayname": .string(l.displayName),
                            "adx_languagecode": .string(l.code), "adx_lcid": .integer(Int32(l.lcid)),
                            "adx_systemlanguage": .integer(Int32(l.lcid)), "statecode": .state(0), "statuscode": .status(1),
                        ]), createdOn: nil)
            }
        }
    }
}

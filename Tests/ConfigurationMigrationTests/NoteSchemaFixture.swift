@testable import ConfigurationMigration

/// A CMT schema of one table, `annotation` (note): id, file name, text and the base64 document body:
/// the smallest schema a package with note bodies needs (the spool and large-package tests).
enum NoteSchemaFixture {
    static let schema = CMTSchema(entities: [
        CMTEntity(
            name: "annotation", displayName: "Note", objectTypeCode: 5, primaryIDField: "annotationid",
            primaryNameField: "subject",
            fields: [
                CMTField(name: "annotationid", displayName: "Note", typeName: "guid", primaryKey: true),
                CMTField(name: "filename", displayName: "File Name", typeName: "string"),
                CMTField(name: "notetext", displayName: "Description", typeName: "memo"),
                CMTField(name: "documentbody", displayName: "Document", typeName: "string"),
            ])
    ])
}

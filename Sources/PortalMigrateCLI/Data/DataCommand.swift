import ArgumentParser

/// `portal-migrate data …`: Configuration Migration Tool schemas and packages (pac's `pac data` verbs).
public struct DataCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Configuration Migration Tool schema files and data packages.",
        discussion: """
            Reads and writes the files of Microsoft's Configuration Migration Tool (data_schema.xml, data.zip).

            Example:
              portal-migrate data schema --portalType customer-self-service > schema.xml
            """,
        subcommands: [DataSchemaCommand.self, DataExportCommand.self, DataImportCommand.self]
    )

    public init() {}
}

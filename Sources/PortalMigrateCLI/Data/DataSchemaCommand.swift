import ArgumentParser
import ConfigurationMigration
import Foundation
import PortalModel

/// `portal-migrate data schema --portalType T [--output FILE]`: prints (or writes) the CMT schema of a
/// portal type, generated from the table catalog.
public struct DataSchemaCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Generate the Configuration Migration Tool schema of a portal type.",
        discussion: """
            Portal types: \(PortalType.allCases.map(\.rawValue).joined(separator: ", ")).

            The schema has the tables, columns, lookups and N:N relationships of Microsoft's schema file for \
            that portal type (for example Customer_SelfService_Portal.xml).

            Example:
              portal-migrate data schema --portalType customer-self-service > schema.xml
            """
    )

    @Option(
        name: .customLong("portalType"), help: "The portal type (\(PortalType.allCases.map(\.rawValue).joined(separator: ", "))).",
        completion: Completions.portalTypes)
    public var portalType: String

    @Option(name: [.customLong("output"), .customShort("o")], help: "Write the schema to this file instead of stdout.")
    public var output: String?

    @Flag(name: .long, help: "Replace the output file if it exists.")
    public var overwrite = false

    public init() {}

    public func validate() throws {
        guard PortalType(rawValue: portalType) != nil else {
            throw ValidationError("Unknown portal type '\(portalType)'. Use one of: \(PortalType.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
    }

    public func run() throws {
        guard let type = PortalType(rawValue: portalType) else { throw ValidationError("Unknown portal type '\(portalType)'.") }
        // The destination is checked before the schema is generated (CMTPackage's rule for the files of `data`).
        let url = output.map { URL(fileURLWithPath: $0) }
        if let url { try CMTPackage.checkDestination(url, overwrite: overwrite, fileKind: "a schema .xml file") }
        let schema = try CMTSchemaGenerator.schema(for: type)
        let data = schema.xmlData()
        if let path = output, let url {
            // Never written through a link at --output (issue 17): SafeFileWriter refuses one, naming it.
            do { try SafeFileWriter.writeFile(data, to: url) } catch { throw UserFacingError("cannot write \(path): \(error)") }
            printErr("Wrote the \(type.rawValue) schema (\(schema.entities.count) tables) to \(path)")
        } else {
            FileHandle.standardOutput.write(data)
        }
    }
}

import ConfigurationMigration
import Foundation
import PortalModel

/// How a new environment is made.
///
/// - `name`: the organization's name (the environment name for `env create`).
/// - `tables`: where the tables and columns come from; every environment also gets the tables of
///   `SystemTables.required` when the source lacks them.
/// - `languageCode`: the organization's base language LCID (1033 English).
/// - `blockedAttachments`/`maxUploadFileSize`: the organization's attachment settings; defaults are
///   Dataverse's (research/emulator-facts.md §1.1, §1.2).
/// - `behaviours`: the platform rules switched on (`PlatformBehaviour.defaults`).
/// - `seedPortalLanguages`: add the 43 `adx_portallanguage` rows under fresh random ids (§2).
public struct LocalEnvironmentOptions: Sendable {
    /// Where the environment's tables come from.
    public enum TableSource: Sendable {
        /// `TableCatalog.standard`, minus whole tables and minus columns by table (to reproduce schema
        /// drift such as an older portal solution lacking a column).
        case catalog(excludingTables: Set<String> = [], excludingColumns: [String: Set<String>] = [:])
        /// Exactly these definitions.
        case tables([TableDefinition])
        /// The entities of a Configuration Migration Tool schema file, read by the one hardened CMT
        /// reader (`CMTSchema`, `CMTSchema.tableDefinitions`), plus the enhanced data model tables the
        /// file does not list (`addingEnhancedTables`).
        case cmtSchema(URL)
    }

    /// Dataverse's default `blockedattachments` (research/emulator-facts.md §1.1, 97 extensions).
    public static let defaultBlockedAttachments = OrganizationInfo.parseBlockedAttachments(
        "ade;adp;app;asa;ashx;asmx;asp;bas;bat;cdx;cer;chm;class;cmd;com;config;cpl;crt;csh;dll;exe;fxp;hlp;hta;htr;htw;ida;idc;idq;inf;ins;isp;its;jar;js;jse;ksh;lnk;mad;maf;mag;mam;maq;mar;mas;mat;mau;mav;maw;mda;mdb;mde;mdt;mdw;mdz;msc;msh;msh1;msh1xml;msh2;msh2xml;mshxml;msi;msp;mst;ops;pcd;pif;prf;prg;printer;pst;reg;rem;scf;scr;sct;shb;shs;shtm;shtml;soap;stm;tmp;url;vb;vbe;vbs;vsmacros;vss;vst;vsw;ws;wsc;wsf;wsh;svg"
    )

    /// Dataverse's default `maxuploadfilesize`: 5,242,880 bytes (research/emulator-facts.md §1.2).
    public static let defaultMaxUploadFileSize = 5_242_880

    /// The version string reported for the environment (the shape of `RetrieveVersion`).
    public static let version = "9.2.0.0"

    public var name: String
    public var tables: TableSource
    public var languageCode: Int
    public var blockedAttachments: [String]
    public var maxUploadFileSize: Int
    public var behaviours: Set<PlatformBehaviour>
    public var seedPortalLanguages: Bool

    public init(
        name: String = "local", tables: TableSource = .catalog(), languageCode: Int = 1033,
        blockedAttachments: [String] = LocalEnvironmentOptions.defaultBlockedAttachments,
        maxUploadFileSize: Int = LocalEnvironmentOptions.defaultMaxUploadFileSize,
        behaviours: Set<PlatformBehaviour> = PlatformBehaviour.defaults, seedPortalLanguages: Bool = true
    ) {
        self.name = name
        self.tables = tables
        self.languageCode = languageCode
        self.blockedAttachments = blockedAttachments
        self.maxUploadFileSize = maxUploadFileSize
        self.behaviours = behaviours
        self.seedPortalLanguages = seedPortalLanguages
    }

    /// Resolves the table source to definitions (before `SystemTables` completion).
    /// - Throws: `CMTError` naming the file (and line, entity, field) for a schema file that cannot be
    ///   read, is not safe (a DTD, entity declarations, nesting past the limit) or is not a CMT schema.
    func resolveTables(catalog: TableCatalog) throws -> [TableDefinition] {
        switch tables {
        case .catalog(let exTables, let exColumns):
            return catalog.logicalNames.compactMap { name -> TableDefinition? in
                guard !exTables.contains(name), var t = catalog.table(name) else { return nil }
                if let drop = exColumns[name] {
                    t.columns.removeAll { drop.contains($0.logicalName) }
                }
                t.relationships.removeAll { exTables.contains($0.entity1) || exTables.contains($0.entity2) }
                return t
            }
        case .tables(let defs):
            return defs
        case .cmtSchema(let url):
            let data = try CMTSchema.readFile(url)
            let tables = try CMTSchema(data: data, file: url.path).tableDefinitions(catalog: catalog, source: url.path)
            return LocalEnvironmentOptions.addingEnhancedTables(tables, catalog: catalog)
        }
    }

    /// Adds the enhanced data model tables (`powerpagesite`, `powerpagesitelanguage`,
    /// `powerpagecomponent`, research/dataverse-webapi.md §11.3) that `tables` lacks: every current
    /// Dataverse environment has them whatever a Configuration Migration Tool schema lists, as it has
    /// the system tables. N:N relationships whose other table is absent stay in the definitions
    /// (Dataverse lists them too); linking through them fails as for any missing table.
    static func addingEnhancedTables(_ tables: [TableDefinition], catalog: TableCatalog) -> [TableDefinition] {
        let present = Set(tables.map(\.logicalName))
        return tables
            + catalog.logicalNames.compactMap { name -> TableDefinition? in
                guard !present.contains(name), let t = catalog.table(name), t.dataModel == .enhanced else { return nil }
                return t
            }
    }
}

import Foundation
import PortalModel

/// Which data model a pac site folder was downloaded from, and reading/writing enhanced (v2) folders.
///
/// Detection follows research/pac-portal-format.md §5 "How to tell v2 from v1 on disk", and only from
/// what a folder holds, never from what it lacks (issue 16, R06: a partial download, `download
/// --includeEntities`, has neither `websitelanguage.yml` nor `.portalconfig/websitebinding.yml` and is a
/// standard site). In a v2 folder one `powerpagesitelanguage` row serves as website language and portal
/// language, so one id appears in both roles:
/// - a `websitelanguage.yml` entry has `adx_websitelanguageid` equal to `adx_portallanguageid`; or
/// - `website.yml`'s `adx_defaultlanguage` (a website language) is an id of
///   `.portalconfig/portallanguage.yml` (portal languages are org-wide in v1, so never equal there:
///   every v1 folder of the corpus differs, `rcsa-enhanced-2025` matches).
extension PortalFolder {
    /// Detects the data model of the site folder at `root` (the folder holding `website.yml`).
    ///
    /// - Returns: `.enhanced` when the folder holds a sign of the enhanced model
    ///   (`enhancedModelSign(at:)`); otherwise `.standard`.
    /// - Throws: `PortalFolderError.notASiteFolder` without `website.yml`; `.yamlSyntax` (file, line)
    ///   when `websitelanguage.yml`, `website.yml` or `.portalconfig/portallanguage.yml` is not YAML.
    public static func detectDataModel(at root: URL) throws -> DataModel {
        let root = root.standardizedFileURL
        guard FileManager.default.fileExists(atPath: root.appendingPathComponent("website.yml").path) else {
            throw PortalFolderError.notASiteFolder(path: root.path)
        }
        return try enhancedModelSign(at: root) == nil ? .standard : .enhanced
    }

    /// The sign of the enhanced data model the folder at `root` holds, as a sentence naming the file
    /// (for messages), or `nil` when it holds none (a standard folder, whole or partial).
    /// - Throws: `PortalFolderError.yamlSyntax` (file, line) for a file read that is not YAML.
    public static func enhancedModelSign(at root: URL) throws -> String? {
        let reader = FolderReader(root: root.standardizedFileURL, coding: PacValueCoding(catalog: TableCatalog(tables: [])))
        let fm = FileManager.default
        if fm.fileExists(atPath: reader.url("websitelanguage.yml").path) {
            for item in try reader.loadYAML("websitelanguage.yml").root.items ?? [] {
                if let a = item["adx_websitelanguageid"]?.text, a == item["adx_portallanguageid"]?.text {
                    return "websitelanguage.yml has adx_websitelanguageid equal to adx_portallanguageid"
                }
            }
        }
        let portalLanguages = ".portalconfig/portallanguage.yml"
        if fm.fileExists(atPath: reader.url("website.yml").path), fm.fileExists(atPath: reader.url(portalLanguages).path),
            let site = try reader.loadYAML("website.yml").root.pairs,
            let language = site.first(where: { $0.key == "adx_defaultlanguage" })?.value.text.flatMap({ UUID(dataverse: $0) })
        {
            for item in try reader.loadYAML(portalLanguages).root.items ?? [] {
                if let id = item["adx_portallanguageid"]?.text.flatMap({ UUID(dataverse: $0) }), id == language {
                    return "website.yml's adx_defaultlanguage is the id of a portal language in \(portalLanguages)"
                }
            }
        }
        return nil
    }

    /// Reads an enhanced-data-model (v2) site folder exactly like `read(_:)` reads a standard one.
    ///
    /// On disk a v2 folder has the v1 layout and `adx_`-prefixed keys (research/pac-portal-format.md
    /// §5), so the snapshot holds `adx_*` records whose ids are the `powerpagecomponent` ids; keys
    /// the catalog does not know (camelCase content keys such as `adx_createRecordDisplayLabel`) are
    /// kept verbatim. `EnhancedComponentMapping` turns these records into components.
    ///
    /// - Throws: the errors of `read(_:)` except `.enhancedDataModelFolder`.
    public func readEnhanced(_ root: URL) throws -> PortalFolderContent {
        var reader = FolderReader(root: root.standardizedFileURL, coding: PacValueCoding(catalog: catalog))
        reader.allowEnhancedModel = true
        return try reader.run()
    }

    /// Reads a folder of either model: `model` `nil` detects it; a given model that differs from the
    /// detected one is an error.
    ///
    /// - Returns: the content and the model found.
    /// - Throws: `DataModelMismatchError` (naming the model found and the
    ///   `--modelVersion` to pass) before reading anything else; the errors of `read(_:)`.
    public func read(_ root: URL, model: DataModel?) throws -> (content: PortalFolderContent, model: DataModel) {
        let found = try Self.detectDataModel(at: root)
        if let model, model != found {
            throw DataModelMismatchError(path: root.standardizedFileURL.path, found: found, requested: model)
        }
        return (found == .enhanced ? try readEnhanced(root) : try read(root), found)
    }

    /// Write options for a folder of `model`: v2 folders break block scalars the v2 way
    /// (research/pac-yaml-emission.md §5.4).
    public static func writeOptions(for model: DataModel, _ base: FolderWriteOptions = FolderWriteOptions()) -> FolderWriteOptions {
        var o = base
        o.yamlBlockBreaks = model == .enhanced ? .v2 : .v1
        return o
    }
}

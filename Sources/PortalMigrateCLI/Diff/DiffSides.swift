import ArgumentParser
import ConfigurationMigration
import Foundation
import Migration
import PortalFolder
import PortalModel

/// The two sides of `portal-migrate diff`: each a pac folder, a CMT package or a website of an
/// environment, named the way `plan`, `verify` and `migrate` name their source and target.
struct DiffSideOptions: ParsableArguments {
    @Option(name: .customLong("from"), help: "First side: an environment (auth profile name or index, URL, or local:NAME).")
    var from: String?
    @Option(
        name: [.customLong("webSiteId"), .customLong("id", withSingleDash: true)],
        help: "The first side's website id (adx_websiteid or powerpagesiteid); optional when the environment has one website.")
    var webSiteId: String?
    @Option(name: [.customLong("path"), .customShort("p")], help: "First side: a pac site folder (the one holding website.yml).")
    var path: String?
    @Option(name: .customLong("data"), help: "First side: a Configuration Migration Tool data.zip (or unzipped folder).")
    var data: String?
    @Option(
        name: [.customLong("modelVersion"), .customLong("mv", withSingleDash: true)],
        help: "The first side's data model: 1 standard, 2 enhanced (detected when left out).")
    var modelVersion: String?

    @Option(name: .customLong("to"), help: "Second side: an environment; defaults to --environment.")
    var to: String?
    @Option(name: .customLong("targetWebSiteId"), help: "The second side's website id; optional when the environment has one website.")
    var targetWebSiteId: String?
    @Option(name: .customLong("targetPath"), help: "Second side: a pac site folder.")
    var targetPath: String?
    @Option(name: .customLong("targetData"), help: "Second side: a Configuration Migration Tool data.zip (or unzipped folder).")
    var targetData: String?
    @Option(name: .customLong("targetModelVersion"), help: "The second side's data model: 1 or 2 (detected when left out).")
    var targetModelVersion: String?

    init() {}

    /// One side as the user gave it.
    enum Spec: Equatable {
        case folder(String)
        case package(String)
        case environment(String, website: String?)
    }

    /// The first and second side.
    /// - Throws: `UserFacingError` (usage, exit 64) when a side is missing or given twice.
    func specs(environment: String?) throws -> (Spec, Spec) {
        func one(_ env: String?, _ site: String?, _ path: String?, _ data: String?, side: String, options: String) throws -> Spec {
            let given = [env, path, data].compactMap { $0 }
            guard given.count == 1 else {
                throw UserFacingError(
                    given.isEmpty
                        ? "the \(side) side is missing: give one of \(options)"
                        : "the \(side) side is given twice: give only one of \(options)", exitCode: PortalMigrateExit.usage)
            }
            if let path { return .folder(path) }
            if let data { return .package(data) }
            return .environment(env!, website: site)
        }
        let a = try one(from, webSiteId, path, data, side: "first", options: "--from ENV, --path FOLDER, --data DATA.zip")
        let b = try one(
            to ?? (targetPath == nil && targetData == nil ? environment : nil), targetWebSiteId, targetPath, targetData,
            side: "second", options: "--to ENV (or --environment), --targetPath FOLDER, --targetData DATA.zip")
        if case .environment = a {
        } else if webSiteId != nil {
            throw UserFacingError("--webSiteId goes with --from (a folder or package names its own website)", exitCode: PortalMigrateExit.usage)
        }
        if case .environment = b {
        } else if targetWebSiteId != nil {
            throw UserFacingError("--targetWebSiteId goes with --to (a folder or package names its own website)", exitCode: PortalMigrateExit.usage)
        }
        return (a, b)
    }
}

/// Reads a side of `diff` into a `DriftSide`.
enum DiffSideReader {
    /// Reads `spec`.
    /// - Parameter modelVersion: `1`, `2` or `nil` (detected).
    /// - Throws: `UserFacingError` for unreadable input (file and line), a bad id, an environment without
    ///   the website or with several websites and no id; what the environment throws.
    static func read(_ spec: DiffSideOptions.Spec, modelVersion: String?, verbose: Bool) async throws -> DriftSide {
        switch spec {
        case .folder(let path), .package(let path):
            let url = URL(fileURLWithPath: path)
            let isFolder = spec == .folder(path)
            let file: any PortalSource = isFolder ? PacFolderSource(url) : CMTPackageSource(url)
            let run = try SourceFactory.read(file, model: try ModelVersionOption.parse(modelVersion))
            guard var snapshot = run.snapshot else { throw UserFacingError("\(path) could not be read as a site") }
            snapshot.websiteID = snapshot.websiteID ?? run.websiteID
            return DriftSide(label: "\(isFolder ? "folder" : "package") \(path)", snapshot: snapshot, carried: run.meaning.carried, model: run.model)
        case .environment(let env, let site):
            let raw = try MigrationCommandSupport.service(env, verbose: verbose)
            let id = try await websiteID(site, in: raw, environment: env)
            let model = try await DataModelPolicy.siteModel(id, in: raw, requested: try ModelVersionOption.parse(modelVersion), environment: env)
            let service = DataModelPolicy.service(raw, model: model, site: id)
            let snapshot = try await SnapshotReader(service: service).read(websiteID: id)
            guard snapshot.recordCount > 0 else {
                throw UserFacingError("\(env) has no website \(id.dataverseString); `portal-migrate list --environment \(env)` lists its websites")
            }
            return DriftSide(label: env, snapshot: snapshot, carried: .environment, model: model)
        }
    }

    /// The website to read: the id given, else the environment's only website.
    static func websiteID(_ text: String?, in service: any DataverseService, environment: String) async throws -> UUID {
        if let text {
            guard let id = UUID(dataverse: text) else {
                throw UserFacingError("'\(text)' is not a website id (a GUID)", exitCode: PortalMigrateExit.usage)
            }
            return id
        }
        let sites = try await WebsiteListing.websites(in: service)
        guard sites.count == 1 else {
            let list = sites.map { "\($0.websiteId.dataverseString) \($0.name)" }.joined(separator: ", ")
            throw UserFacingError(
                sites.isEmpty
                    ? "\(environment) has no website to compare"
                    : "\(environment) has \(sites.count) websites (\(list)); name one with --webSiteId / --targetWebSiteId",
                exitCode: PortalMigrateExit.usage)
        }
        return sites[0].websiteId
    }
}

import ArgumentParser
import FileFormats
import Foundation
import Migration
import PortalModel

/// The two sides of `portal-migrate diff`: each a pac folder, a CMT package or a website of an
/// environment, named the way `plan`, `verify` and `migrate` name their source and target.
struct DiffSideOptions: ParsableArguments {
    @Option(name: .customLong("from"), help: "First side: an environment (auth profile name or index, URL, or local:NAME).")
    var from: String?
    @Option(
        name: [.customLong("webSiteId"), .customLong("id", withSingleDash: true)],
        help:
            "The first side's website id (adx_websiteid or powerpagesiteid); optional when the environment has one website, or one with the other side's website id or name."
    )
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
    @Option(
        name: .customLong("targetWebSiteId"),
        help: "The second side's website id; optional when the environment has one website, or one with the other side's website id or name.")
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

/// Maps the sides of `diff` to `DriftSideSource`s (a file side read through the source factory, as
/// every command reads a file source) and reads them with the use case, whose rule says in which order
/// and which website an environment side compares (`MigrationUseCases.driftSides`).
enum DiffSideReader {
    /// Reads both sides.
    static func read(_ a: DiffSideOptions.Spec, _ b: DiffSideOptions.Spec, options: DiffSideOptions, verbose: Bool) async throws -> (
        DriftSide, DriftSide
    ) {
        let first = try source(a, modelVersion: options.modelVersion, option: "--webSiteId", verbose: verbose)
        let second = try source(b, modelVersion: options.targetModelVersion, option: "--targetWebSiteId", verbose: verbose)
        return try await MigrationUseCases.driftSides(first, second)
    }

    /// `spec` as a side: a file source read by its adapter, or an environment's website to read.
    /// - Throws: a usage error (exit 64) for a website id that is not a GUID or a bad model version;
    ///   what the adapter or the environment throws.
    static func source(_ spec: DiffSideOptions.Spec, modelVersion: String?, option: String, verbose: Bool) throws -> DriftSideSource {
        let model = try ModelVersionOption.parse(modelVersion)
        switch spec {
        case .folder(let path), .package(let path):
            let isFolder = spec == .folder(path)
            guard let file = SourceFactory.fileSource(data: isFolder ? nil : path, path: isFolder ? path : nil) else {
                throw UserFacingError("\(path) could not be read as a site")
            }
            return .file(try SourceFactory.read(file.source, model: model), label: "\(isFolder ? "folder" : "package") \(path)")
        case .environment(let env, let site):
            let service = try MigrationCommandSupport.service(env, verbose: verbose)
            return .environment(service, name: env, website: try WebsiteIDOption.parse(site, option: option), model: model, option: option)
        }
    }
}

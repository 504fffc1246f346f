import Foundation
import PortalModel

extension MigrationUseCases {
    /// `diff`: reads website `requested` of an environment as one side of a drift comparison, in its
    /// data model (`DataModelPolicy.siteModel`, through the enhanced view for a `powerpagesite`). Which
    /// website when none is given is `driftWebsite`'s rule.
    ///
    /// - Parameters:
    ///   - environment: the environment as the user named it (the side's label, messages).
    ///   - requested: `--webSiteId` / `--targetWebSiteId`; `nil` picks (`driftWebsite`).
    ///   - model: `--modelVersion` / `--targetModelVersion`; `nil` detects.
    ///   - other: the side already read (a folder, a package or the other environment), whose website
    ///     the environment's is matched with when it has several.
    ///   - option: the option that names this side's website, for messages.
    /// - Throws: `MigrationError.invalid` when no website fits or several do (naming them), the
    ///   website is missing, or `model` differs from the site's; `DataverseError` from the environment.
    public static func driftSide(
        _ service: any DataverseService, environment: String, website requested: UUID?, model: DataModel?,
        like other: DriftSide? = nil, option: String = "--webSiteId"
    ) async throws -> DriftSide {
        let id = try await driftWebsite(requested, in: service, environment: environment, like: other, option: option)
        let site = try await readSite(service, environment: environment, websiteID: id, model: model)
        return DriftSide(label: environment, snapshot: site.snapshot, carried: .environment, model: site.model)
    }

    /// Website `websiteID` of an environment as `diff` and `check` read it: in its data model
    /// (`DataModelPolicy.siteModel`), an enhanced site through the enhanced view scoped to that site (its
    /// own site languages), with the snapshot's `websiteID` set.
    /// - Throws: `MigrationError.invalid` for a missing website or a model that differs from `model`;
    ///   `DataverseError` from the environment.
    public static func readSite(
        _ service: any DataverseService, environment: String, websiteID: UUID, model requested: DataModel?,
        catalog: TableCatalog = .standard
    ) async throws -> SourceRead {
        let model = try await DataModelPolicy.siteModel(websiteID, in: service, requested: requested, environment: environment)
        let view = DataModelPolicy.service(service, model: model, site: websiteID)
        var snapshot = try await SnapshotReader(service: view, catalog: catalog).read(websiteID: websiteID)
        snapshot.websiteID = websiteID
        return SourceRead(snapshot: snapshot, model: model, meaning: SourceMeaning())
    }

    /// The website of an environment a `diff` side compares:
    /// 1. the id given;
    /// 2. else the environment's only website;
    /// 3. else, among several, the one with the other side's website id, then the only one with the
    ///    other side's website name (a folder downloaded from it, a site provisioned from the same
    ///    template under another id);
    /// 4. else the user names one: the error lists the candidates (id and name).
    /// - Throws: `MigrationError.invalid` for an environment without websites, or when step 4 is reached.
    public static func driftWebsite(
        _ requested: UUID?, in service: any DataverseService, environment: String, like other: DriftSide?,
        option: String = "--webSiteId"
    ) async throws -> UUID {
        if let requested { return requested }
        let sites = try await WebsiteListing.websites(in: service)
        if sites.count == 1 { return sites[0].websiteId }
        guard !sites.isEmpty else { throw MigrationError.invalid("\(environment) has no website to compare") }
        if let id = other?.websiteID, sites.contains(where: { $0.websiteId == id }) { return id }
        let name = other.flatMap(websiteName)
        let named = sites.filter { name != nil && $0.name.caseInsensitiveCompare(name!) == .orderedSame }
        if named.count == 1 { return named[0].websiteId }
        let candidates = (named.isEmpty ? sites : named).map { "\($0.websiteId.dataverseString) \"\($0.name)\"" }
        let why =
            named.count > 1
            ? "\(named.count) websites named \"\(name!)\""
            : "\(sites.count) websites" + (name.map { ", none with the id or the name (\"\($0)\") of the other side's website" } ?? "")
        throw MigrationError.invalid(
            "\(environment) has \(why): \(candidates.joined(separator: ", ")); name the one to compare with \(option)")
    }

    /// The name of the website a side describes (`adx_name` of its `adx_website` record), if any.
    static func websiteName(_ side: DriftSide) -> String? {
        guard let id = side.websiteID else { return nil }
        return side.snapshot.record("adx_website", id)?.string("adx_name")
    }

    /// `diff`: compares two sides read by `driftSide` or a file adapter (DESIGN.md: verify's comparison,
    /// records paired by id then natural key). Two sides with the same label are told apart as
    /// `(first)` and `(second)`; across data models only what both models have is compared
    /// (`DataModelPolicy.verifyScope` into the enhanced model, as `verify` does into an enhanced target).
    /// - Parameters:
    ///   - scope: `--schemaFile`'s scope, or `.all`.
    ///   - profileColumns: the columns a deployment profile sets (`DeploymentProfileColumns.load`):
    ///     expected to differ, never a failure.
    public static func diff(
        _ source: DriftSide, _ target: DriftSide, scope: VerifyScope = .all, match: MatchMode = .key,
        profileColumns: Set<String> = []
    ) -> DriftResult {
        var (source, target, scope) = (source, target, scope)
        if source.label == target.label {
            source.label += " (first)"
            target.label += " (second)"
        }
        if source.model != target.model { scope = DataModelPolicy.verifyScope(scope, target: .enhanced) }
        return DriftComparer(scope: scope, match: match, profileColumns: profileColumns).compare(source: source, target: target)
    }
}

/// One side of a `diff` before it is compared: a file source already read by its adapter, or a website
/// of an environment still to read (`MigrationUseCases.driftSides` decides the order).
public enum DriftSideSource: Sendable {
    /// A pac folder, code-site project or CMT package read by its adapter (`RunSource.read`), with
    /// the label the comparison names it by (`folder ./site`).
    case file(RunSource, label: String)
    /// Website `website` of an environment (`nil`: `MigrationUseCases.driftWebsite` picks), in data
    /// model `model` (`nil` detects); `option` names the website's option in messages.
    case environment(any DataverseService, name: String, website: UUID?, model: DataModel?, option: String)
}

extension DriftSide {
    /// A file source read by its adapter as a side of `diff`, compared on the columns its format
    /// carries (`SourceMeaning.carried`), its website the source's.
    public init(file: RunSource, label: String) {
        var snapshot = file.snapshot ?? PortalSnapshot()
        snapshot.websiteID = snapshot.websiteID ?? file.websiteID
        self.init(label: label, snapshot: snapshot, carried: file.meaning.carried, model: file.model)
    }
}

extension MigrationUseCases {
    /// `diff`'s two sides, in the order that lets an environment side with several websites be matched
    /// (`driftWebsite`): with a file on the other side, the environment's website is the file's (by id,
    /// then name), whichever side the file is; of two environments, the second is matched with the first.
    /// - Throws: what `driftSide` throws (`MigrationError.invalid` naming the candidate websites;
    ///   `DataverseError` from an environment).
    public static func driftSides(_ a: DriftSideSource, _ b: DriftSideSource) async throws -> (DriftSide, DriftSide) {
        func read(_ side: DriftSideSource, like other: DriftSide?) async throws -> DriftSide {
            switch side {
            case .file(let run, let label): return DriftSide(file: run, label: label)
            case .environment(let service, let name, let website, let model, let option):
                return try await driftSide(service, environment: name, website: website, model: model, like: other, option: option)
            }
        }
        if case .environment = a, case .file = b {
            let second = try await read(b, like: nil)
            return (try await read(a, like: second), second)
        }
        let first = try await read(a, like: nil)
        return (first, try await read(b, like: first))
    }
}

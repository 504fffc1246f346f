import Foundation
import PortalModel

/// A Configuration Migration Tool data package (a `data.zip`, or a folder holding `data.xml` and
/// `data_schema.xml`) as a `PortalSource` (`data import`, `verify --data`): the package's records, and
/// what its schema means for a plan (research/cmt-format.md) — the fields each entity carries (a field
/// the schema names but a record leaves out is empty), `updateCompare` fields to match records by,
/// `skipupdate="true"` entities never updated, `disableplugins="true"` asking for plug-ins to be
/// bypassed, and the package's warnings. Packages are standard-model (`adx_*` tables).
public struct CMTPackageSource: PortalSource {
    public var url: URL

    public init(_ url: URL) { self.url = url }

    public var location: String { url.standardizedFileURL.path }

    /// - Parameter model: ignored: a package names its tables itself.
    /// - Throws: `CMTError` naming the entry, line and field of what cannot be read.
    public func read(model: DataModel?) throws -> SourceRead {
        let package = try CMTPackage(contentsOf: url)
        var snapshot = package.snapshot
        if snapshot.websiteID == nil { snapshot.websiteID = snapshot.describedWebsiteID }
        return SourceRead(snapshot: snapshot, model: .standard, meaning: Self.meaning(of: package))
    }

    /// What `package` means for a plan (see the type's description).
    public static func meaning(of package: CMTPackage) -> SourceMeaning {
        let fields = Dictionary(package.schema.entities.map { ($0.name, Set($0.fields.map(\.name))) }, uniquingKeysWith: { $0.union($1) })
        var m = SourceMeaning(format: "the package's CMT schema", carriedColumns: fields)
        m.declaredColumns = fields
        for e in package.schema.entities {
            if !e.comparisonKeys.isEmpty { m.compareColumns[e.name] = e.comparisonKeys }
            if e.skipUpdate == true { m.skipUpdateTables.insert(e.name) }
        }
        m.bypassPlugins = package.schema.entities.contains { $0.disablePlugins }
        m.notes = package.warnings.map { Diagnostic(check: .package, severity: .warning, message: $0) }
        return m
    }
}

import Foundation
import PortalModel

/// The content of a code site that `migrate` does not carry yet, so a migration never reports success
/// while the target lacks it (the project's "nothing lost" rule):
/// - its source files (`powerpagessourcefile` rows with their `filecontent`, research/code-sites-and-admin-api.md
///   §A.1.5), uploaded only by `code-site upload` with `includeSource`;
/// - the code of its server logic (component type 35's `filecontent` file column, research/emulator-facts.md
///   §4.2 [V R26]): the engine moves the record and its web roles but not the file column.
///
/// When a source website has either, the check fails (error severity: nothing is written; `--force`
/// writes the rest and ends with exit 1), naming the counts and how to carry them: `code-site upload`
/// of the project into the target.
public enum CodeSiteContentCheck {
    /// The check's name in diagnostics.
    public static let check = DiagnosticCheck.codeSiteContentNotCarried
    /// The component type of server logic in `powerpagecomponent` (research/emulator-facts.md §4.2 [V R26]).
    static let serverLogicType = 35

    /// The failed check for `site` in `source` (the environment itself, not an enhanced view), or none
    /// when the target already holds every such file with the same id and the same bytes (e.g. after a
    /// `code-site upload` of the project into it). A source without the `powerpagessourcefile` table (no
    /// code sites there) counts none.
    /// - Parameter target: the target environment itself; `nil` compares with nothing (all missing).
    /// - Throws: `DataverseError` from either side, other than a missing table.
    public static func diagnostics(source: any DataverseService, site: UUID, target: (any DataverseService)?) async throws -> [Diagnostic] {
        let sourceFiles = try await ids(
            source, RecordQuery("powerpagessourcefile", columns: ["powerpagessourcefileid"], filter: .equal("powerpagesiteid", .guid(site))))
        let serverLogic = try await ids(
            source,
            RecordQuery(
                "powerpagecomponent", columns: ["powerpagecomponentid"],
                filter: .and([.equal("powerpagesiteid", .guid(site)), .equal("powerpagecomponenttype", .choice(serverLogicType))])))
        let missingFiles = try await missing(sourceFiles.map { FileBodyKey("powerpagessourcefile", $0, "filecontent") }, source, target)
        let missingCode = try await missing(serverLogic.map { FileBodyKey("powerpagecomponent", $0, "filecontent") }, source, target)
        guard missingFiles + missingCode > 0 else { return [] }
        var parts: [String] = []
        if missingFiles > 0 { parts.append("\(missingFiles) source file(s) (powerpagessourcefile)") }
        if missingCode > 0 { parts.append("the code of \(missingCode) server logic(s) (file column filecontent)") }
        return [
            Diagnostic(
                check: check,
                message: "this code site has " + parts.joined(separator: " and ")
                    + " that the target lacks or holds with other bytes, and migrate does not carry them yet; the target would "
                    + "lack them while the rest verifies",
                table: missingFiles > 0 ? "powerpagessourcefile" : "powerpagecomponent",
                fix: "upload the site's project into the target with `portal-migrate code-site upload --rootPath DIR "
                    + "--environment TARGET` (with no project at hand, `code-site download` from the source first); "
                    + "or pass --force to migrate the rest, which ends with exit 1")
        ]
    }

    /// How many of `keys` hold bytes in `source` that `target` does not hold under the same key.
    static func missing(_ keys: [FileBodyKey], _ source: any DataverseService, _ target: (any DataverseService)?) async throws -> Int {
        var n = 0
        for key in keys {
            guard let bytes = try await source.downloadFile(key) else { continue }
            var there: Data?
            if let target { there = try await body(target, key) }
            if there != bytes { n += 1 }
        }
        return n
    }

    /// The target's bytes, `nil` when it has no such record or file.
    static func body(_ service: any DataverseService, _ key: FileBodyKey) async throws -> Data? {
        do { return try await service.downloadFile(key) } catch let e as DataverseError where e.isNotFound {
            return nil
        }
    }

    static func ids(_ service: any DataverseService, _ query: RecordQuery) async throws -> [UUID] {
        do { return try await service.retrieveAll(query).map(\.id) } catch let e as DataverseError where e.isNotFound {
            return []
        }
    }
}

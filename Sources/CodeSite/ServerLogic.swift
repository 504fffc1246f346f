import Foundation
import Migration
import PortalFolder
import PortalModel

/// A code site's server logic (research/code-sites-and-admin-api.md §A.1.3 [V-files] PPS sharepoint
/// sample): `.powerpages-site/server-logic/<name>/<name>.js` (the code) and `<name>.serverlogic.yml`
/// (keys `adx_serverlogic_adx_webrole` — the web role ids —, `description`, `display_name`, `id`,
/// `name`). In the site it is a component of type 35 (`adx_serverlogic` in the standard view; content
/// keys `display_name`, `description` and the role array) whose code is the component's `filecontent`
/// (research/emulator-facts.md §4.2 type 35 [V R26]). It is part of the site and moves with it: the
/// record and its role links go through the engine with the other records; the code through the file
/// column (`ServerLogicCode`).
public struct ServerLogicEntry: Sendable, Equatable {
    public var id: UUID
    public var name: String
    /// Other keys of the YAML (`display_name`, `description`, …) as text, in file order.
    public var values: [String: String]
    public var roles: [UUID]
    /// The folder relative to `.powerpages-site/` (`server-logic/hello`).
    public var folder: String
    /// The code (`<name>.js`); `nil` when the folder has none.
    public var code: Data?

    /// The N:N relationship of its web roles.
    public static let rolesRelationship = "adx_serverlogic_adx_webrole"
    /// The standard-view table.
    public static let table = "adx_serverlogic"

    /// The file name given to the code in `filecontent`.
    /// Assumption: VS Code uploads server logic code as `<name>.sl` (research/emulator-facts.md §4.2 type
    /// 35 [V R26]); pac's name is not known, and `.sl` is on no blocked-attachment list.
    public var codeFileName: String { name + ".sl" }

    /// The `adx_serverlogic` record in the standard view (site `site`).
    public func record(site: UUID?) -> EntityRecord {
        var r = EntityRecord(Self.table, id: id)
        r["adx_name"] = .string(name)
        for (k, v) in values { r[CurrentLayoutTables.legacyKey(k, table: Self.table)] = .string(v) }
        if let site { r["adx_websiteid"] = .lookup(EntityReference("adx_website", site)) }
        return r
    }

    /// Reads every `server-logic/<name>/<name>.serverlogic.yml` of `siteFolder` with its code.
    /// - Throws: `CodeSiteError.badSiteFile` for a file that is not YAML, lacks `id`/`name`, or names a
    ///   web role that is not a GUID.
    static func read(siteFolder: URL) throws -> [ServerLogicEntry] {
        let base = siteFolder.appendingPathComponent("server-logic")
        let fm = FileManager.default
        try refuseLink(base, rel: "server-logic")
        guard fm.fileExists(atPath: base.path) else { return [] }
        var out: [ServerLogicEntry] = []
        for folder in try listing(base, rel: "server-logic").sorted() {
            let dir = base.appendingPathComponent(folder)
            try refuseLink(dir, rel: "server-logic/\(folder)")
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: dir.path, isDirectory: &isDirectory), isDirectory.boolValue else { continue }
            for file in try listing(dir, rel: "server-logic/\(folder)").sorted() where file.hasSuffix(".serverlogic.yml") {
                let rel = "server-logic/\(folder)/\(file)"
                try refuseLink(dir.appendingPathComponent(file), rel: rel)
                let doc = try SiteFileYAML.read(dir.appendingPathComponent(file), rel: rel)
                guard let id = doc.root["id"]?.text.flatMap({ UUID(uuidString: $0) }), let name = doc.root["name"]?.text, !name.isEmpty else {
                    throw CodeSiteError.badSiteFile(
                        file: ".powerpages-site/" + rel, line: 1, problem: "server logic needs an `id` (GUID) and a `name`")
                }
                var values: [String: String] = [:]
                var roles: [UUID] = []
                for pair in doc.root.pairs ?? [] where pair.key != "id" && pair.key != "name" {
                    if pair.key == rolesRelationship {
                        for item in pair.value.items ?? [] {
                            guard let role = item.text.flatMap({ UUID(uuidString: $0) }) else {
                                throw CodeSiteError.badSiteFile(
                                    file: ".powerpages-site/" + rel, line: nil, problem: "\(rolesRelationship) lists a web role that is not a GUID")
                            }
                            roles.append(role)
                        }
                    } else if let t = pair.value.text {
                        values[pair.key] = t
                    }
                }
                let codeName = String(file.dropLast(".serverlogic.yml".count)) + ".js"
                // A missing code file is no code; one that exists but cannot be read stops the upload
                // (it was silently left out before, review finding).
                let codeURL = dir.appendingPathComponent(codeName)
                let code: Data?
                try refuseLink(codeURL, rel: "server-logic/\(folder)/\(codeName)")
                if fm.fileExists(atPath: codeURL.path) {
                    do { code = try FileReadProblem.read(codeURL, what: "the server logic code") } catch let e as FileReadError {
                        throw CodeSiteError.badSiteFile(
                            file: ".powerpages-site/server-logic/\(folder)/\(codeName)", line: nil, problem: e.reason)
                    }
                } else {
                    code = nil
                }
                out.append(
                    ServerLogicEntry(
                        id: id, name: name, values: values, roles: roles, folder: "server-logic/\(folder)", code: code))
            }
        }
        return out
    }

    /// Refuses a server-logic path that is a symbolic link: nothing outside the folder the user named
    /// is read or uploaded through one, and the wording is the one the layout conversion uses for every
    /// other site file (`CurrentToLegacy.files(under:)`), so both layouts answer alike.
    /// - Throws: `CodeSiteError.badSiteFile` naming the path.
    static func refuseLink(_ url: URL, rel: String) throws {
        if ProjectTree.isSymbolicLink(url) { throw linkError(rel) }
    }

    /// The refusal of a symbolic link at `rel` (relative to `.powerpages-site/`), in both layouts.
    static func linkError(_ rel: String) -> any Error {
        CodeSiteError.badSiteFile(file: ".powerpages-site/" + rel, line: nil, problem: "is a symbolic link; replace it by the file itself")
    }

    /// The names in a server-logic folder; a folder that exists but cannot be listed stops the upload
    /// (it was read as "no server logic" before, and the code silently left behind).
    /// - Throws: `CodeSiteError.badSiteFile` with the file system's reason.
    static func listing(_ dir: URL, rel: String) throws -> [String] {
        do { return try FileManager.default.contentsOfDirectory(atPath: dir.path) } catch {
            let reason = (error as NSError).localizedFailureReason ?? (error as NSError).localizedDescription
            throw CodeSiteError.badSiteFile(file: ".powerpages-site/" + rel, line: nil, problem: "cannot be listed: \(reason)")
        }
    }

    /// Adds the entries' records and role links to a snapshot (standard view of an enhanced site).
    static func add(_ entries: [ServerLogicEntry], to snapshot: inout PortalSnapshot, site: UUID?) {
        guard !entries.isEmpty else { return }
        snapshot.records[table, default: []] += entries.map { $0.record(site: site) }
        for e in entries {
            for role in e.roles {
                snapshot.links[rolesRelationship, default: []].insert(
                    ManyToManyLink(EntityReference(table, e.id), EntityReference("adx_webrole", role)))
            }
        }
    }
}

/// The code of server logic, in the component's `filecontent`: uploaded when it differs from the
/// target's, read back, and downloaded.
public enum ServerLogicCode {
    static func key(_ id: UUID) -> FileBodyKey { FileBodyKey("powerpagecomponent", id, "filecontent") }

    /// Uploads the code of `entries` whose bytes differ from the target's (after the records exist),
    /// then reads each back.
    /// - Returns: how many were uploaded and the failures (`server-logic/<name>: message`), read-back
    ///   differences included.
    /// - Throws: `DataverseError` when the target stops answering.
    public static func upload(_ entries: [ServerLogicEntry], to target: any DataverseService) async throws -> (uploaded: Int, failures: [String]) {
        var uploaded = 0
        var failures: [String] = []
        for e in entries {
            guard let code = e.code else { continue }
            if try await target.downloadFile(key(e.id)) == code { continue }
            let results = try await target.execute(
                [ChangeSet([.uploadFile(key(e.id), fileName: e.codeFileName, body: .data(code))], atomic: false)], options: ExecuteOptions())
            if let error = results.first?.error {
                failures.append("\(e.folder): \(error.message)")
                continue
            }
            if try await target.downloadFile(key(e.id)) != code {
                failures.append("\(e.folder): the target does not hold the code just uploaded")
                continue
            }
            uploaded += 1
        }
        return (uploaded, failures)
    }

    /// Writes the site's server logic into `root/.powerpages-site/server-logic/<name>/`: the YAML
    /// (`adx_serverlogic_adx_webrole`, `description`, `display_name`, `id`, `name`, and any other
    /// content key) and the code from `filecontent`.
    /// - Returns: the files written (relative to the root), and the unchanged count.
    /// - Throws: `SafeWriteError`; `DataverseError` reading the code.
    public static func download(_ snapshot: PortalSnapshot, from service: any DataverseService, into root: URL) async throws -> (
        written: [String], unchanged: Int
    ) {
        var written: [String] = [], unchanged = 0
        let links = snapshot.links[ServerLogicEntry.rolesRelationship] ?? []
        for r in (snapshot.records[ServerLogicEntry.table] ?? []).sorted(by: { $0.id.uuidString < $1.id.uuidString }) {
            let name = r.string("adx_name") ?? r.id.dataverseString
            let folder = ".powerpages-site/server-logic/\(PacNames.sanitize(name))"
            let roles = links.filter { $0.first.id == r.id }.map(\.second.id.dataverseString).sorted()
            var pairs = [
                YAMLPair("id", .scalar(r.id.dataverseString)), YAMLPair("name", .scalar(name)),
                YAMLPair(ServerLogicEntry.rolesRelationship, .sequence(roles.map { .scalar($0) })),
            ]
            for (column, value) in r.columns.sorted(by: { $0.key < $1.key }) where column.hasPrefix("adx_") {
                guard !["adx_name", "adx_websiteid", "adx_serverlogicid"].contains(column), let text = value.text else { continue }
                pairs.append(YAMLPair(CurrentLayoutTables.currentKey(column, table: ServerLogicEntry.table), .scalar(text)))
            }
            let yaml = PacYAMLEmitter(blockBreaks: .v2).emit(.mapping(YAMLPair.pacSorted(pairs)))
            let base = PacNames.sanitize(name)
            if try SafeFileWriter.write(Data(yaml.utf8), to: "\(folder)/\(base).serverlogic.yml", under: root, skipIfUnchanged: true) {
                written.append("\(folder)/\(base).serverlogic.yml")
            } else {
                unchanged += 1
            }
            if let code = try await service.downloadFile(key(r.id)) {
                if try SafeFileWriter.write(code, to: "\(folder)/\(base).js", under: root, skipIfUnchanged: true) {
                    written.append("\(folder)/\(base).js")
                } else {
                    unchanged += 1
                }
            }
        }
        return (written, unchanged)
    }
}

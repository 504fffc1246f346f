import Foundation
import GRDB
import PortalModel

/// An embedded Dataverse-compatible environment kept in one SQLite file, used in-process through
/// `DataverseService` and served over the Web API by `EnvironmentServer` (DESIGN.md, "Modules").
///
/// It has the tables and columns it was created with (the catalog, a CMT schema, or the catalog minus
/// some tables/columns), the organization row's settings, the 43 portal languages, a business unit
/// and a system user, and reproduces the platform behaviours of `PlatformBehaviour` that break
/// migrations. Every record carries `versionnumber` (a per-environment increasing row version, the
/// Web API's `@odata.etag`), `createdon` and `modifiedon`.
///
/// Several instances (in one process or several) may use the same file: the store runs in WAL mode
/// with a busy timeout, and every write is one immediate SQLite transaction.
///
/// Example:
/// ```swift
/// let env = try LocalEnvironment.create(at: url, options: LocalEnvironmentOptions(name: "dev"))
/// let site = try await env.provision(template: "starter")
/// let pages = try await env.retrieveAll(RecordQuery("adx_webpage"))
/// ```
public final class LocalEnvironment: DataverseService {
    /// The environment file.
    public let url: URL
    /// The environment's own tables (what `tableDefinitions()` returns).
    public let catalog: TableCatalog
    let pool: DatabasePool

    static func configuration() -> Configuration {
        var c = Configuration()
        c.busyMode = .timeout(60)
        c.label = "LocalEnvironment"
        // WAL with synchronous=NORMAL: a commit no longer waits for an fsync of the WAL (0.66 ms per
        // commit on this project's machines, most of the cost of a small write); the file stays
        // consistent after a crash of the process, and only the last commits can be lost on a power
        // failure (SQLite's documentation of PRAGMA synchronous), acceptable for a rehearsal environment.
        c.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
        return c
    }

    /// Creates a new environment file (and its parent directories).
    /// - Throws: `LocalEnvironmentError.alreadyExists` when the file exists; `CMTError`
    ///   for a bad schema file; GRDB errors when the file cannot be written.
    @discardableResult
    public static func create(at url: URL, options: LocalEnvironmentOptions = LocalEnvironmentOptions()) throws -> LocalEnvironment {
        let fm = FileManager.default
        if fm.fileExists(atPath: url.path) { throw LocalEnvironmentError.alreadyExists(url.path) }
        // SQLite follows links: a (dangling) link at the file or its -wal/-shm would put the database
        // outside the data directory (issue 17, SafeFileWriter's rule).
        for suffix in ["", "-wal", "-shm", "-journal"] {
            do { try SafeFileWriter.checkFile(URL(fileURLWithPath: url.path + suffix)) } catch let e as SafeWriteError {
                throw LocalEnvironmentError.invalidSetting(e.description)
            }
        }
        let tables = SystemTables.completing(try options.resolveTables(catalog: .standard), catalog: .standard)
        if let e = options.maxUploadFileSize < 1 || options.maxUploadFileSize > 131_072_000 ? options.maxUploadFileSize : nil {
            throw LocalEnvironmentError.invalidSetting("maxuploadfilesize \(e) is outside 1…131072000 bytes")
        }
        try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        do {
            let pool = try DatabasePool(path: url.path, configuration: configuration())
            try StoreSchema.migrator().migrate(pool)
            let catalog = TableCatalog(tables: tables)
            try pool.write { db in
                try StoreSchema.setMeta(db, "format", StoreSchema.formatVersion)
                try StoreSchema.setMeta(db, "tables", tables.sorted { $0.logicalName < $1.logicalName })
                let org = OrganizationInfo(
                    organizationID: UUID(), name: options.name, languageCode: options.languageCode,
                    blockedAttachments: options.blockedAttachments,
                    maxUploadFileSize: options.maxUploadFileSize, version: LocalEnvironmentOptions.version)
                try StoreSchema.setMeta(db, "organization", org)
                try StoreSchema.setMeta(db, "behaviours", options.behaviours.map(\.rawValue).sorted())
                let identity = WhoAmIResult(userID: UUID(), businessUnitID: UUID(), organizationID: org.organizationID)
                try StoreSchema.setMeta(db, "identity", identity)
                let session = WriteSession(db: db, catalog: catalog, organization: org, rules: [])
                try session.seed(
                    identity: identity, organizationName: options.name,
                    portalLanguages: options.seedPortalLanguages)
                try session.mirrorOrganization(org)
            }
            try pool.close()
        } catch {
            try? fm.removeItem(at: url)
            for suffix in ["-wal", "-shm"] { try? fm.removeItem(atPath: url.path + suffix) }
            throw error
        }
        return try LocalEnvironment(opening: url)
    }

    /// Opens an existing environment file.
    /// - Throws: `LocalEnvironmentError.notFound` when there is no file, `.notAnEnvironment` when it is not
    ///   an environment made by this tool.
    public init(opening url: URL) throws {
        guard FileManager.default.fileExists(atPath: url.path) else { throw LocalEnvironmentError.notFound(url.path) }
        self.url = url
        do {
            pool = try DatabasePool(path: url.path, configuration: LocalEnvironment.configuration())
            let isEnvironment = try pool.read { db in try db.tableExists("meta") }
            guard isEnvironment else { throw LocalEnvironmentError.notAnEnvironment(url.path, "no table definitions") }
            let migrator = StoreSchema.migrator()
            if try pool.read({ db in try !migrator.hasCompletedMigrations(db) }) {
                try migrator.migrate(pool)
            }
            let defs = try pool.read { db -> [PortalModel.TableDefinition]? in
                guard try db.tableExists("meta") else { return nil }
                return try StoreSchema.meta(db, "tables", as: [PortalModel.TableDefinition].self)
            }
            guard let defs else { throw LocalEnvironmentError.notAnEnvironment(url.path, "no table definitions") }
            catalog = TableCatalog(tables: defs)
        } catch let e as LocalEnvironmentError {
            throw e
        } catch {
            throw LocalEnvironmentError.notAnEnvironment(url.path, "\(error)")
        }
    }

    /// Closes the file. Later calls fail.
    public func close() throws { try pool.close() }

    // MARK: - Errors

    /// The table with this logical name. - Throws: `DataverseError` 0x8006088a (HTTP 404) when unknown.
    public func table(_ logicalName: String) throws -> PortalModel.TableDefinition {
        guard let t = catalog.table(logicalName) else { throw LocalEnvironment.unknownTable(logicalName) }
        return t
    }

    static func unknownTable(_ name: String) -> DataverseError {
        DataverseError(
            httpStatus: 404, code: DataverseError.Code.resourceNotFound,
            message: "Resource not found for the segment '\(name)'.", logicalName: name)
    }

    static func missingRecord(_ table: String, _ id: UUID) -> DataverseError {
        DataverseError(
            httpStatus: 404, code: DataverseError.Code.objectDoesNotExist,
            message: "\(table) With Id = \(id.dataverseString) Does Not Exist", logicalName: table, recordID: id)
    }

    // MARK: - DataverseService: metadata and identity

    public func tableDefinitions() async throws -> [PortalModel.TableDefinition] {
        catalog.logicalNames.compactMap { catalog.table($0) }
    }

    public func organizationInfo() async throws -> OrganizationInfo {
        try await pool.read { db in try LocalEnvironment.organization(db) }
    }

    static func organization(_ db: Database) throws -> OrganizationInfo {
        guard let org = try StoreSchema.meta(db, "organization", as: OrganizationInfo.self) else {
            throw DataverseError(code: "pm:store", message: "the organization row is missing")
        }
        return org
    }

    public func whoAmI() async throws -> WhoAmIResult {
        try await pool.read { db in
            guard let who = try StoreSchema.meta(db, "identity", as: WhoAmIResult.self) else {
                throw DataverseError(code: "pm:store", message: "the identity is missing")
            }
            return who
        }
    }

    // MARK: - Settings

    /// The platform behaviours switched on.
    public func behaviours() async throws -> Set<PlatformBehaviour> {
        try await pool.read { db in try LocalEnvironment.behaviours(db) }
    }

    static func behaviours(_ db: Database) throws -> Set<PlatformBehaviour> {
        let ids = try StoreSchema.meta(db, "behaviours", as: [String].self) ?? PlatformBehaviour.defaults.map(\.rawValue)
        return Set(ids.compactMap(PlatformBehaviour.init(rawValue:)))
    }

    /// Switches platform behaviours on or off (the others keep their state).
    public func setBehaviours(_ changes: [PlatformBehaviour: Bool]) async throws {
        try await pool.write { db in
            var on = try LocalEnvironment.behaviours(db)
            for (b, enabled) in changes { if enabled { on.insert(b) } else { on.remove(b) } }
            try StoreSchema.setMeta(db, "behaviours", on.map(\.rawValue).sorted())
        }
    }

    /// Changes the organization row's settings; `nil` leaves a setting as is.
    /// - Parameters:
    ///   - languageCode: base language LCID.
    ///   - blockedAttachments: extensions without dots (normalised to lowercase).
    ///   - maxUploadFileSize: bytes, 1…131,072,000 (research/emulator-facts.md §1.2).
    /// - Returns: the new settings.
    /// - Throws: `LocalEnvironmentError.invalidSetting` for an out-of-range size.
    @discardableResult
    public func updateOrganization(
        languageCode: Int? = nil, blockedAttachments: [String]? = nil,
        maxUploadFileSize: Int? = nil
    ) async throws -> OrganizationInfo {
        if let m = maxUploadFileSize, m < 1 || m > 131_072_000 {
            throw LocalEnvironmentError.invalidSetting("maxuploadfilesize \(m) is outside 1…131072000 bytes")
        }
        return try await pool.write { db in
            var org = try LocalEnvironment.organization(db)
            if let l = languageCode { org.languageCode = l }
            if let b = blockedAttachments { org.blockedAttachments = OrganizationInfo.parseBlockedAttachments(b.joined(separator: ";")) }
            if let m = maxUploadFileSize { org.maxUploadFileSize = m }
            try StoreSchema.setMeta(db, "organization", org)
            try WriteSession(db: db, catalog: self.catalog, organization: org, rules: []).mirrorOrganization(org)
            return org
        }
    }

    // MARK: - Writes

    public func execute(_ changeSets: [ChangeSet], options: ExecuteOptions) async throws -> [OperationResult] {
        var results: [OperationResult] = []
        var stopped = false
        for set in changeSets {
            if stopped {
                results += set.operations.map { op in
                    .failure(
                        DataverseError(
                            code: DataverseError.Code.notExecuted,
                            message: "not executed: an earlier change set failed",
                            logicalName: op.logicalName, recordID: op.recordID))
                }
                continue
            }
            let r = try await run(set, options: options)
            results += r
            if !options.continueOnError && r.contains(where: { !$0.isSuccess }) { stopped = true }
        }
        return results
    }

    private func run(_ set: ChangeSet, options: ExecuteOptions) async throws -> [OperationResult] {
        let catalog = self.catalog
        return try await pool.writeWithoutTransaction { db -> [OperationResult] in
            var results: [OperationResult] = []
            try db.inTransaction(.immediate) {
                results = []
                let session = try WriteSession(db: db, catalog: catalog, bypassPlugins: options.bypassCustomPlugins)
                for (index, op) in set.operations.enumerated() {
                    if set.atomic {
                        do {
                            results.append(.success(try session.apply(op)))
                        } catch let error as DataverseError {
                            results = set.operations.enumerated().map { i, other in
                                if i == index { return .failure(error) }
                                return .failure(
                                    DataverseError(
                                        code: DataverseError.Code.rolledBack,
                                        message: "rolled back: operation \(index + 1) of the change set failed",
                                        logicalName: other.logicalName, recordID: other.recordID))
                            }
                            return .rollback
                        }
                    } else {
                        var outcome: OperationResult = .success(nil)
                        try db.inSavepoint {
                            do {
                                outcome = .success(try session.apply(op))
                                return .commit
                            } catch let error as DataverseError {
                                outcome = .failure(error)
                                return .rollback
                            }
                        }
                        results.append(outcome)
                    }
                }
                return .commit
            }
            return results
        }
    }
}

import Foundation

/// Settings of the environment's organization row that decide whether a migration can succeed
/// (research/emulator-facts.md §1, research/dataverse-webapi.md §8).
/// - `blockedAttachments`: lowercase extensions without dots, in the stored order.
/// - `maxUploadFileSize`: bytes.
/// - `languageCode`: the base language LCID (1033 for English).
public struct OrganizationInfo: Sendable, Hashable, Codable {
    public var organizationID: UUID
    public var name: String
    public var languageCode: Int
    public var blockedAttachments: [String]
    public var maxUploadFileSize: Int
    public var version: String

    public init(
        organizationID: UUID, name: String, languageCode: Int, blockedAttachments: [String],
        maxUploadFileSize: Int, version: String
    ) {
        self.organizationID = organizationID
        self.name = name
        self.languageCode = languageCode
        self.blockedAttachments = blockedAttachments
        self.maxUploadFileSize = maxUploadFileSize
        self.version = version
    }

    /// Parses Dataverse's `blockedattachments` text: extensions separated by `;`, any case, dots and
    /// blanks ignored (`"ade;adp;app"`).
    public static func parseBlockedAttachments(_ text: String) -> [String] {
        text.split(separator: ";").map {
            $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: ".")).lowercased()
        }.filter { !$0.isEmpty }
    }

    /// True when a file name's extension is in `blockedAttachments` (case-insensitive).
    public func blocks(fileName: String) -> Bool {
        guard let dot = fileName.lastIndex(of: "."), dot != fileName.index(before: fileName.endIndex) else { return false }
        let ext = fileName[fileName.index(after: dot)...].lowercased()
        return blockedAttachments.contains(ext)
    }
}

/// The caller's identity (`WhoAmI()`, research/dataverse-webapi.md §8).
public struct WhoAmIResult: Sendable, Hashable, Codable {
    public var userID: UUID
    public var businessUnitID: UUID
    public var organizationID: UUID

    public init(userID: UUID, businessUnitID: UUID, organizationID: UUID) {
        self.userID = userID
        self.businessUnitID = businessUnitID
        self.organizationID = organizationID
    }
}

/// What the migration engine needs from a Dataverse environment, implemented in-process by the
/// embedded `LocalEnvironment` and over HTTP by `WebAPIClient` (DESIGN.md, "Modules").
///
/// Errors: every method throws `DataverseError` for failures Dataverse reports (unknown table →
/// `Code.resourceNotFound`, unknown column → `Code.queryPropertyNotFound`), and may throw transport
/// errors. `execute` reports per-operation failures in its results rather than throwing.
public protocol DataverseService: Sendable {
    /// A page of records of `query.table`. `page` is the `nextPage` token of the previous page, `nil`
    /// for the first; `pageSize` is the most records per page (Dataverse's default and maximum is 5,000).
    func retrieve(_ query: RecordQuery, pageSize: Int, page: String?) async throws -> RecordPage

    /// The tables this environment has, with their columns, lookups (with navigation property names)
    /// and N:N relationships, as `TableDefinition`s (entity metadata; research/dataverse-webapi.md §7).
    func tableDefinitions() async throws -> [TableDefinition]

    /// The organization row's settings.
    func organizationInfo() async throws -> OrganizationInfo

    /// The calling user's identity.
    func whoAmI() async throws -> WhoAmIResult

    /// The links of an N:N relationship, optionally only those whose first side is in `firstIDs`.
    func retrieveLinks(relationship: String, firstIDs: Set<UUID>?) async throws -> Set<ManyToManyLink>

    /// The body of a file column or an annotation's `documentbody`, `nil` when empty.
    func downloadFile(_ key: FileBodyKey) async throws -> Data?

    /// Executes change sets in order and returns one result per operation, flattened in order.
    func execute(_ changeSets: [ChangeSet], options: ExecuteOptions) async throws -> [OperationResult]

    // Capabilities (ServiceCapabilities.swift): `nil`/false unless the service has them. A service type
    // conforming to the capability's protocol answers itself; a wrapper forwards its base's.

    /// The enhanced-model view this service is, `nil` for a service showing its own tables.
    var enhancedModelView: (any EnhancedModelView)? { get }

    /// How much to send at once (the Web API's `x-ms-dop-hint`), `nil` when the service has no advice.
    var sendingAdvice: (any SendingAdvice)? { get }

    /// File bodies with their stored names, `nil` when the service returns bytes only.
    var fileStore: (any FileStore)? { get }

    /// A direct writer of the organization's settings, `nil` when they are written with `PATCH organizations(id)`.
    var organizationSettingsEditor: (any OrganizationSettingsEditor)? { get }

    /// The site host operations of an environment that hosts sites itself, `nil` otherwise.
    var siteHosting: (any SiteHosting)? { get }

    /// True when every table keeps a `versionnumber` (the embedded environment, system tables such as
    /// `annotation` too), whether or not its metadata lists the column.
    var versionNumberOnEveryTable: Bool { get }

    /// The Web API root of the environment this service talks to over HTTP (for example
    /// `https://contoso.crm.dynamics.com`), `nil` for an in-process environment.
    var environmentURL: URL? { get }
}

extension DataverseService {
    /// Every record matching `query`, following pages until the last (a repeated page token ends the
    /// read with an error rather than looping).
    /// - Throws: what `retrieve` throws; `DataverseError` when a page token repeats.
    public func retrieveAll(_ query: RecordQuery, pageSize: Int = 5000) async throws -> [EntityRecord] {
        var all: [EntityRecord] = []
        var token: String? = nil
        var seen = Set<String>()
        repeat {
            let page = try await retrieve(query, pageSize: pageSize, page: token)
            all.append(contentsOf: page.records)
            token = page.nextPage
            if let t = token {
                guard seen.insert(t).inserted else {
                    throw DataverseError(
                        code: "pm:paging", message: "the server returned the same next page twice",
                        logicalName: query.table)
                }
            }
            if let top = query.top, all.count >= top { return Array(all.prefix(top)) }
        } while token != nil
        return all
    }

    /// Executes one change set's worth of operations. - Throws: what `execute` throws.
    public func execute(
        _ operations: [DataverseOperation], atomic: Bool = false,
        options: ExecuteOptions = ExecuteOptions()
    ) async throws -> [OperationResult] {
        try await execute([ChangeSet(operations, atomic: atomic)], options: options)
    }
}

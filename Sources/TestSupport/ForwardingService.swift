import Foundation
import PortalModel

/// A test double over another environment: every `DataverseService` requirement it does not implement
/// itself goes to `forwardedService`, so a double that changes one behaviour (refuses deletes, names
/// files, hosts sites) states only that behaviour. Capabilities are not forwarded: a double declares
/// the ones it has (see `ServiceCapability`).
///
/// Example:
/// ```swift
/// struct RefusingDeletes: ForwardingService {
///     let forwardedService: any DataverseService
///     func execute(_ changeSets: [ChangeSet], options: ExecuteOptions) async throws -> [OperationResult] { … }
/// }
/// ```
public protocol ForwardingService: DataverseService {
    /// The environment the double stands in front of.
    var forwardedService: any DataverseService { get }
}

extension ForwardingService {
    public func retrieve(_ query: RecordQuery, pageSize: Int, page: String?) async throws -> RecordPage {
        try await forwardedService.retrieve(query, pageSize: pageSize, page: page)
    }
    public func tableDefinitions() async throws -> [TableDefinition] { try await forwardedService.tableDefinitions() }
    public func organizationInfo() async throws -> OrganizationInfo { try await forwardedService.organizationInfo() }
    public func whoAmI() async throws -> WhoAmIResult { try await forwardedService.whoAmI() }
    public func retrieveLinks(relationship: String, firstIDs: Set<UUID>?) async throws -> Set<ManyToManyLink> {
        try await forwardedService.retrieveLinks(relationship: relationship, firstIDs: firstIDs)
    }
    public func downloadFile(_ key: FileBodyKey) async throws -> Data? { try await forwardedService.downloadFile(key) }
    public func execute(_ changeSets: [ChangeSet], options: ExecuteOptions) async throws -> [OperationResult] {
        try await forwardedService.execute(changeSets, options: options)
    }
}

import EnvironmentServer
import Foundation
import LocalEnvironment
import Logging
import PortalModel

/// Where a served embedded environment answers (`env serve`): the organization URL a user passes as
/// `--environment`, the Web API root and the token endpoint, all on 127.0.0.1 at `port`.
public struct ServedEndpoints: Sendable, Hashable {
    public let port: Int
    public init(port: Int) { self.port = port }
    /// `http://127.0.0.1:PORT`.
    public var organizationURL: String { "http://127.0.0.1:\(port)" }
    /// `http://127.0.0.1:PORT/api/data/v9.2/`.
    public var webAPIURL: String { organizationURL + "/api/data/v9.2/" }
    /// `http://127.0.0.1:PORT/common/oauth2/v2.0/token`.
    public var tokenEndpoint: String { organizationURL + "/common/oauth2/v2.0/token" }
}

extension EnvironmentConnection {
    /// Creates embedded environment `name` in the data directory: tables from `schema` (a CMT schema
    /// file) when given, else the catalog's without `excludingTables` (logical names) and
    /// `excludingColumns` (`table.column` each), to reproduce schema drift.
    /// - Throws: what `checkNewLocal` throws; `EnvironmentsError.invalidExclusion` for a column not
    ///   written `table.column`, `.unknownTables` naming tables the catalog lacks (with the closest
    ///   names); what `EnvironmentDirectory.create` throws (an existing environment, a bad name, a bad
    ///   schema file).
    public func createLocal(
        _ name: String, languageCode: Int, schema: URL? = nil, excludingTables: [String] = [], excludingColumns: [String] = []
    ) throws -> LocalEnvironment {
        try Self.checkNewLocal(languageCode: languageCode, schema: schema != nil, exclusions: !(excludingTables + excludingColumns).isEmpty)
        var options = LocalEnvironmentOptions(name: name, languageCode: languageCode)
        if let schema {
            options.tables = .cmtSchema(schema)
        } else {
            let tables = Set(excludingTables.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
            var columns: [String: Set<String>] = [:]
            for item in excludingColumns {
                let parts = item.trimmingCharacters(in: .whitespaces).split(separator: ".")
                guard parts.count == 2 else { throw EnvironmentsError.invalidExclusion(item) }
                columns[String(parts[0]), default: []].insert(String(parts[1]))
            }
            let unknown = TableCatalog.standard.unknownTables(tables.union(columns.keys))
            if !unknown.isEmpty {
                throw EnvironmentsError.unknownTables(
                    TableCatalog.standard.unknownTablesMessage(unknown, option: "--exclude-tables/--exclude-columns"))
            }
            options.tables = .catalog(excludingTables: tables, excludingColumns: columns)
        }
        return try EnvironmentDirectory(dataDirectory).create(name, options: options)
    }

    /// The rules of a new embedded environment's options: the base language is one of the 43 portal
    /// languages (`PortalLanguages`), and tables come from a CMT schema or from the catalog with
    /// exclusions, not both.
    /// - Parameters:
    ///   - schema: whether a CMT schema file is given.
    ///   - exclusions: whether tables or columns to exclude are given.
    /// - Throws: `EnvironmentsError.invalidOption` (usage) naming the rule.
    public static func checkNewLocal(languageCode: Int, schema: Bool, exclusions: Bool) throws {
        if schema && exclusions {
            throw EnvironmentsError.invalidOption("--schema cannot be combined with --exclude-tables/--exclude-columns")
        }
        if PortalLanguages.language(lcid: languageCode) == nil {
            throw EnvironmentsError.invalidOption("--language \(languageCode) is not one of the 43 portal languages' LCIDs")
        }
    }

    /// Deletes embedded environment `name` (its file). One that holds websites is deleted only after
    /// `confirm` (told the websites lost) returned without throwing, unless `force`: nothing in it can
    /// be recovered. An empty one (or an empty file) is deleted at once.
    /// - Parameter confirm: asks the user; throws to keep the environment (its error is rethrown).
    /// - Throws: what `confirm` throws; what `websitesLostByDeleting` and `EnvironmentDirectory.delete` throw.
    public func deleteLocal(_ name: String, force: Bool = false, confirm: ([WebsiteSummary]) throws -> Void) async throws {
        if !force {
            let sites = try await websitesLostByDeleting(name)
            if !sites.isEmpty { try confirm(sites) }
        }
        try EnvironmentDirectory(dataDirectory).delete(name)
    }

    /// The websites deleting embedded environment `name` would lose: empty for an empty file (which
    /// `openLocal` refuses: nothing to lose). A caller deletes an environment holding websites only
    /// after the user confirmed (nothing in it can be recovered).
    /// - Throws: what `openLocal` throws for a missing environment; what reading the websites throws.
    public func websitesLostByDeleting(_ name: String) async throws -> [WebsiteSummary] {
        if let file = try? dataDirectory.environmentFile(name),
            let size = try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int,
            size == 0
        {
            return []
        }
        let environment = try openLocal(name)
        defer { try? environment.close() }
        return try await environment.websites()
    }

    /// Serves embedded environment `name` over the Web API (and the Power Pages admin API) on 127.0.0.1
    /// until SIGINT/SIGTERM: once listening, the server's port and approval key go to the runtime file
    /// beside the environment (`ServerRuntimeFile`, read by `approveDeviceCode` and test fixtures), and
    /// `ready` hears the endpoints; the runtime file is removed and the environment closed when the
    /// server stops, whether or not it failed.
    /// - Parameter runtimeFileProblem: told why the runtime file could not be written (serving goes on).
    /// - Throws: `EnvironmentsError.cannotServe` when the server fails (the port is taken, …); what
    ///   `openLocal` throws.
    public func serveLocal(
        _ name: String, options: ServerOptions, logger: Logger, ready: @escaping @Sendable (ServedEndpoints) -> Void,
        runtimeFileProblem: @escaping @Sendable (String) -> Void = { _ in }
    ) async throws {
        let environment = try openLocal(name)
        let file = try dataDirectory.environmentFile(name)
        let server = EnvironmentServer(service: environment, options: options, logger: logger)
        let approvalKey = server.tokens.approvalKey
        do {
            try await server.run(handleSignals: true) { port in
                do { try ServerRuntimeFile.write(port: port, approvalKey: approvalKey, beside: file) } catch {
                    runtimeFileProblem(
                        "cannot write \(ServerRuntimeFile.url(beside: file).path) (\(error)); `env approve-device-code` will not find this server")
                }
                ready(ServedEndpoints(port: port))
            }
        } catch {
            ServerRuntimeFile.remove(beside: file)
            try? environment.close()
            throw EnvironmentsError.cannotServe(name: name, reason: "\(error)")
        }
        ServerRuntimeFile.remove(beside: file)
        try environment.close()
    }

    /// Approves device code `userCode` on the server serving embedded environment `name`, as the
    /// environment's owner (with the approval key `serveLocal` wrote into the runtime file, mode 0600).
    /// - Throws: `EnvironmentsError.noServerRunning` when no runtime file names a port;
    ///   `DeviceCodeApprovalError` when the server cannot be reached or refuses.
    public func approveDeviceCode(_ userCode: String, environment name: String) async throws {
        let file = try dataDirectory.environmentFile(name)
        guard let port = ServerRuntimeFile.port(beside: file) else { throw EnvironmentsError.noServerRunning(name) }
        try await DeviceCodeApproval.approve(userCode: userCode, port: port, approvalKey: ServerRuntimeFile.approvalKey(beside: file))
    }
}

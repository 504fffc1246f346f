import Foundation
import PortalModel

/// The HTTP form of one `DataverseOperation` (research/dataverse-webapi.md §3): method, path under
/// the Web API root (`adx_webpages(…)`), extra headers and JSON body, plus the form to send when the
/// request must be retried (a create becomes an upsert by id so a retry cannot duplicate it).
public struct OperationRequest: Sendable {
    public var method: String
    public var path: String
    public var headers: [(name: String, value: String)]
    public var body: String?
    /// Sent instead on a retry; `nil` means the same request.
    public var retryForm: RetryForm?

    public struct RetryForm: Sendable {
        public var method: String
        public var path: String
        public var headers: [(name: String, value: String)]
        public var body: String?
    }

    /// The request as an `HTTPRequestMessage` under `base`; `retry` picks the retry form.
    func message(base: URL, retry: Bool = false, extraHeaders: [(name: String, value: String)] = []) -> HTTPRequestMessage? {
        let (m, p, h, b) =
            retry && retryForm != nil
            ? (retryForm!.method, retryForm!.path, retryForm!.headers, retryForm!.body)
            : (method, path, headers, body)
        guard let u = URL(string: base.absoluteString + p) else { return nil }
        var all = h + extraHeaders
        if b != nil, !all.contains(where: { $0.name.lowercased() == "content-type" }) {
            all.append(("Content-Type", "application/json; charset=utf-8"))
        }
        return HTTPRequestMessage(method: m, url: u, headers: all, body: b.map { Data($0.utf8) })
    }

    /// The request as a `$batch` item with an absolute URL under `base`.
    func batchItem(base: URL, contentID: String?, retry: Bool = false, extraHeaders: [(name: String, value: String)] = []) -> BatchItem {
        let (m, p, h, b) =
            retry && retryForm != nil
            ? (retryForm!.method, retryForm!.path, retryForm!.headers, retryForm!.body)
            : (method, path, headers, body)
        return BatchItem(method: m, url: base.absoluteString + p, headers: h + extraHeaders, body: b, contentID: contentID)
    }
}

extension WebAPIClient {
    /// The header that skips custom plug-ins (research §1.2).
    static let bypassHeader = (name: "MSCRM.BypassCustomPluginExecution", value: "true")

    /// Builds the HTTP form of a record or N:N operation (not `uploadFile`).
    /// - Throws: `DataverseError` for unknown tables, relationships or lookup targets.
    public func request(for op: DataverseOperation) async throws -> OperationRequest {
        switch op {
        case .create(let r):
            let coding = try await coding(for: r.logicalName, records: [r])
            let set = coding.table.definition.entitySetName
            let key = "\(set)(\(r.id.dataverseString))"
            return OperationRequest(
                method: "POST", path: set, headers: [], body: try coding.body(r, includeID: true).serialized,
                retryForm: .init(method: "PATCH", path: key, headers: [], body: try coding.body(r, includeID: false).serialized))
        case .update(let r):
            let coding = try await coding(for: r.logicalName, records: [r])
            let key = "\(coding.table.definition.entitySetName)(\(r.id.dataverseString))"
            return OperationRequest(method: "PATCH", path: key, headers: [("If-Match", "*")], body: try coding.body(r, includeID: false).serialized)
        case .upsert(let r):
            let coding = try await coding(for: r.logicalName, records: [r])
            let key = "\(coding.table.definition.entitySetName)(\(r.id.dataverseString))"
            return OperationRequest(method: "PATCH", path: key, headers: [], body: try coding.body(r, includeID: false).serialized)
        case .delete(let table, let id):
            let set = try await entitySetName(table)
            return OperationRequest(method: "DELETE", path: "\(set)(\(id.dataverseString))", headers: [], body: nil)
        case .associate(let name, let link), .disassociate(let name, let link):
            let rel = try await relationship(name)
            let firstIsEntity1 = link.first.logicalName == rel.entity1 || rel.entity1 == rel.entity2
            let nav = (firstIsEntity1 ? rel.entity1NavigationProperty : rel.entity2NavigationProperty) ?? rel.name
            let set1 = try await entitySetName(link.first.logicalName)
            let set2 = try await entitySetName(link.second.logicalName)
            let base = "\(set1)(\(link.first.id.dataverseString))/\(nav)"
            if case .associate = op {
                let target = apiBase.absoluteString + "\(set2)(\(link.second.id.dataverseString))"
                return OperationRequest(
                    method: "POST", path: base + "/$ref", headers: [],
                    body: JSONValue.object([("@odata.id", .string(target))]).serialized)
            }
            return OperationRequest(method: "DELETE", path: base + "(\(link.second.id.dataverseString))/$ref", headers: [], body: nil)
        case .uploadFile(let key, _, _):
            throw DataverseError(
                code: "pm:internal", message: "file uploads are not single JSON requests", logicalName: key.logicalName, recordID: key.id)
        }
    }

    /// The result of an operation from its answer's status and body. A duplicate associate and a
    /// missing disassociate are successes (research §3.7); so is a missing record for a delete that
    /// had to be retried (the first send may have deleted it).
    func interpret(_ op: DataverseOperation, status: Int, body: Data, method: String, path: String, retried: Bool) -> OperationResult {
        if (200..<300).contains(status) {
            switch op {
            case .associate, .disassociate: return .success(nil)
            default: return .success(op.recordID)
            }
        }
        var e = WebAPIErrors.error(
            status: status, body: body, method: method, path: path,
            logicalName: op.logicalName, recordID: op.recordID)
        switch op {
        case .associate where WebAPIErrors.isDuplicateLink(e): return .success(nil)
        case .disassociate where WebAPIErrors.isMissing(e): return .success(nil)
        case .delete where retried && WebAPIErrors.isMissing(e): return .success(op.recordID)
        default: break
        }
        if e.column == nil, let col = Self.columnNamed(in: e.message, op: op) { e.column = col }
        return .failure(e)
    }

    /// The column a Dataverse error message names (`The property 'x' does not exist…`,
    /// `An undeclared property 'x'…`, `Could not find a property named 'x'`), if it is one of the
    /// record's columns.
    static func columnNamed(in message: String, op: DataverseOperation) -> String? {
        let record: EntityRecord
        switch op {
        case .create(let r), .update(let r), .upsert(let r): record = r
        default: return nil
        }
        let parts = message.components(separatedBy: "'")
        guard parts.count >= 3 else { return nil }
        for i in stride(from: 1, to: parts.count, by: 2) {
            let p = parts[i].lowercased()
            if record.columns[parts[i]] != nil { return parts[i] }
            if let c = record.columns.keys.sorted().first(where: { p == "_\($0)_value" || p.hasPrefix($0.lowercased() + "@") || p == $0.lowercased() }
            ) {
                return c
            }
        }
        return nil

    }
}

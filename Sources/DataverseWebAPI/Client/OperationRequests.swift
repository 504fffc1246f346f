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

    /// The request sent on a retry. Its body is built only when a retry asks for it (`body`), so a
    /// request that succeeds at once encodes its JSON once.
    public struct RetryForm: Sendable {
        public var method: String
        public var path: String
        public var headers: [(name: String, value: String)]
        /// Builds the body; `nil` for none.
        let makeBody: @Sendable () -> String?

        /// The JSON body, built now.
        public var body: String? { makeBody() }

        public init(method: String, path: String, headers: [(name: String, value: String)], body: @escaping @Sendable () -> String?) {
            self.method = method
            self.path = path
            self.headers = headers
            self.makeBody = body
        }
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

    /// Builds the HTTP form of a record or N:N operation (not `uploadFile`). A create's or update's file
    /// body (`OperationBody`, bytes) becomes its column as base64 text in the JSON body: the form the
    /// Web API takes for a note's `documentbody` (research/dataverse-webapi.md §9.1); this is the one
    /// place the bytes are encoded.
    /// - Throws: `DataverseError` for unknown tables, relationships or lookup targets; `pm:file`
    ///   (naming the record and column) when a file body cannot be read.
    public func request(for op: DataverseOperation) async throws -> OperationRequest {
        switch op {
        case .create(let r, let body):
            let coding = try await coding(for: r.logicalName, records: [r])
            let set = coding.table.definition.entitySetName
            let key = "\(set)(\(r.id.dataverseString))"
            let encoded = try Self.base64Member(body, r)
            let first = try Self.json(coding, r, encoded, includeID: true)
            // The retry (an upsert by id, so it cannot duplicate the record) is the same JSON without the
            // primary id, built only if a retry happens: its encoding cannot fail where the first did not.
            return OperationRequest(
                method: "POST", path: set, headers: [], body: first,
                retryForm: .init(method: "PATCH", path: key, headers: []) { try? Self.json(coding, r, encoded, includeID: false) })
        case .update(let r, let body):
            let coding = try await coding(for: r.logicalName, records: [r])
            let key = "\(coding.table.definition.entitySetName)(\(r.id.dataverseString))"
            let encoded = try Self.base64Member(body, r)
            return OperationRequest(
                method: "PATCH", path: key, headers: [("If-Match", "*")], body: try Self.json(coding, r, encoded, includeID: false))
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

    /// A file body as the JSON member the Web API takes: its column and the bytes as base64 text
    /// (research/dataverse-webapi.md §9.1); `nil` without a body.
    /// - Throws: `DataverseError` `pm:file` naming the record and column when the body cannot be read.
    static func base64Member(_ body: OperationBody?, _ record: EntityRecord) throws -> (column: String, base64: String)? {
        guard let body else { return nil }
        do {
            return (body.column, try body.body.load().base64EncodedString())
        } catch {
            throw DataverseError(
                code: "pm:file", message: "cannot read the file body: \(error.localizedDescription)",
                logicalName: record.logicalName, recordID: record.id, column: body.column)
        }
    }

    /// The JSON text of a record write: the record's columns (`RecordCoding.body`) and the file body's
    /// member last, when there is one (it replaces a column of the same name). The base64 text is
    /// appended as it is: its alphabet (`A–Z a–z 0–9 + / =`) needs no JSON escaping, so megabytes of
    /// body are not walked character by character.
    /// - Throws: what `RecordCoding.body` throws.
    static func json(_ coding: RecordCoding, _ record: EntityRecord, _ body: (column: String, base64: String)?, includeID: Bool) throws
        -> String
    {
        guard let body else { return try coding.body(record, includeID: includeID).serialized }
        var columns = record
        columns.columns[body.column] = nil
        let object = try coding.body(columns, includeID: includeID)
        let head = object.serialized
        guard head.hasPrefix("{"), head.hasSuffix("}") else {
            return JSONValue.object((object.objectValue ?? []) + [(body.column, .string(body.base64))]).serialized
        }
        var out = String(head.dropLast())
        out.reserveCapacity(head.utf8.count + body.column.utf8.count + body.base64.utf8.count + 8)
        if head.utf8.count > 2 { out += "," }
        out += JSONValue.string(body.column).serialized
        out += ":\""
        out += body.base64
        out += "\"}"
        return out
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
        case .create(let r, let body), .update(let r, let body):
            record = r
            if let body, message.contains("'\(body.column)'") { return body.column }
        case .upsert(let r): record = r
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

import Foundation

/// The server time one HTTP request costs under a `CostModel`, and what it did.
///
/// - `milliseconds`: server time charged (research/dataverse-costs.md §6.1 rule 2: a `$batch` is its
///   request overhead + envelope + the sum of its parts, run one after another, rule 4);
/// - `operations`: operations by kind (a `$batch` counts each part);
/// - `fileBytes`: body bytes charged at `CostModel.perMebibyte`.
public struct CostCharge: Sendable, Hashable {
    public var milliseconds: Double = 0
    public var operations: [CostKind: Int] = [:]
    public var fileBytes: Int = 0
    public var isBatch = false

    /// Charges what `request` cost, given the `response` the handler gave it.
    /// - Parameters:
    ///   - parts: the inner requests of a `$batch` (nil for any other request).
    public static func of(_ request: WebRequest, response: WebResponse, parts: [WebRequest]?, model: CostModel) -> CostCharge {
        var c = CostCharge()
        c.milliseconds = model.requestOverhead
        if let parts {
            c.isBatch = true
            c.milliseconds += model.batchEnvelope
            for p in parts { c.add(p, response: nil, model: model) }
        } else {
            c.add(request, response: response, model: model)
        }
        return c
    }

    /// Adds one operation (a top-level request, or a part of a batch with `response` nil).
    mutating func add(_ request: WebRequest, response: WebResponse?, model: CostModel) {
        let segments = (try? parseResourcePath(request.path)) ?? []
        let kind = Self.kind(request, segments: segments)
        operations[kind, default: 0] += 1
        var ms = model.cost(of: kind)
        var bytes = 0
        if kind == .read {
            if let response, segments.count == 1, segments[0].key == nil, response.status < 300 {
                // A page: its fixed part, each record, and bodies beyond 2 KB per record as file bytes.
                let n = Self.recordCount(response.body)
                ms += Double(n) * model.readPerRecord
                // Assumption: up to 2 KB a record is an ordinary row; the rest are note bodies or long text.
                bytes = max(0, response.body.count - n * 2048)
            } else if let response {
                bytes = max(0, response.body.count - 4096)
            }
        } else if kind == .other {
            // Metadata, WhoAmI, organization: a read of one row. Assumption: metadata is served from cache.
            ms += model.readOne
        } else {
            // Assumption: up to 4 KB a write is an ordinary row; the rest is a file body or long text.
            bytes = max(0, request.body.count - 4096)
        }
        fileBytes += bytes
        milliseconds += ms + model.bytes(bytes)
    }

    /// The kind of an operation from its method, resource path and headers: `$ref` is an N:N
    /// (dis)associate; POST to a set a create; PATCH of a record with `If-Match` an update, with
    /// `If-None-Match: *` a create, otherwise an upsert; PATCH/PUT/DELETE of a property (file column,
    /// single value) an update; DELETE of a record a delete; GET of a table a read; anything else `.other`.
    static func kind(_ request: WebRequest, segments: [PathSegment]) -> CostKind {
        guard let first = segments.first else { return .other }
        let systemNames: Set<String> = ["$metadata", "EntityDefinitions", "RelationshipDefinitions", "WhoAmI", "RetrieveVersion", "organizations"]
        if systemNames.contains(first.name) { return .other }
        if segments.last?.name == "$ref" { return request.method == "GET" ? .read : .associate }
        switch request.method {
        case "GET": return .read
        case "POST": return segments.count == 1 ? .create : .other
        case "PATCH":
            guard segments.count == 1 else { return .update }
            if request.header("If-Match") != nil { return .update }
            if request.header("If-None-Match") == "*" { return .create }
            return .upsert
        case "PUT": return .update
        case "DELETE": return segments.count == 1 ? .delete : .update
        default: return .other
        }
    }

    /// The number of objects in the top-level `"value":[…]` array of an OData collection answer
    /// (a byte scan that skips strings; 0 when there is none).
    static func recordCount(_ body: Data) -> Int {
        body.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> Int in
            let b = raw.bindMemory(to: UInt8.self)
            let key: [UInt8] = Array("\"value\":[".utf8)
            var i = 0, depth = 0, inString = false, found = false, count = 0
            while i < b.count {
                let c = b[i]
                if inString {
                    if c == 0x5C { i += 2; continue } // backslash escape
                    if c == 0x22 { inString = false }
                    i += 1
                    continue
                }
                if !found {
                    if depth == 1, c == 0x22, i + key.count <= b.count, Array(b[i..<(i + key.count)]) == key {
                        found = true
                        depth = 2
                        i += key.count
                        continue
                    }
                    if c == 0x22 { inString = true } else if c == 0x7B || c == 0x5B { depth += 1 } else if c == 0x7D || c == 0x5D { depth -= 1 }
                    i += 1
                    continue
                }
                switch c {
                case 0x22: inString = true
                case 0x7B, 0x5B:
                    if depth == 2 && c == 0x7B { count += 1 }
                    depth += 1
                case 0x7D, 0x5D:
                    depth -= 1
                    if depth < 2 { return count }
                default: break
                }
                i += 1
            }
            return count
        }
    }
}

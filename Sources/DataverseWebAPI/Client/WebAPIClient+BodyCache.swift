import Foundation
import PortalModel

/// The client's `BodyVersionCache`, opened once the environment's organization id is known.
actor BodyCacheHolder {
    private var cache: BodyVersionCache?
    private var resolved = false

    func cache(_ open: () async -> BodyVersionCache?) async -> BodyVersionCache? {
        if !resolved {
            cache = await open()
            resolved = true
        }
        return cache
    }
}

extension WebAPIClient {
    /// Most note bodies read at once when filling a page from the environment.
    static let bodyReadWidth = 16

    /// The cache for this environment, `nil` when `Configuration.bodyCacheDirectory` is not set or the
    /// organization id cannot be read.
    func bodyCache() async -> BodyVersionCache? {
        guard let root = configuration.bodyCacheDirectory else { return nil }
        return await bodyCacheHolder.cache {
            guard let who = try? await whoAmI() else { return nil }
            return BodyVersionCache(folder: BodyVersionCache.folder(dataDirectory: root, environmentURL: configuration.environmentURL,
                                                                    organizationID: who.organizationID))
        }
    }

    /// Whether `retrieve` answers `query` through the body cache: a read of notes that wants `documentbody`.
    func readsNoteBodies(_ query: RecordQuery) -> Bool {
        configuration.bodyCacheDirectory != nil && query.table == "annotation" && (query.columns?.contains("documentbody") ?? true)
    }

    /// A page of notes with their bodies (issue 20): the page is read without `documentbody`; each
    /// note's row version is its `@odata.etag` (Dataverse sends one on every record; `W/"<versionnumber>"`);
    /// each body comes from the `BodyVersionCache` when the note's version is the one kept, else from the
    /// environment (`annotations(<id>)?$select=documentbody`, kept with the ETag of that answer). A note
    /// without an ETag is always read. The records are those `retrieve` gives without the cache.
    /// - Throws: what `retrieve` and the body reads throw.
    func retrieveNotesThroughCache(_ query: RecordQuery, pageSize: Int, page: String?, cache: BodyVersionCache) async throws -> RecordPage {
        let table = try await tableMetadata("annotation")
        var narrowed = query
        var columns = query.columns ?? table.definition.columns.map(\.logicalName)
        columns.removeAll { $0 == "documentbody" }
        narrowed.columns = columns
        let (page, etags) = try await retrievePage(narrowed, pageSize: pageSize, page: page)
        var result = page
        var missing: [Int] = []
        for i in result.records.indices {
            // The row version: the record's ETag (W/"<versionnumber>", research/dataverse-webapi.md §3), else its versionnumber.
            guard let version = etags[i] ?? Self.versionText(result.records[i]["versionnumber"]),
                  let kept = cache.body(id: result.records[i].id, version: version) else { missing.append(i); continue }
            if let data = kept { result.records[i]["documentbody"] = .string(data.base64EncodedString()) }
        }
        var start = 0
        while start < missing.count {
            let slice = Array(missing[start..<min(missing.count, start + Self.bodyReadWidth)])
            start += slice.count
            let bodies = try await withThrowingTaskGroup(of: (Int, String?).self) { group in
                for i in slice {
                    let id = result.records[i].id
                    group.addTask { (i, try await self.readNoteBody(id, cache: cache)) }
                }
                var out: [(Int, String?)] = []
                for try await r in group { out.append(r) }
                return out
            }
            for (i, text) in bodies { if let text { result.records[i]["documentbody"] = .string(text) } }
        }
        let wanted = query.columns.map(Set.init)
        if let wanted {
            for i in result.records.indices { result.records[i].columns = result.records[i].columns.filter { wanted.contains($0.key) } }
        }
        return result
    }

    /// Reads one note's `documentbody` (base64, `nil` when empty) and keeps it with the ETag of the same answer.
    func readNoteBody(_ id: UUID, cache: BodyVersionCache) async throws -> String? {
        let set = try await entitySetName("annotation")
        let json = try await getJSON("\(set)(\(id.dataverseString))?$select=documentbody", logicalName: "annotation")
        let text = json["documentbody"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        if let version = json["@odata.etag"]?.stringValue {
            let data = text.flatMap { Data(base64Encoded: $0, options: .ignoreUnknownCharacters) }
            // A body that is not base64 is passed on as read and not kept.
            if text == nil || data != nil { cache.remember(id: id, version: version, body: data) }
        }
        return text
    }

    /// Forgets the cached bodies of the notes `changeSets` write or delete (before they are sent).
    func forgetWrittenNotes(_ changeSets: [ChangeSet]) async {
        guard configuration.bodyCacheDirectory != nil else { return }
        let ids = changeSets.flatMap(\.operations).compactMap { op -> UUID? in op.logicalName == "annotation" ? op.recordID : nil }
        guard !ids.isEmpty, let cache = await bodyCache() else { return }
        for id in ids { cache.forget(id) }
    }

    /// A row version as text (`versionnumber` is a big integer).
    static func versionText(_ value: FieldValue?) -> String? {
        switch value {
        case .bigInt(let v)?: return String(v)
        case .integer(let v)?: return String(v)
        case .string(let s)? where !s.isEmpty: return s
        default: return nil
        }
    }
}

import Foundation
import PortalModel

extension WebAPIClient {
    /// The `Prefer` annotations asked on reads: the lookup target table, needed for polymorphic lookups.
    static let readAnnotations = "odata.include-annotations=\"Microsoft.Dynamics.CRM.lookuplogicalname\""

    /// A page of records (research/dataverse-webapi.md §2): `GET <set>?$select&$filter&$orderby[&$top]`
    /// with `Prefer: odata.maxpagesize=<pageSize>`; the next page is the `@odata.nextLink` sent back
    /// unchanged. A next link on another host than the environment is refused (the token must not
    /// leave the environment). Portal tables go through the record and body cache when one is configured
    /// (`retrieveThroughCache`: ids and ETags first, then only the records whose version moved).
    /// - Throws: `DataverseError` for error answers (unknown table 404 `0x8006088a`, unknown column
    ///   400 `0x0`), undecodable records (`pm:decode`) or a foreign next link (`pm:paging`).
    public func retrieve(_ query: RecordQuery, pageSize: Int, page: String?) async throws -> RecordPage {
        if readsThroughCache(query), let cache = await bodyCache() {
            return try await retrieveThroughCache(query, pageSize: pageSize, page: page, cache: cache)
        }
        return try await retrievePage(query, pageSize: pageSize, page: page).page
    }

    /// `retrieve` without the cache, with each record's `@odata.etag` (its row version, `nil` when absent)
    /// and its JSON object as answered.
    func retrievePage(_ query: RecordQuery, pageSize: Int, page: String?) async throws -> (page: RecordPage, etags: [String?], items: [JSONValue]) {
        let table = try await tableMetadata(query.table)
        let size = min(max(1, pageSize), 5000)
        var prefer = [Self.readAnnotations]
        let requestURL: URL
        if let page {
            guard let u = URL(string: page, relativeTo: apiBase)?.absoluteURL, sameOrigin(u) else {
                throw DataverseError(code: "pm:paging", message: "the next page link does not point at the environment", logicalName: query.table)
            }
            requestURL = u
            prefer.insert("odata.maxpagesize=\(size)", at: 0)
        } else {
            let encoder = ODataQueryEncoder(table: table)
            let (q, useTop) = encoder.queryString(query, pageSize: size)
            requestURL = try url(table.definition.entitySetName + (q.isEmpty ? "" : "?" + q))
            if !useTop { prefer.insert("odata.maxpagesize=\(size)", at: 0) }
        }
        let request = HTTPRequestMessage(method: "GET", url: requestURL, headers: [("Prefer", prefer.joined(separator: ","))])
        let json = try await sendJSON(request, logicalName: query.table)
        let coding = RecordCoding(table: table) { $0 }
        var records: [EntityRecord] = []
        var etags: [String?] = []
        let items = json["value"]?.arrayValue ?? []
        let wanted = query.columns.map(Set.init)
        for item in items {
            var record = try coding.decode(item)
            if let wanted, record.columns.keys.contains(where: { !wanted.contains($0) }) {
                record.columns = record.columns.filter { wanted.contains($0.key) }
            }
            records.append(record)
            etags.append(item["@odata.etag"]?.stringValue)
        }
        return (
            RecordPage(records: records, nextPage: json["@odata.nextLink"]?.stringValue, totalCount: json["@odata.count"]?.intValue),
            etags, items
        )
    }

    /// True when `u` has the environment's scheme, host and port.
    func sameOrigin(_ u: URL) -> Bool {
        u.scheme?.lowercased() == apiBase.scheme?.lowercased() && u.host?.lowercased() == apiBase.host?.lowercased() && u.port == apiBase.port
    }

    /// The organization row (`organizations?$select=organizationid,name,languagecode,blockedattachments,maxuploadfilesize`)
    /// and the version (`RetrieveVersion()`), research/dataverse-webapi.md §8.
    /// - Throws: `DataverseError` for error answers or when no organization row comes back.
    public func organizationInfo() async throws -> OrganizationInfo {
        let json = try await getJSON(
            "organizations?$select=organizationid,name,languagecode,blockedattachments,maxuploadfilesize",
            logicalName: "organization")
        guard let row = json["value"]?.arrayValue?.first else {
            throw DataverseError(
                code: DataverseError.Code.objectDoesNotExist, message: "the environment returned no organization row",
                logicalName: "organization")
        }
        let version = try await getJSON("RetrieveVersion()")["Version"]?.stringValue ?? ""
        return OrganizationInfo(
            organizationID: row["organizationid"]?.stringValue.flatMap { UUID(dataverse: $0) }
                ?? UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)),
            name: row["name"]?.stringValue ?? "",
            languageCode: row["languagecode"]?.intValue ?? 0,
            blockedAttachments: OrganizationInfo.parseBlockedAttachments(row["blockedattachments"]?.stringValue ?? ""),
            maxUploadFileSize: row["maxuploadfilesize"]?.intValue ?? 0,
            version: version)
    }

    /// `GET WhoAmI()` (research §8).
    /// - Throws: `DataverseError` for error answers or a response lacking the three ids.
    public func whoAmI() async throws -> WhoAmIResult {
        let json = try await getJSON("WhoAmI()")
        guard let u = json["UserId"]?.stringValue.flatMap({ UUID(dataverse: $0) }),
            let b = json["BusinessUnitId"]?.stringValue.flatMap({ UUID(dataverse: $0) }),
            let o = json["OrganizationId"]?.stringValue.flatMap({ UUID(dataverse: $0) })
        else {
            throw DataverseError(
                code: "pm:decode", message: "WhoAmI() answered without UserId, BusinessUnitId and OrganizationId",
                method: "GET", path: "WhoAmI()")
        }
        return WhoAmIResult(userID: u, businessUnitID: b, organizationID: o)
    }

    /// The links of an N:N relationship, read from its intersect table's entity set (from metadata,
    /// else `<intersect>set`, research §1.3), with both intersect columns selected, every page.
    /// `firstIDs` restricts the result to links whose entity-1 side is listed.
    /// - Throws: `DataverseError` for an unknown relationship or error answers.
    public func retrieveLinks(relationship name: String, firstIDs: Set<UUID>?) async throws -> Set<ManyToManyLink> {
        let rel = try await relationship(name)
        let set: String
        if let t = try? await tableMetadata(rel.intersectEntity) { set = t.definition.entitySetName } else { set = rel.intersectEntity + "set" }
        let select = ODataQueryEncoder.encode("\(rel.entity1IDColumn),\(rel.entity2IDColumn)")
        var next: URL? = try url("\(set)?$select=\(select)")
        var seen = Set<String>()
        var links = Set<ManyToManyLink>()
        while let u = next {
            let request = HTTPRequestMessage(method: "GET", url: u, headers: [("Prefer", "odata.maxpagesize=5000")])
            let json = try await sendJSON(request, logicalName: rel.intersectEntity)
            for row in json["value"]?.arrayValue ?? [] {
                guard let a = row[rel.entity1IDColumn]?.stringValue.flatMap({ UUID(dataverse: $0) }),
                    let b = row[rel.entity2IDColumn]?.stringValue.flatMap({ UUID(dataverse: $0) })
                else { continue }
                if let f = firstIDs, !f.contains(a) { continue }
                links.insert(ManyToManyLink(EntityReference(rel.entity1, a), EntityReference(rel.entity2, b)))
            }
            next = nil
            if let link = json["@odata.nextLink"]?.stringValue {
                guard seen.insert(link).inserted else {
                    throw DataverseError(code: "pm:paging", message: "the server returned the same next page twice", logicalName: rel.intersectEntity)
                }
                guard let n = URL(string: link, relativeTo: apiBase)?.absoluteURL, sameOrigin(n) else {
                    throw DataverseError(
                        code: "pm:paging", message: "the next page link does not point at the environment", logicalName: rel.intersectEntity)
                }
                next = n
            }
        }
        return links
    }
}

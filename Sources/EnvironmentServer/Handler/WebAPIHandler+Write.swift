import Foundation
import PortalModel

extension WebAPIHandler {
    /// The execution options a request asks for: `MSCRM.BypassCustomPluginExecution: true` skips the
    /// environment's plug-in behaviours (research/dataverse-webapi.md §1.2).
    func executeOptions(_ request: WebRequest, continueOnError: Bool = true) -> ExecuteOptions {
        let bypass = request.header("MSCRM.BypassCustomPluginExecution")?.lowercased() == "true"
        return ExecuteOptions(bypassCustomPlugins: bypass, continueOnError: continueOnError)
    }

    /// A write outside a batch: planned, executed on its own, answered.
    func write(_ request: WebRequest) async throws -> WebResponse {
        var context = ChangeSetContext()
        let plan = try await planWrite(request, context: &context)
        let results = try await service.execute(
            [ChangeSet(plan.operations, atomic: plan.operations.count > 1)],
            options: executeOptions(request))
        if let e = WebAPIHandler.firstError(results) { throw ODataError(e) }
        return try await respond(plan)
    }

    /// The error to report for a set of results: the first one that is not a consequence of another.
    static func firstError(_ results: [OperationResult]) -> DataverseError? {
        let errors = results.compactMap(\.error)
        return errors.first { $0.code != DataverseError.Code.rolledBack && $0.code != DataverseError.Code.notExecuted } ?? errors.first
    }

    /// The answer to a write that succeeded: 204 with `OData-EntityId`, or the record with
    /// `return=representation` (201 when created, 200 when updated; research/dataverse-webapi.md §3).
    func respond(_ plan: WritePlan) async throws -> WebResponse {
        let entityID = baseURL + plan.entityPath
        switch plan.kind {
        case .delete, .link: return .noContent()
        case .create, .update, .upsert:
            if plan.representation {
                guard let record = try await fetch(plan.table, plan.id, columns: readColumns(plan.select, table: plan.table)) else {
                    throw ODataError.recordNotFound(plan.table.logicalName, plan.id)
                }
                let rep = RecordRepresentation(table: plan.table, select: plan.select, preferences: Preferences(nil))
                var headers: [(String, String)] = [("Preference-Applied", "return=representation")]
                if let e = RecordRepresentation.etag(record) { headers.append(("ETag", e)) }
                return .json(
                    .object([("@odata.context", .string(contextURL(plan.table, plan.select, entity: true)))] + rep.members(record)),
                    status: plan.creates ? 201 : 200, headers: headers)
            }
            return .noContent(headers: [("OData-EntityId", entityID), ("Location", entityID)])
        }
    }

    /// Turns a write request into operations, checking everything that can be checked first:
    /// the entity set, the record key, `If-Match`/`If-None-Match`, body properties and
    /// `@odata.bind` navigation names and targets.
    /// - Throws: `ODataError` with the status and code of research/dataverse-webapi.md §5.
    func planWrite(_ request: WebRequest, context: inout ChangeSetContext) async throws -> WritePlan {
        let segments = try parseResourcePath(request.path)
        guard let first = segments.first else { throw ODataError.methodNotAllowed(request.method, request.path) }
        guard let table = try await tables.table(entitySet: first.name) else { throw ODataError.resourceNotFound(first.name) }
        let prefs = Preferences(request.header("Prefer"))
        let select = try QueryOptions(
            WebRequest(method: "GET", path: "", query: request.query.filter { $0.0 == "$select" }),
            table: table
        ).select
        if segments.count == 1 {
            switch (request.method, first.key) {
            case ("POST", nil):
                let (bodyID, columns) = try await decodeRecord(request.body, table: table, context: context)
                let id = bodyID ?? UUID()
                context.created.insert(id)
                return WritePlan(
                    kind: .create, operations: [.create(EntityRecord(table.logicalName, id: id, columns: columns))],
                    table: table, id: id, creates: true, representation: prefs.returnRepresentation, select: select)
            case ("PATCH", let key?):
                return try await planPatch(request, table: table, key: key, context: &context, prefs: prefs, select: select)
            case ("DELETE", let key?):
                let id = try await existingID(key, table: table, context: context)
                try await checkIfMatch(request, table: table, id: id)
                context.created.remove(id)
                return WritePlan(
                    kind: .delete, operations: [.delete(table.logicalName, id)], table: table, id: id,
                    creates: false, representation: false, select: nil)
            default:
                throw ODataError.methodNotAllowed(request.method, request.path)
            }
        }
        guard let key = first.key else { throw ODataError.resourceNotFound(segments[1].name) }
        let second = segments[1]
        let isRef = segments.count == 3 && segments[2].name == "$ref"
        if let rel = table.relationships.first(where: {
            $0.name == second.name || $0.entity1NavigationProperty == second.name || $0.entity2NavigationProperty == second.name
        }),
            isRef || (segments.count == 2 && request.method == "DELETE" && second.key != nil)
        {
            return try await planLink(request, table: table, key: key, relationship: rel, navKey: second.key, context: context)
        }
        if let (lookup, boundTarget) = table.lookup(navigationProperty: second.name), isRef, second.key == nil {
            let id = try await existingID(key, table: table, context: context)
            let value: FieldValue
            switch request.method {
            case "PUT":
                let body = try parseBodyObject(request.body, entitySet: table.entitySetName)
                guard let ref = body.first(where: { $0.0 == "@odata.id" })?.1.stringValue else {
                    throw ODataError.badPayload("The request body must contain '@odata.id'.", entitySet: table.entitySetName)
                }
                let target = try await resolveReference(
                    ref, allowed: boundTarget.map { [$0] } ?? lookup.targets, context: context,
                    entitySet: table.entitySetName)
                value = lookup.type == .owner ? .owner(target) : .lookup(target)
            case "DELETE":
                value = .null
            default:
                throw ODataError.methodNotAllowed(request.method, request.path)
            }
            return WritePlan(
                kind: .update, operations: [.update(EntityRecord(table.logicalName, id: id, columns: [lookup.logicalName: value]))],
                table: table, id: id, creates: false, representation: false, select: nil)
        }
        if segments.count == 2, second.key == nil, let column = table.column(second.name), !column.isLookup,
            column.type != .file, column.type != .image, column.logicalName != table.primaryIDColumn
        {
            let id = try await existingID(key, table: table, context: context)
            let value: FieldValue
            switch request.method {
            case "PUT":
                let body = try parseBodyObject(request.body, entitySet: table.entitySetName)
                guard let v = body.first(where: { $0.0 == "value" })?.1 else {
                    throw ODataError.badPayload("The request body must contain 'value'.", entitySet: table.entitySetName)
                }
                value = try convert(v, column: column, entitySet: table.entitySetName)
            case "DELETE":
                value = .null
            default:
                throw ODataError.methodNotAllowed(request.method, request.path)
            }
            return WritePlan(
                kind: .update, operations: [.update(EntityRecord(table.logicalName, id: id, columns: [column.logicalName: value]))],
                table: table, id: id, creates: false, representation: false, select: nil)
        }
        if table.column(second.name) == nil && !table.relationships.contains(where: { $0.name == second.name }) {
            throw ODataError.resourceNotFound(second.name)
        }
        throw ODataError.methodNotAllowed(request.method, request.path)
    }

    /// The id of a record that must exist (or was created earlier in the change set).
    /// - Throws: 404 `0x80040217` when it does not.
    func existingID(_ key: String, table: TableDefinition, context: ChangeSetContext) async throws -> UUID {
        if case .id(let id) = try RecordKey.parse(key, primaryIDColumn: table.primaryIDColumn), context.created.contains(id) {
            return id
        }
        return try await resolveKey(key, table: table, mustExist: true)!
    }

    /// Checks `If-Match: W/"<version>"` against the record's `versionnumber`.
    /// - Throws: 412 `0x80060882` on a mismatch (research/dataverse-webapi.md §3.6).
    func checkIfMatch(_ request: WebRequest, table: TableDefinition, id: UUID) async throws {
        guard let ifMatch = request.header("If-Match"), ifMatch != "*" else { return }
        let record = try await fetch(table, id, columns: table.column("versionnumber") != nil ? ["versionnumber"] : [])
        guard let record else { throw ODataError.recordNotFound(table.logicalName, id) }
        let tags = ifMatch.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard let current = RecordRepresentation.etag(record), tags.contains(current) else { throw ODataError.versionMismatch() }
    }

    func planPatch(
        _ request: WebRequest, table: TableDefinition, key: String, context: inout ChangeSetContext,
        prefs: Preferences, select: [ColumnDefinition]?
    ) async throws -> WritePlan {
        var (bodyID, columns) = try await decodeRecord(request.body, table: table, context: context)
        let id: UUID
        var exists: Bool
        switch try RecordKey.parse(key, primaryIDColumn: table.primaryIDColumn) {
        case .id(let u):
            id = u
            exists = context.created.contains(u) ? true : try await fetch(table, u, columns: []) != nil
        case .alternate(let pairs):
            if let found = try await resolveKey(key, table: table, mustExist: false) {
                id = found; exists = true
            } else {
                id = bodyID ?? UUID(); exists = false
                if case .and(let parts) = try alternateKeyFilter(pairs, table: table) {
                    for case .compare(let c, _, let v) in parts { columns[c] = columns[c] ?? keyValue(v, table: table, column: c) }
                } else if case .compare(let c, _, let v) = try alternateKeyFilter(pairs, table: table) {
                    columns[c] = columns[c] ?? keyValue(v, table: table, column: c)
                }
                bodyID = id
            }
        }
        if let b = bodyID, b != id {
            throw ODataError.badRequest("The key in the request URL does not match the key in the request body.")
        }
        let ifMatch = request.header("If-Match")
        let ifNoneMatch = request.header("If-None-Match")
        let kind: WritePlan.Kind
        if let ifMatch {
            guard exists else { throw ODataError.recordNotFound(table.logicalName, id) }
            if ifMatch != "*" { try await checkIfMatch(request, table: table, id: id) }
            kind = .update
        } else if ifNoneMatch == "*" {
            if exists { throw ODataError.duplicate() }
            kind = .create
        } else {
            kind = .upsert
        }
        let record = EntityRecord(table.logicalName, id: id, columns: columns)
        let op: DataverseOperation
        switch kind {
        case .update: op = .update(record)
        case .create: op = .create(record)
        default: op = .upsert(record)
        }
        if !exists { context.created.insert(id) }
        return WritePlan(
            kind: kind, operations: [op], table: table, id: id, creates: !exists,
            representation: prefs.returnRepresentation, select: select)
    }

    private func keyValue(_ v: FieldValue, table: TableDefinition, column: String) -> FieldValue {
        guard let c = table.column(column), c.isLookup, case .guid(let u) = v, let target = c.targets.first else { return v }
        return c.type == .owner ? .owner(EntityReference(target, u)) : .lookup(EntityReference(target, u))
    }

    /// Plans an N:N associate (`POST …/nav/$ref` with `@odata.id`) or disassociate
    /// (`DELETE …/nav(id2)/$ref` or `DELETE …/nav/$ref?$id=…`; research/dataverse-webapi.md §3.7).
    /// Associating a linked pair answers 412 `0x80040237`; disassociating an unlinked pair succeeds.
    func planLink(
        _ request: WebRequest, table: TableDefinition, key: String, relationship rel: ManyToManyRelationship,
        navKey: String?, context: ChangeSetContext
    ) async throws -> WritePlan {
        let id = try await existingID(key, table: table, context: context)
        let otherTableName = rel.entity1 == table.logicalName ? rel.entity2 : rel.entity1
        guard let otherTable = try await tables.table(otherTableName) else { throw ODataError.resourceNotFound(otherTableName) }
        let other: EntityReference
        switch request.method {
        case "POST":
            guard navKey == nil else { throw ODataError.methodNotAllowed(request.method, request.path) }
            let body = try parseBodyObject(request.body, entitySet: table.entitySetName)
            guard let ref = body.first(where: { $0.0 == "@odata.id" })?.1.stringValue else {
                throw ODataError.badPayload("The request body must contain '@odata.id'.", entitySet: table.entitySetName)
            }
            other = try await resolveReference(ref, allowed: [otherTable.logicalName], context: context, entitySet: table.entitySetName)
        case "DELETE":
            if let navKey {
                other = EntityReference(otherTable.logicalName, try await existingID(navKey, table: otherTable, context: context))
            } else if let ref = request.queryValue("$id") {
                other = try await resolveReference(ref, allowed: [otherTable.logicalName], context: context, entitySet: table.entitySetName)
            } else {
                throw ODataError.badRequest("A DELETE of a collection-valued $ref needs the $id query option.")
            }
        default:
            throw ODataError.methodNotAllowed(request.method, request.path)
        }
        let me = EntityReference(table.logicalName, id)
        let link = rel.entity1 == table.logicalName ? ManyToManyLink(me, other) : ManyToManyLink(other, me)
        if request.method == "POST" {
            let existing = try await service.retrieveLinks(relationship: rel.name, firstIDs: [link.first.id])
            if existing.contains(link) {
                throw ODataError(status: 412, code: DataverseError.Code.duplicateRecord, message: "Cannot insert duplicate key.")
            }
            return WritePlan(
                kind: .link, operations: [.associate(relationship: rel.name, link)], table: table, id: id,
                creates: false, representation: false, select: nil)
        }
        return WritePlan(
            kind: .link, operations: [.disassociate(relationship: rel.name, link)], table: table, id: id,
            creates: false, representation: false, select: nil)
    }

    // MARK: Bodies

    func parseBodyObject(_ body: Data, entitySet: String) throws -> [(String, JSONValue)] {
        if body.isEmpty || body.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return [] }
        let json: JSONValue
        do { json = try JSONValue.parse(body) } catch {
            throw ODataError.badPayload("Invalid JSON. \(error)", entitySet: entitySet)
        }
        guard let members = json.objectValue else {
            throw ODataError.badPayload("The request body must be a JSON object.", entitySet: entitySet)
        }
        return members
    }

    /// Decodes a POST/PATCH body into the record's columns: plain properties by logical name and type,
    /// `nav@odata.bind` through the table's case-sensitive navigation property names, `nav: null` or
    /// `nav@odata.bind: null` to clear a lookup, the primary id column as the record's id. Annotations
    /// (`@odata.type`, `x@OData.Community…`) are ignored.
    /// - Throws: 400 `0x80048d19` for unknown properties, bad navigation names, `_x_value` or lookup
    ///   logical names written directly, and values of the wrong kind; 404 `0x80040217` when a bound
    ///   record does not exist (research/dataverse-webapi.md §3.2, §5).
    func decodeRecord(_ body: Data, table: TableDefinition, context: ChangeSetContext) async throws -> (UUID?, [String: FieldValue]) {
        let set = table.entitySetName
        var id: UUID? = nil
        var columns: [String: FieldValue] = [:]
        for (key, value) in try parseBodyObject(body, entitySet: set) {
            if key.hasPrefix("@") { continue }
            if let at = key.firstIndex(of: "@") {
                let prop = String(key[..<at])
                let annotation = key[key.index(after: at)...]
                guard annotation == "odata.bind" else { continue }
                guard let (lookup, boundTarget) = table.lookup(navigationProperty: prop) else {
                    throw ODataError.undeclaredNavigation(prop, entitySet: set)
                }
                switch value {
                case .null: columns[lookup.logicalName] = .null
                case .string(let ref):
                    let target = try await resolveReference(
                        ref, allowed: boundTarget.map { [$0] } ?? lookup.targets,
                        context: context, entitySet: set)
                    columns[lookup.logicalName] = lookup.type == .owner ? .owner(target) : .lookup(target)
                default:
                    throw ODataError.badPayload("The value of '\(key)' must be a string entity reference.", entitySet: set)
                }
                continue
            }
            if key == table.primaryIDColumn {
                guard let s = value.stringValue, let u = UUID(dataverse: s) else {
                    throw ODataError.badPayload("Cannot convert the literal '\(value.serialized)' to the expected type 'Edm.Guid'.", entitySet: set)
                }
                id = u
                continue
            }
            if value.isNull, let (lookup, _) = table.lookup(navigationProperty: key) {
                columns[lookup.logicalName] = .null
                continue
            }
            guard let column = table.column(key), !column.isLookup, column.type != .file, column.type != .image else {
                throw ODataError.undeclaredProperty(key, entitySet: set, table: table.logicalName)
            }
            columns[key] = try convert(value, column: column, entitySet: set)
        }
        return (id, columns)
    }

    func convert(_ value: JSONValue, column: ColumnDefinition, entitySet: String) throws -> FieldValue {
        do {
            return try FieldValue(json: value, as: column.type)
        } catch {
            throw ODataError.badPayload(
                "Cannot convert the literal '\(value.serialized)' to the expected type of '\(column.logicalName)' (\(column.type.webAPIAttributeType)).",
                entitySet: entitySet)
        }
    }

    /// Resolves an entity reference (`/set(id)`, `set(id)`, an absolute URL, or `$n` in a change set)
    /// to a record that exists (or was created earlier in the change set).
    /// - Throws: 400 `0x80048d19` for a malformed reference or a table the lookup cannot point to;
    ///   400 for an unknown Content-ID; 404 `0x80040217` for a missing record.
    func resolveReference(_ ref: String, allowed: [String], context: ChangeSetContext, entitySet: String) async throws -> EntityReference {
        var r = ref.trimmingCharacters(in: .whitespaces)
        if r.hasPrefix("$") {
            guard let url = context.contentIDs[String(r.dropFirst())] else {
                throw ODataError.badRequest("Content-ID Reference: '\(r)' does not exist in the batch context.")
            }
            r = url
        }
        if let range = r.range(of: WebAPIHandler.apiRoot) { r = String(r[range.upperBound...]) }
        while r.hasPrefix("/") { r.removeFirst() }
        let segs = try parseResourcePath(r)
        guard segs.count == 1, let key = segs[0].key else {
            throw ODataError.badPayload("The entity reference '\(ref)' is not valid.", entitySet: entitySet)
        }
        guard let target = try await tables.table(entitySet: segs[0].name) else { throw ODataError.resourceNotFound(segs[0].name) }
        if !allowed.isEmpty, !allowed.contains(target.logicalName) {
            throw ODataError.badPayload(
                "The entity reference '\(ref)' points to '\(target.logicalName)', which the navigation property cannot reference.",
                entitySet: entitySet)
        }
        let id = try await existingID(key, table: target, context: context)
        return EntityReference(target.logicalName, id)
    }
}
